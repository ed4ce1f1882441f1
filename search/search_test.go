package search

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/content"
)

var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return l
}()

// tuesday10 is an ordinary Tuesday morning.
var tuesday10 = time.Date(2026, 11, 24, 10, 0, 0, 0, paris)

func TestTextMatching(t *testing.T) {
	ix, _, _ := fixtureIndex(t, tuesday10)
	tests := []struct {
		name, text, commune string
		want                string // first hit
	}{
		{"accents folded", "epicerie sociale", "", "services/epicerie-cluny"},
		{"accents typed", "Épicerie SOCIALE", "", "services/epicerie-cluny"},
		{"plural and stem", "épiceries sociales", "", "services/epicerie-cluny"},
		{"typo one edit", "hebergment", "", "services/hebergement-macon"},
		{"typo two edits", "surendetemant", "", "services/surendettement-chalon"},
		{"typo in a phrase", "hebergment urgence", "", "services/hebergement-macon"},
		{"jargon SDF + synonym", "sdf adresse postale", "71137", "services/domiciliation-cluny"},
		{"abbreviation 115", "115", "", "services/hebergement-macon"},
		{"synonym only", "nourriture", "71270", "services/colis-macon"},
		{"elision", "l'abri", "", "services/hebergement-macon"},
		{"été is not a stop word", "été", "", "services/ete-cluny"},
		{"repository synonym", "zorglub", "", "services/surendettement-chalon"},
	}
	ix.state.Load() // synonyms of the fixture are applied by a sync with syn
	cat := fixture()
	cat.syn = [][]string{{"zorglub", "banque de france"}}
	cat.rev = "rev-syn"
	if err := ix.sync(context.Background(), cat, []string{synonymsFile}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustSearch(t, ix, Query{Text: tt.text, Commune: tt.commune, RayonKm: 10})
			if len(r.Hits) == 0 || r.Hits[0].Path != tt.want {
				t.Errorf("%q: hits %v, want %s first", tt.text, paths(r), tt.want)
			}
		})
	}
}

func TestSuggestion(t *testing.T) {
	ix, _, _ := fixtureIndex(t, tuesday10)
	r := mustSearch(t, ix, Query{Text: "hebergment urgence"})
	if r.Suggestion != "hebergement urgence" {
		t.Errorf("suggestion %q", r.Suggestion)
	}
	if r := mustSearch(t, ix, Query{Text: "hebergement urgence"}); r.Suggestion != "" {
		t.Errorf("suggestion %q for a correct query", r.Suggestion)
	}
}

func TestSynonymsFileReloaded(t *testing.T) {
	ix, cat, _ := fixtureIndex(t, tuesday10)
	if r := mustSearch(t, ix, Query{Text: "bidulon"}); r.Total != 0 {
		t.Fatalf("bidulon found %v before the synonym exists", paths(r))
	}
	cat.syn = [][]string{{"bidulon", "denrées"}}
	cat.rev = "rev2"
	if err := ix.sync(context.Background(), cat, []string{synonymsFile}); err != nil {
		t.Fatal(err)
	}
	if r := mustSearch(t, ix, Query{Text: "bidulon"}); !slices.Contains(paths(r), "services/colis-macon") {
		t.Errorf("bidulon after the synonym: %v", paths(r))
	}
}

func TestLocation(t *testing.T) {
	ix, _, _ := fixtureIndex(t, tuesday10)
	// Cluny to Mâcon is about 20 km; Chalon's service is eligible to all of 71.
	r := mustSearch(t, ix, Query{Commune: "71137", RayonKm: 10})
	got := paths(r)
	for _, want := range []string{"services/epicerie-cluny", "services/domiciliation-cluny", "services/surendettement-chalon"} {
		if !slices.Contains(got, want) {
			t.Errorf("Cluny 10 km: %v lacks %s", got, want)
		}
	}
	if slices.Contains(got, "services/colis-macon") {
		t.Errorf("Cluny 10 km: %v has Mâcon's service", got)
	}
	if r.Commune == nil || r.Commune.Code != "71137" {
		t.Errorf("commune %+v", r.Commune)
	}
	r = mustSearch(t, ix, Query{Commune: "Cluny", RayonKm: 30})
	if !slices.Contains(paths(r), "services/colis-macon") {
		t.Errorf("Cluny 30 km: %v lacks Mâcon", paths(r))
	}
	// zone_eligibilite: Chalon's service reaches a commune of 71 far away.
	r = mustSearch(t, ix, Query{Text: "surendettement", Commune: "71014" /* Autun */, RayonKm: 5})
	if !slices.Contains(paths(r), "services/surendettement-chalon") {
		t.Errorf("zone 71 from Autun: %v", paths(r))
	}
	// outside both: Annecy
	r = mustSearch(t, ix, Query{Text: "surendettement", Commune: "74010"})
	if r.Total != 0 {
		t.Errorf("Annecy: %v", paths(r))
	}
	// distance sort and distances
	r = mustSearch(t, ix, Query{Commune: "71270", RayonKm: 100, Sort: SortDistance})
	var last float64
	for _, h := range r.Hits {
		if h.DistanceKm == nil {
			t.Fatalf("%s: no distance", h.Path)
		}
		if *h.DistanceKm < last {
			t.Errorf("not sorted by distance: %v", paths(r))
		}
		last = *h.DistanceKm
	}
	// distance as a ranking factor: the nearer of two equal matches first
	r = mustSearch(t, ix, Query{Text: "alimentaire", Commune: "71270", RayonKm: 50})
	if len(r.Hits) < 2 || r.Hits[0].Path != "services/colis-macon" {
		t.Errorf("alimentaire near Mâcon: %v", paths(r))
	}
}

