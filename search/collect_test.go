package search

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/territory"
)

// locationQuery is the location as a bleve query: a superset of the
// documents within rayon km of c's centre (the grid cells of the circle's
// bounding box), services whose zone_eligibilite names c, its EPCI or its
// département, and free pages. It is the reference collect is checked
// against.
func locationQuery(c territory.Commune, rayonKm float64) query.Query {
	dq := bleve.NewDisjunctionQuery()
	if grid, y0, y1, x0, x1, ok := cellRange(c, rayonKm); ok && c.Located() {
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				t := bleve.NewTermQuery(cellName(grid, y, x))
				t.SetField(fCell)
				dq.AddQuery(t)
			}
		}
	}
	for _, code := range []string{c.Code, c.EPCI, c.Departement} {
		if code != "" {
			t := bleve.NewTermQuery(strings.ToUpper(code))
			t.SetField(fZone)
			dq.AddQuery(t)
		}
	}
	t := bleve.NewTermQuery(string(content.KindPage))
	t.SetField(fKind)
	dq.AddQuery(t)
	return dq
}

// referenceMatches runs text near c through bleve's own collector, with
// the location as a non-scoring filter clause, then applies the exact
// location check: what Search did before it drove bleve's searchers
// itself. It returns the text score of each match by ID.
func referenceMatches(t testing.TB, ix *Index, p parsedText, c territory.Commune, rayon float64) map[string]float64 {
	t.Helper()
	var tq query.Query = bleve.NewMatchAllQuery()
	var owner []int
	if len(p.concepts) > 0 {
		tq, owner = textQuery(p)
	}
	bq := bleve.NewBooleanQuery()
	bq.AddMust(tq)
	bq.AddFilter(locationQuery(c, rayon))
	req := bleve.NewSearchRequestOptions(bq, maxCandidates, 0, false)
	sr, err := ix.bi.SearchInContext(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	st := ix.state.Load()
	out := map[string]float64{}
	for _, h := range sr.Hits {
		m := st.metas[h.ID]
		if m == nil || !inLocation(m, distance(c, m), rayon, &c) {
			continue
		}
		score := 0.0
		if h.ScoreBreakdown != nil {
			score = conceptScores(h.ScoreBreakdown, owner, len(p.concepts), make([]float64, len(p.concepts)))
		}
		out[h.ID] = score
	}
	return out
}

func distance(c territory.Commune, m *meta) float64 {
	if !c.Located() || !m.HasGeo {
		return -1
	}
	return territory.Distance(c.Lat, c.Lon, m.Lat, m.Lon)
}

// sameMatches checks that collect finds the documents, with the scores,
// that bleve's collector finds with the location as a filter.
func sameMatches(t testing.TB, ix *Index, text, commune string, rayon float64) int {
	t.Helper()
	c, ok := ix.resolveCommune(commune)
	if !ok {
		t.Fatalf("commune %q", commune)
	}
	st := ix.state.Load()
	p := ix.parseText(text, st)
	want := referenceMatches(t, ix, p, c, rayon)
	ms, tab, err := ix.matches(context.Background(), st, p, &c, rayon, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mt := range ms {
		if m := tab.metas[mt.n]; m != nil && inLocation(m, distance(c, m), rayon, &c) {
			got[tab.ids[mt.n]] = mt.score
		}
	}
	if len(got) != len(want) {
		t.Errorf("%q near %s: %d matches, want %d", text, commune, len(got), len(want))
	}
	for id, w := range want {
		g, ok := got[id]
		switch {
		case !ok:
			t.Errorf("%q near %s: %s missing", text, commune, id)
		case math.Abs(g-w) > 1e-9*math.Abs(w):
			t.Errorf("%q near %s: %s score %v, want %v", text, commune, id, g, w)
		}
	}
	return len(want)
}

func TestCollectMatchesBleve(t *testing.T) {
	ix, _, _ := fixtureIndex(t, tuesday10)
	n := 0
	for _, tt := range []struct {
		text, commune string
		rayon         float64
	}{
		{"", "71137", 10},
		{"", "71270", 100},
		{"alimentaire", "71270", 50},
		{"epicerie sociale", "71137", 10},
		{"surendettement", "71014", 5},
		{"sdf adresse postale", "71137", 30},
		{"hebergement urgence", "71270", 200},
		{"surendettement", "74010", 10},
	} {
		n += sameMatches(t, ix, tt.text, tt.commune, tt.rayon)
	}
	if n == 0 {
		t.Fatal("no match at all: the comparison tests nothing")
	}
}

// TestCollectMatchesBleveCorpus compares collect with bleve's collector on
// the relevance queries over the 10,000-service corpus.
func TestCollectMatchesBleveCorpus(t *testing.T) {
	ix, _ := relevanceIndex(t)
	n := 0
	for _, jq := range append(loadJudged(t, "testdata/relevance.jsonl"), loadJudged(t, "testdata/relevance-holdout.jsonl")...) {
		rayon := jq.Rayon
		if rayon == 0 {
			rayon = DefaultRayonKm
		}
		n += sameMatches(t, ix, jq.Q, jq.Commune, rayon)
	}
	n += sameMatches(t, ix, "", "71270", 10)
	n += sameMatches(t, ix, "", "Rennes", 20)
	n += sameMatches(t, ix, "aide", "Annecy", 200)
	t.Logf("%d matches compared", n)

	// Browsing lists every service of the place: bleve's collector, asked
	// for no score, stopped at its first window of 250 documents.
	res := mustSearch(t, ix, Query{Commune: "71270", RayonKm: 10})
	want := 0
	for _, m := range ix.state.Load().metas {
		if c := res.Commune; m.Kind == content.KindService && !m.inactive() && inLocation(m, distance(*c, m), 10, c) {
			want++
		}
	}
	if res.Total != want || want <= 250 {
		t.Errorf("browsing around Mâcon: total %d, want %d (> 250)", res.Total, want)
	}
}
