package server_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// mapJSON is the map data a page gives map.js.
type mapJSON struct {
	Tiles           string `json:"tuiles"`
	Attribution     string `json:"attribution"`
	AttributionLink string `json:"lien_attribution"`
	Points          []struct {
		Lat  float64 `json:"lat"`
		Lon  float64 `json:"lon"`
		Name string  `json:"nom"`
		URL  string  `json:"url"`
	} `json:"points"`
}

// pageMap returns a page's map data, nil when it has no map; it checks
// that Leaflet is loaded exactly when there is one.
func pageMap(t testing.TB, what, body string) *mapJSON {
	t.Helper()
	leaflet := []string{"/static/vendor/leaflet/leaflet.css?v=", "/static/vendor/leaflet/leaflet.js?v=", "/static/map.js?v=", `<div id="carte"`}
	_, rest, ok := strings.Cut(body, `<script type="application/json" id="carte-donnees">`)
	if !ok {
		lacks(t, what+" without a map", body, leaflet...)
		return nil
	}
	contains(t, what+" with a map", body, leaflet...)
	data, _, _ := strings.Cut(rest, "</script>")
	var m mapJSON
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		t.Fatalf("%s: map data %q: %v", what, data, err)
	}
	return &m
}

func TestMaps(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})

	// A service without coordinates of its own is placed at its structure.
	m := pageMap(t, "service", f.page("/services/epicerie-sociale-cluny"))
	if m == nil || len(m.Points) != 1 || m.Points[0].Lat != 46.4352 || m.Points[0].Lon != 4.6611 ||
		m.Points[0].Name != "Épicerie sociale et solidaire de Cluny" || m.Points[0].URL != "" {
		t.Fatalf("service map = %+v", m)
	}
	if m.Tiles != "https://tile.openstreetmap.org/{z}/{x}/{y}.png" || !strings.Contains(m.Attribution, "OpenStreetMap") ||
		m.AttributionLink != "https://www.openstreetmap.org/copyright" {
		t.Errorf("default tiles = %+v", m)
	}

	// Search results: the hits of the page with coordinates, linked; the
	// distance stays written in the list for pages read without the map.
	body := f.page("/recherche?q=epicerie&commune=71250")
	if m := pageMap(t, "search", body); m == nil || len(m.Points) != 1 || m.Points[0].URL != "/services/epicerie-sociale-cluny" {
		t.Errorf("search map = %+v", m)
	}
	contains(t, "search", body, "<span>0,5 km</span>")

	// Nothing to place: no map, no Leaflet.
	for _, u := range []string{"/", "/structures/ccas-cluny", "/pages/aide-alimentaire", "/recherche?q=zzzzzz", sheetURL} {
		if m := pageMap(t, u, f.page(u)); m != nil {
			t.Errorf("%s: map %+v", u, m)
		}
	}
	f.commit("Structure sans coordonnées", map[string]string{
		"structures/mairie-sans-gps.md": "---\nnom: \"Mairie sans GPS\"\ncommune: \"Cluny\"\n---\nMairie.\n",
		"services/permanence-sans-gps.md": "---\nnom: \"Permanence sans GPS\"\nstructure: mairie-sans-gps\n" +
			"thematiques: [equipement-et-alimentation--alimentation]\n---\nPermanence.\n",
		".aiguillage/config.yaml": "nom: Annuaire\ncarte:\n  tuiles: \"https://{s}.tuiles.example.org/{z}/{x}/{y}.png\"\n  attribution: \"© Tuiles d'exemple\"\n",
	})
	f.refresh()
	if m := pageMap(t, "service without coordinates", f.page("/services/permanence-sans-gps")); m != nil {
		t.Errorf("map without coordinates: %+v", m)
	}
	m = pageMap(t, "service", f.page("/services/epicerie-sociale-cluny"))
	if m == nil || m.Tiles != "https://{s}.tuiles.example.org/{z}/{x}/{y}.png" || m.Attribution != "© Tuiles d'exemple" || m.AttributionLink != "" {
		t.Errorf("configured tiles = %+v", m)
	}

	// Tiles come from another host: images may, scripts may not.
	csp := f.get("/services/epicerie-sociale-cluny").header.Get("Content-Security-Policy")
	contains(t, "CSP", csp, "img-src 'self' data: https:", "script-src 'self';")
}
