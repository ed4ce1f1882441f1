package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestSearchPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})

	body := f.page("/recherche?q=epicerie")
	contains(t, "search", body,
		"<h1>Résultats pour « epicerie »</h1>",
		`<input id="q" name="q" type="search" value="epicerie"`,
		`<h2 id="resultats-titre" aria-live="polite">1 résultat(s)</h2>`,
		`<h3><a href="/services/epicerie-sociale-cluny">Épicerie sociale et solidaire de Cluny</a></h3>`,
		`<p class="meta"><span>CCAS de Cluny</span> · <span>Cluny</span></p>`,
		`<span class="verifie">Informations vérifiées le 15 septembre 2026</span>`,
		// facets, with counts
		`<legend>Besoin</legend>`,
		`name="thematique_groupe" value="equipement-et-alimentation" > <label for="f-thematique_groupe-0">Équipement et alimentation <span class="compte">(1)</span></label>`,
		`<legend>Coût</legend>`,
		`name="frais" value="payant"`,
		`<meta name="robots" content="noindex">`,
	)
	lacks(t, "search", body, "Vestiaire solidaire", "Domiciliation administrative")

	// Words found are marked in the excerpt.
	contains(t, "excerpt", f.page("/recherche?q=hygiene"), `<p class="extrait">`, `hygiène</mark>`)

	// A selected facet is checked and filters.
	filtered := f.page("/recherche?q=aide+alimentaire&thematique_groupe=equipement-et-alimentation")
	contains(t, "filtered", filtered, `value="equipement-et-alimentation" checked>`, `href="/services/epicerie-sociale-cluny"`)
	// Structures and guides come as a side list, whatever the services' filters.
	contains(t, "others", filtered, `<h3 id="autres-titre">`, `<a href="/pages/aide-alimentaire">Aide alimentaire dans le Clunisois</a>`)

	// Near a commune: its name, the distance.
	// "71250" is Cluny's postal code, as the form's help says, and also
	// Laizé's INSEE code: the form means the postal code.
	near := f.page("/recherche?q=epicerie&commune=71250")
	contains(t, "near", near, "1 résultat(s) autour de Cluny (71250)", "<span>0,5 km</span>", `name="commune" type="text" value="71250"`)

	// An unknown commune is said next to the field, on a 200 page.
	unknown := f.page("/recherche?q=epicerie&commune=Atlantide")
	contains(t, "unknown commune", unknown, `aria-invalid="true"`,
		`<strong class="erreur">Commune « Atlantide » introuvable : saisissez un nom de commune ou un code postal.</strong>`)

	// Without criteria: the form, no results.
	empty := f.page("/recherche")
	contains(t, "empty", empty, "<h1>Rechercher un service</h1>", "Saisissez un besoin ou choisissez un filtre.")
	lacks(t, "empty", empty, `<ol class="liste-resultats"`)
}

// searchResponse is the contract of /api/v1/search.
type searchResponse struct {
	Total  int                          `json:"total"`
	Hits   []searchHit                  `json:"hits"`
	Facets map[string][]json.RawMessage `json:"facets"`
}

type searchHit struct {
	Path        string   `json:"path"`
	Nom         string   `json:"nom"`
	Structure   string   `json:"structure"`
	Commune     string   `json:"commune"`
	DistanceKm  *float64 `json:"distance_km"`
	Thematiques []string `json:"thematiques"`
	Score       float64  `json:"score"`
	Extrait     string   `json:"extrait"`
}