func TestFacets(t *testing.T) {
	ix, _, _ := fixtureIndex(t, tuesday10)
	count := func(r *Results, key, v string) int {
		for _, f := range r.Facets[key] {
			if f.Value == v {
				return f.Count
			}
		}
		return 0
	}
	all := mustSearch(t, ix, Query{})
	if all.Total != 6 { // the suspended PMI is out
		t.Errorf("browse: %d %v", all.Total, paths(all))
	}
	checks := []struct {
		q     Query
		key   string
		value string
		total int
	}{
		{Query{Thematiques: []string{themAlim}}, "thematique", themAlim, 2},
		{Query{Thematiques: []string{"equipement-et-alimentation"}}, "thematique_groupe", "equipement-et-alimentation", 2},
		{Query{Publics: []string{"familles"}}, "public", "familles", 1},
		{Query{Types: []string{"accompagnement"}}, "type", "accompagnement", 6},
		{Query{Frais: []string{"payant"}}, "frais", "payant", 1},
		{Query{ModesAccueil: []string{"a-distance"}}, "mode_accueil", "a-distance", 1},
		{Query{Reseaux: []string{"restos-du-coeur"}}, "reseau", "restos-du-coeur", 1},
		{Query{OuvertMaintenant: true}, "ouvert", "ouvert", 2},
	}
	for _, c := range checks {
		r := mustSearch(t, ix, c.q)
		if r.Total != c.total {
			t.Errorf("%s=%s: total %d %v, want %d", c.key, c.value, r.Total, paths(r), c.total)
		}
		if n := count(all, c.key, c.value); n != c.total {
			t.Errorf("facet %s=%s counts %d, want %d", c.key, c.value, n, c.total)
		}
		// multi-select: the facet's own counts ignore its filter
		for _, f := range r.Facets[c.key] {
			if f.Count != count(all, c.key, f.Value) {
				t.Errorf("%s: %s counts %d with its own filter, %d without", c.key, f.Value, f.Count, count(all, c.key, f.Value))
			}
			if f.Value == c.value && !f.Selected {
				t.Errorf("%s=%s not selected", c.key, c.value)
			}
		}
	}
	// AND across facets, OR within one
	r := mustSearch(t, ix, Query{Thematiques: []string{themAlim, themHeb}, Frais: []string{"gratuit"}})
	if got := paths(r); !slices.Equal(slices.Sorted(slices.Values(got)), []string{"services/colis-macon", "services/hebergement-macon"}) {
		t.Errorf("alim|heb & gratuit: %v", got)
	}
	if all.Facets["thematique"][0].Label == "" || count(all, "kind", "pages") != 1 || count(all, "kind", "structures") != 4 {
		t.Errorf("labels or kinds: %+v", all.Facets["kind"])
	}
	r = mustSearch(t, ix, Query{Kinds: []content.Kind{content.KindStructure, content.KindPage}, Text: "alimentaire"})
	if !slices.Contains(paths(r), "pages/aide-alimentaire") {
		t.Errorf("pages: %v", paths(r))
	}
	r = mustSearch(t, ix, Query{IncludeInactive: true, Text: "protection maternelle"})
	if len(r.Hits) != 1 || r.Hits[0].Statut != "suspendu" || r.Hits[0].Ouvert != ouvertClosed {
		t.Errorf("inactive: %+v", r.Hits)
	}
}

