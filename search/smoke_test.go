package search

import (
	"testing"
	"time"
)

func TestSmoke(t *testing.T) {
	ix, _, _ := fixtureIndex(t, time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	for _, q := range []Query{{Text: "colis alimentaire"}, {Text: "sdf adresse postale", Commune: "71137"}, {Text: "hebergment urgence", Commune: "Mâcon"}, {Text: "surendetement", Commune: "71137", RayonKm: 5}, {Commune: "71137"}, {Text: "zorglubette"}, {Text: `"+-:()*?\~ OR AND`}} {
		r := mustSearch(t, ix, q)
		t.Logf("%q %q → %d %v sugg=%q", q.Text, q.Commune, r.Total, paths(r), r.Suggestion)
		for _, h := range r.Hits {
			t.Logf("   %s %v %s %s", h.Path, h.Score, h.Ouvert, h.Extrait)
		}
	}
}