// apiSearch GETs an /api/v1/search URL and checks its body has exactly the
// contract's keys, in the top object and in every hit.
func (f *fixture) apiSearch(u string) searchResponse {
	f.t.Helper()
	r := f.get(u)
	if r.status != http.StatusOK {
		f.t.Fatalf("GET %s: status %d: %s", u, r.status, r.body)
	}
	var raw struct {
		Top  map[string]json.RawMessage
		Hits []map[string]json.RawMessage `json:"hits"`
	}
	if err := json.Unmarshal([]byte(r.body), &raw.Top); err != nil {
		f.t.Fatalf("GET %s: %v", u, err)
	}
	if got := sortedKeys(raw.Top); !slices.Equal(got, []string{"facets", "hits", "total"}) {
		f.t.Errorf("GET %s: top-level keys %v, want facets, hits, total", u, got)
	}
	if err := json.Unmarshal(raw.Top["hits"], &raw.Hits); err != nil {
		f.t.Fatalf("GET %s: hits: %v", u, err)
	}
	want := []string{"commune", "distance_km", "extrait", "nom", "path", "score", "structure", "thematiques"}
	for i, h := range raw.Hits {
		if got := sortedKeys(h); !slices.Equal(got, want) {
			f.t.Errorf("GET %s: hit %d keys %v, want %v", u, i, got, want)
		}
	}
	if bytes.Equal(raw.Top["facets"], []byte("null")) {
		f.t.Errorf("GET %s: facets is null", u)
	}
	var res searchResponse
	dec := json.NewDecoder(strings.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&res); err != nil {
		f.t.Fatalf("GET %s: %v", u, err)
	}
	return res
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestSearchAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})

	res := f.apiSearch("/api/v1/search?q=epicerie")
	if res.Total != 1 || len(res.Hits) != 1 {
		t.Fatalf("total %d, %d hits, want 1", res.Total, len(res.Hits))
	}
	h := res.Hits[0]
	if h.Path != "services/epicerie-sociale-cluny" || h.Nom != "Épicerie sociale et solidaire de Cluny" ||
		h.Structure != "CCAS de Cluny" || h.Commune != "Cluny" || h.DistanceKm != nil || h.Score <= 0 ||
		!slices.Equal(h.Thematiques, []string{"equipement-et-alimentation--alimentation"}) ||
		!strings.Contains(h.Extrait, "Produits alimentaires") {
		t.Errorf("hit = %+v", h)
	}
	for _, facet := range []string{"thematique", "thematique_groupe", "frais", "public"} {
		if len(res.Facets[facet]) == 0 {
			t.Errorf("facet %q missing or empty: %v", facet, res.Facets)
		}
	}
	var fv struct {
		Value, Label string
		Count        int
	}
	if err := json.Unmarshal(res.Facets["frais"][0], &fv); err != nil || fv.Value != "payant" || fv.Label != "Payant" || fv.Count != 1 {
		t.Errorf("frais facet = %+v (%v)", fv, err)
	}

	// The commune by INSEE code, postal code or name: same place, distances.
	for _, commune := range []string{"71137", "71250", "Cluny", "cluny", "Cluny (71250)"} {
		res := f.apiSearch("/api/v1/search?q=epicerie&commune=" + url.QueryEscape(commune))
		if res.Total != 1 || res.Hits[0].DistanceKm == nil || *res.Hits[0].DistanceKm > 2 {
			t.Errorf("commune %q: %+v", commune, res)
		}
	}
	// Far away, beyond the radius: nothing.
	if res := f.apiSearch("/api/v1/search?q=epicerie&commune=Rennes"); res.Total != 0 {
		t.Errorf("Rennes: %d hits", res.Total)
	}

	// Browsing (no text) lists active services only, with empty arrays, not null.
	all := f.apiSearch("/api/v1/search")
	if all.Total != 2 {
		t.Errorf("browse: total %d, want 2 active services", all.Total)
	}
	for _, h := range all.Hits {
		if h.Thematiques == nil {
			t.Errorf("hit %s: thematiques null", h.Path)
		}
	}

	// Other kinds on request.
	kinds := f.apiSearch("/api/v1/search?q=aide+alimentaire&type_page=pages")
	if kinds.Total != 1 || kinds.Hits[0].Path != "pages/aide-alimentaire" {
		t.Errorf("type_page=pages: %+v", kinds)
	}
}

func TestSearchAPIErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})
	for _, tc := range []struct {
		url, code, message string
	}{
		{"/api/v1/search?q=aide&commune=Atlantide", "unknown_commune", "Commune « Atlantide » introuvable"},
		{"/api/v1/search?commune=" + url.QueryEscape("<script>"), "unknown_commune", "Commune « <script> » introuvable"},
		{"/api/v1/search?limit=0", "bad_limit", "Paramètre « limit » incorrect"},
		{"/api/v1/search?limit=abc", "bad_limit", "Paramètre « limit » incorrect"},
		{"/api/v1/search?page=-1", "bad_page", "Paramètre « page » incorrect"},
		{"/api/v1/search?rayon=NaN", "bad_rayon", "Paramètre « rayon » incorrect"},
		{"/api/v1/search?tri=hasard", "bad_sort", "Tri inconnu"},
		{"/api/v1/communes?limit=x", "bad_limit", "Paramètre « limit » incorrect"},
	} {
		r := f.get(tc.url)
		if r.status != http.StatusBadRequest {
			t.Errorf("GET %s: status %d, want 400", tc.url, r.status)
			continue
		}
		e := decodeAPIError(t, "GET "+tc.url, r)
		if e.Code != tc.code || !strings.Contains(e.Message, tc.message) {
			t.Errorf("GET %s: error %+v, want %s, %q", tc.url, e, tc.code, tc.message)
		}
	}
	// The HTML page answers a bad parameter with the French 400 page.
	r := f.get("/recherche?tri=hasard")
	if r.status != http.StatusBadRequest {
		t.Errorf("/recherche?tri=hasard: status %d, want 400", r.status)
	}
	contains(t, "HTML 400", r.body, "<h1>Demande incorrecte</h1>", "Tri inconnu")
}

// Whatever is typed, search answers 200: long text, query syntax, control
// characters, invalid UTF-8.
func TestSearchHostileQueries(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})
	queries := []string{
		"",
		" ",
		strings.Repeat("aide ", 2048), // 10 KB
		strings.Repeat("é", 5*1024),   // 10 KB, 30 KB escaped
		strings.Repeat("x", 10*1024),  // one 10 KB word
		`"(+-:*~^`,
		`"unclosed phrase`,
		`title:foo AND bar OR -baz +qux~2 ^3 \ / [a TO z] {b} !x && y || z`,
		"*", "?", "~", "^", "\\", "\"\"", "()", "-", "+",
		"épicerie*", "epic~", "/regex.*/",
		"a\x00b", "\x01\x02\x7f",
		"\xff\xfe invalide",
		"<script>alert(1)</script>",
		strings.Repeat("(", 500),
		"le la les de du des", // stop words only
	}
	for _, q := range queries {
		for _, base := range []string{"/api/v1/search?q=", "/recherche?q="} {
			u := base + url.QueryEscape(q)
			r := f.get(u)
			short := q
			if len(short) > 40 {
				short = short[:40] + "…"
			}
			if r.status != http.StatusOK {
				t.Errorf("%s%q: status %d: %.300s", base, short, r.status, r.body)
				continue
			}
			if strings.HasPrefix(base, "/api/") {
				var res searchResponse
				if err := json.Unmarshal([]byte(r.body), &res); err != nil {
					t.Errorf("%s%q: %v", base, short, err)
				}
			} else if strings.Contains(r.body, "alerte-erreur") {
				t.Errorf("%s%q: the page shows an error", base, short)
			}
		}
	}
	// Repeated and odd filters are harmless too.
	for _, u := range []string{
		"/api/v1/search?thematique=nexiste-pas&public=&type=" + strings.Repeat("x", 500),
		"/api/v1/search?q=aide&thematique=a&thematique=b&thematique=c&frais=gratuit&frais=payant",
		"/api/v1/search?type_page=nexiste,services,,../etc",
		"/api/v1/search?q=aide&rayon=100000&page=100000&limit=100000&ouvert=1&tri=distance&commune=71137",
	} {
		if r := f.get(u); r.status != http.StatusOK {
			t.Errorf("GET %s: status %d: %.300s", u, r.status, r.body)
		}
	}
}

