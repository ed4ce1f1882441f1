package search

import (
	"context"
	"maps"
	"math"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// filterQuery is what restrictQuery replaces: the text as a must clause and
// the location as a non-scoring filter.
func filterQuery(text, loc query.Query) query.Query {
	bq := bleve.NewBooleanQuery()
	bq.AddMust(text)
	bq.AddFilter(loc)
	return bq
}

// sameMatches checks that restrictQuery finds the documents and the
// per-clause scores of the boolean filter query it replaces. The total
// scores differ by the boolean query's own coordination, but Search ranks
// by the per-clause scores (conceptScores) whenever there is text.
func sameMatches(t testing.TB, ix *Index, text, commune string, rayon float64) int {
	t.Helper()
	c, ok := ix.resolveCommune(commune)
	if !ok {
		t.Fatalf("commune %q", commune)
	}
	loc := locationQuery(c, rayon)
	var tq query.Query = bleve.NewMatchAllQuery()
	if p := ix.parseText(text, ix.state.Load()); len(p.concepts) > 0 {
		tq, _ = textQuery(p)
	}
	run := func(q query.Query) map[string]*hitScore {
		req := bleve.NewSearchRequestOptions(q, maxCandidates, 0, false)
		sr, err := ix.bi.SearchInContext(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]*hitScore{}
		for _, h := range sr.Hits {
			out[h.ID] = &hitScore{h.ScoreBreakdown}
		}
		if int(sr.Total) != len(out) {
			t.Fatalf("total %d for %d hits", sr.Total, len(out))
		}
		return out
	}
	want, got := run(filterQuery(tq, loc)), run(bleveQuery(tq, loc))
	if len(got) != len(want) {
		t.Errorf("%q near %s: %d matches, want %d", text, commune, len(got), len(want))
	}
	for id, w := range want {
		g := got[id]
		switch {
		case g == nil:
			t.Errorf("%q near %s: %s missing", text, commune, id)
		case (w.breakdown == nil) != (g.breakdown == nil):
			t.Errorf("%q near %s: %s breakdown %v, want %v", text, commune, id, g.breakdown, w.breakdown)
		case !maps.EqualFunc(g.breakdown, w.breakdown, func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Abs(b) }):
			t.Errorf("%q near %s: %s breakdown %v, want %v", text, commune, id, g.breakdown, w.breakdown)
		}
	}
	return len(want)
}

type hitScore struct {
	breakdown map[int]float64
}

func TestRestrictQueryMatchesFilter(t *testing.T) {
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