func TestOpenNow(t *testing.T) {
	at := func(y int, mo time.Month, d, h, mi int) time.Time { return time.Date(y, mo, d, h, mi, 0, 0, paris) }
	tests := []struct {
		name string
		now  time.Time
		path string
		want string
	}{
		{"weekday hours", at(2026, 11, 26, 15, 0), "services/epicerie-cluny", ouvertOpen},         // Thursday
		{"before opening", at(2026, 11, 26, 13, 59), "services/epicerie-cluny", ouvertClosed},     // Thursday
		{"last minute", at(2026, 11, 26, 17, 29), "services/epicerie-cluny", ouvertOpen},          // Thursday
		{"closing time", at(2026, 11, 26, 17, 30), "services/epicerie-cluny", ouvertClosed},       // Thursday
		{"PH off on Ascension", at(2026, 5, 14, 15, 0), "services/epicerie-cluny", ouvertClosed},  // Thursday, holiday
		{"week after Ascension", at(2026, 5, 21, 15, 0), "services/epicerie-cluny", ouvertOpen},   // Thursday
		{"overnight after midnight", at(2026, 11, 24, 1, 30), "services/colis-macon", ouvertOpen}, // from Monday 19:00
		{"overnight ended", at(2026, 11, 24, 2, 0), "services/colis-macon", ouvertClosed},
		{"overnight evening", at(2026, 11, 24, 23, 0), "services/colis-macon", ouvertOpen},
		{"24/7", at(2026, 12, 25, 3, 0), "services/hebergement-macon", ouvertOpen},
		{"temporary closure", at(2026, 11, 24, 10, 0), "services/ete-cluny", ouvertClosed},
		{"after the closure", at(2026, 12, 1, 10, 0), "services/ete-cluny", ouvertOpen},
		{"unparseable is unknown", at(2026, 11, 24, 10, 0), "services/surendettement-chalon", ouvertUnknown},
		{"UTC clock, Paris hours", time.Date(2026, 11, 26, 16, 45, 0, 0, time.UTC), "services/epicerie-cluny", ouvertClosed}, // 17:45 Paris
	}
	ix, _, _ := fixtureIndex(t, tuesday10)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix.cfg.Now = func() time.Time { return tt.now }
			r := mustSearch(t, ix, Query{Limit: 100})
			var got string
			for _, h := range r.Hits {
				if h.Path == tt.path {
					got = h.Ouvert
				}
			}
			if got != tt.want {
				t.Errorf("%s at %s: %q, want %q", tt.path, tt.now, got, tt.want)
			}
			open := mustSearch(t, ix, Query{OuvertMaintenant: true, Limit: 100})
			if slices.Contains(paths(open), tt.path) != (tt.want == ouvertOpen) {
				t.Errorf("ouvert=1 at %s: %v", tt.now, paths(open))
			}
		})
	}
}

func TestProNeverIndexed(t *testing.T) {
	ix, _, _ := fixtureIndex(t, tuesday10)
	for _, q := range []string{"zorglubette", "portail", "03 99 00 00 01"} {
		r := mustSearch(t, ix, Query{Text: q, Kinds: content.Kinds})
		if r.Total != 0 {
			t.Errorf("pro text %q found: %v", q, paths(r))
		}
	}
	r := mustSearch(t, ix, Query{Text: "epicerie", Kinds: content.Kinds, Limit: 100})
	b, _ := json.Marshal(r)
	if strings.Contains(string(b), "zorglubette") || strings.Contains(string(b), "03 99 00 00 01") {
		t.Errorf("pro information in results: %s", b)
	}
}

func TestHostileQueries(t *testing.T) {
	ix, _, _ := fixtureIndex(t, tuesday10)
	for _, q := range []string{
		"", "   ", strings.Repeat("hébergement ", 5000), `+title:x -y "unclosed`, `*?~^2 /regex/ [a TO z] {}`,
		"\x00\xff\xfe", "AND OR NOT", "<script>alert(1)</script>", "colis\"; DROP TABLE", strings.Repeat("a", 10000),
		"é́́́́", "🙂 aide", "l'", "d'",
	} {
		r, err := ix.Search(context.Background(), Query{Text: q, Commune: q, Page: -3, Limit: 1 << 30, RayonKm: -1})
		if err != nil {
			t.Errorf("%.40q: %v", q, err)
			continue
		}
		if r.Limit != MaxLimit || r.Page != 1 {
			t.Errorf("limit %d page %d", r.Limit, r.Page)
		}
		for _, h := range r.Hits {
			if strings.Contains(h.Extrait, "<script") {
				t.Errorf("unescaped excerpt %q", h.Extrait)
			}
		}
	}
	r := mustSearch(t, ix, Query{Text: "<b>colis</b>"})
	if len(r.Hits) == 0 || !strings.Contains(r.Hits[0].Extrait, "<mark>Colis</mark>") {
		t.Errorf("markup in the query: %+v", r.Hits)
	}
}

func TestPaging(t *testing.T) {
	ix, _, _ := fixtureIndex(t, tuesday10)
	all := paths(mustSearch(t, ix, Query{Limit: 100}))
	var paged []string
	for p := 1; p <= 4; p++ {
		paged = append(paged, paths(mustSearch(t, ix, Query{Limit: 2, Page: p}))...)
	}
	if !slices.Equal(all, paged) {
		t.Errorf("pages %v != all %v", paged, all)
	}
}

func TestExcerpt(t *testing.T) {
	ix, _, _ := fixtureIndex(t, tuesday10)
	long := strings.Repeat("Texte sans rapport avec la demande. ", 30) + "Ici on parle de <surendettement> & de dettes. " +
		strings.Repeat("Encore du texte. ", 30)
	p := ix.parseText("surendettement", ix.state.Load())
	got := excerpt(long, ix.excerpts, p.marks, p.phrases)
	if !strings.Contains(got, "&lt;<mark>surendettement</mark>&gt; &amp; de <mark>dettes</mark>") {
		t.Errorf("excerpt %q", got)
	}
	if len(got) > 2*excerptBytes {
		t.Errorf("excerpt too long: %d", len(got))
	}
}
