package server_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

var ldScript = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

// jsonLD returns the structured data of a page, decoded.
func jsonLD(t *testing.T, f *fixture, path string) (map[string]any, string) {
	t.Helper()
	body := f.page(path)
	m := ldScript.FindAllStringSubmatch(body, -1)
	if len(m) != 1 {
		t.Fatalf("%s: %d JSON-LD scripts", path, len(m))
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(m[0][1]), &v); err != nil {
		t.Fatalf("%s: JSON-LD does not decode: %v\n%s", path, err, m[0][1])
	}
	return v, m[0][1]
}

func TestJSONLD(t *testing.T) {
	f := newFixture(t, options{noSearch: true})
	svc, raw := jsonLD(t, f, "/services/epicerie-sociale-cluny")
	lacks(t, "service JSON-LD", raw, proNote, proPhone, proMail)
	if svc["@type"] != "GovernmentService" || svc["name"] != "Épicerie sociale et solidaire de Cluny" || svc["@context"] != "https://schema.org" {
		t.Errorf("service: %v", svc)
	}
	prov := svc["provider"].(map[string]any)
	if prov["@type"] != "GovernmentOrganization" || prov["name"] != "CCAS de Cluny" || !strings.HasSuffix(prov["url"].(string), "/structures/ccas-cluny") {
		t.Errorf("provider: %v", prov)
	}
	ch := svc["availableChannel"].(map[string]any)
	loc := ch["serviceLocation"].(map[string]any)
	addr := loc["address"].(map[string]any)
	if addr["postalCode"] != "71250" || addr["addressLocality"] != "Cluny" || addr["streetAddress"] != "7 place du Marché" {
		t.Errorf("address: %v", addr)
	}
	if geo := loc["geo"].(map[string]any); geo["latitude"] != 46.4352 || geo["longitude"] != 4.6611 {
		t.Errorf("geo (from the structure): %v", geo)
	}
	if oh, _ := json.Marshal(loc["openingHours"]); string(oh) != `["Tu,Th 14:00-17:30"]` {
		t.Errorf("openingHours: %s", oh)
	}
	if tel := ch["servicePhone"].(map[string]any)["telephone"]; tel != "03 85 99 00 11" {
		t.Errorf("telephone: %v", tel)
	}

	st, raw := jsonLD(t, f, "/structures/ccas-cluny")
	lacks(t, "structure JSON-LD", raw, proStructure)
	if st["@type"] != "GovernmentOrganization" || st["telephone"] != "03 85 99 12 34" || st["address"] == nil {
		t.Errorf("structure: %v", st)
	}
	if oh, _ := json.Marshal(st["location"].(map[string]any)["openingHours"]); string(oh) != `["Mo-Fr 09:00-12:00"]` {
		t.Errorf("structure openingHours: %s", oh)
	}

	// A hostile name stays data: it cannot close the script element.
	h, raw := jsonLD(t, f, "/services/hostile")
	if h["name"] != "Atelier <script>alert('nom')</script> piégé" {
		t.Errorf("hostile name: %v", h["name"])
	}
	if strings.Contains(raw, "<") || strings.Contains(raw, ">") {
		t.Errorf("JSON-LD holds raw < or >: %s", raw)
	}
}

func TestSitemapAndRobots(t *testing.T) {
	f := newFixture(t, options{noSearch: true})
	r := f.get("/sitemap.xml")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/xml") {
		t.Fatalf("sitemap: %d %s", r.status, r.header.Get("Content-Type"))
	}
	contains(t, "sitemap", r.body, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`,
		"/services/epicerie-sociale-cluny</loc><lastmod>2026-10-02</lastmod>", "/structures/ccas-cluny</loc>", "/pages/aide-alimentaire</loc>")
	lacks(t, "sitemap", r.body, "services/invalide", "historique")
	if r := f.get("/sitemap/1.xml"); r.status != 404 {
		t.Errorf("sitemap part of a small site: %d", r.status)
	}
	robots := f.get("/robots.txt")
	contains(t, "robots.txt", robots.body, "User-agent: *", "Disallow: /recherche", "Sitemap: http://")
	if !strings.HasSuffix(strings.TrimSpace(robots.body), "/sitemap.xml") {
		t.Errorf("robots.txt: %s", robots.body)
	}
}