// limit is capped: a client cannot ask for the whole directory at once.
func TestSearchLimitCapped(t *testing.T) {
	t.Parallel()
	seed := fstest.MapFS{
		"structures/ccas-cluny.md": {Data: []byte("---\nnom: CCAS de Cluny\ncommune: Cluny\ncode_insee: \"71137\"\n---\nAccueil.\n")},
	}
	const n = 130
	for i := range n {
		seed[fmt.Sprintf("services/colis-%03d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"---\nnom: \"Distribution de colis numéro %d\"\nstructure: ccas-cluny\nthematiques: [equipement-et-alimentation--alimentation]\n---\nColis alimentaires.\n", i))}
	}
	f := newFixture(t, options{seed: seed})
	for _, tc := range []struct {
		limit     string
		wantHits  int
		wantTotal int
	}{
		{"100000", 100, n},
		{"101", 100, n},
		{"100", 100, n},
		{"7", 7, n},
		{"", 20, n},
	} {
		res := f.apiSearch("/api/v1/search?q=colis&limit=" + tc.limit)
		if len(res.Hits) != tc.wantHits || res.Total != tc.wantTotal {
			t.Errorf("limit=%s: %d hits of %d, want %d of %d", tc.limit, len(res.Hits), res.Total, tc.wantHits, tc.wantTotal)
		}
	}
	// Pages follow each other without overlap.
	p1 := f.apiSearch("/api/v1/search?q=colis&limit=100&page=1")
	p2 := f.apiSearch("/api/v1/search?q=colis&limit=100&page=2")
	if len(p2.Hits) != n-100 {
		t.Fatalf("page 2: %d hits, want %d", len(p2.Hits), n-100)
	}
	seen := map[string]bool{}
	for _, h := range append(p1.Hits, p2.Hits...) {
		if seen[h.Path] {
			t.Errorf("%s on both pages", h.Path)
		}
		seen[h.Path] = true
	}
	// The HTML page pages too.
	html := f.page("/recherche?q=colis")
	contains(t, "pager", html, "130 résultat(s)", `rel="next"`)
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(html)
	if next == nil {
		t.Fatal("no next link")
	}
	contains(t, "page 2", f.page(strings.ReplaceAll(next[1], "&amp;", "&")), `rel="prev"`, `<ol class="liste-resultats" start="21">`)
}

func TestCommunesAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{noSearch: true})
	type commune struct {
		Code         string   `json:"code_insee"`
		Nom          string   `json:"nom"`
		Label        string   `json:"label"`
		CodesPostaux []string `json:"codes_postaux"`
		Departement  string   `json:"departement"`
		Latitude     float64  `json:"latitude"`
		Longitude    float64  `json:"longitude"`
	}
	var res struct {
		Communes []commune `json:"communes"`
	}
	if status := f.json("/api/v1/communes?q=clun", &res); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	i := slices.IndexFunc(res.Communes, func(c commune) bool { return c.Code == "71137" })
	if i < 0 {
		t.Fatalf("clun: no Cluny (71137) in %+v", res.Communes)
	}
	c := res.Communes[i]
	if c.Nom != "Cluny" || c.Label != "Cluny (71250)" || !slices.Contains(c.CodesPostaux, "71250") ||
		c.Departement != "71" || c.Latitude < 46 || c.Latitude > 47 || c.Longitude < 4 || c.Longitude > 5 {
		t.Errorf("Cluny = %+v", c)
	}
	for _, q := range []string{"", strings.Repeat("z", 5000), "%", "\x00"} {
		res.Communes = nil
		if status := f.json("/api/v1/communes?q="+url.QueryEscape(q), &res); status != http.StatusOK || res.Communes == nil {
			t.Errorf("q=%.20q: status %d, communes %v (want an array)", q, status, res.Communes)
		}
	}
	if f.json("/api/v1/communes?q=saint&limit=3", &res); len(res.Communes) != 3 {
		t.Errorf("limit=3: %d communes", len(res.Communes))
	}
	if f.json("/api/v1/communes?q=saint&limit=100000", &res); len(res.Communes) > 50 {
		t.Errorf("limit=100000: %d communes, want at most 50", len(res.Communes))
	}
}

// Without an index, search says so, in French, and pages still work.
func TestSearchDisabled(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{noSearch: true})
	r := f.get("/api/v1/search?q=aide")
	if r.status != http.StatusServiceUnavailable {
		t.Errorf("API: status %d, want 503", r.status)
	}
	e := decodeAPIError(t, "API without index", r)
	if e.Code != "search_disabled" || strings.HasPrefix(e.Message, "[") {
		t.Errorf("error %+v", e)
	}
	body := f.page("/recherche?q=aide")
	contains(t, "search page", body, `<div class="alerte alerte-erreur" role="alert">`)
	contains(t, "service page", f.page("/services/epicerie-sociale-cluny"), "Épicerie sociale et solidaire de Cluny")
}
