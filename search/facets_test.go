package search

import (
	"cmp"
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/territory"
)

// recountFacets is the straightforward count the coded one must equal (the
// code of facets before value codes): one map of strings per facet.
func recountFacets(f *filters, cs []candidate, l labels) map[string][]FacetValue {
	counts := make([]map[string]int, len(facetKeys))
	for i := range counts {
		counts[i] = map[string]int{}
	}
	them, groupe, public, typ, frais, mode, reseau, ouvert, kind := counts[0], counts[1], counts[2],
		counts[3], counts[4], counts[5], counts[6], counts[7], counts[8]
	add := func(m map[string]int, vs []string) {
		for _, v := range vs {
			m[v]++
		}
	}
	for i := range cs {
		c := &cs[i]
		m := c.m
		ok := func(d int) bool { return c.fails&^(1<<d) == 0 }
		if ok(dimKind) {
			kind[string(m.Kind)]++
		}
		if m.Kind == content.KindPage {
			continue
		}
		if ok(dimOuvert) {
			ouvert[c.ouvert]++
		}
		if ok(dimReseau) {
			add(reseau, m.Reseaux)
		}
		if m.Kind != content.KindService {
			continue
		}
		if ok(dimThem) {
			add(them, m.Thematiques)
			add(groupe, m.Groupes)
		}
		if ok(dimPublic) {
			add(public, m.Publics)
		}
		if ok(dimType) {
			add(typ, m.Types)
		}
		if ok(dimFrais) {
			add(frais, m.Frais)
		}
		if ok(dimMode) {
			add(mode, m.Modes)
		}
	}
	selected := [len(facetKeys)]map[string]bool{f.them, f.them, f.publics, f.types, f.frais, f.modes,
		f.reseaux, {ouvertOpen: f.ouvert}, f.kinds}
	out := make(map[string][]FacetValue, len(facetKeys))
	for i, key := range facetKeys {
		sel, n := selected[i], counts[i]
		vals := make([]FacetValue, 0, len(n)+len(sel))
		for v, c := range n {
			vals = append(vals, FacetValue{Value: v, Label: l.facetLabel(key, v), Count: c, Selected: sel[v]})
		}
		for v, on := range sel {
			if on && n[v] == 0 && (key != facetGroupe || !strings.Contains(v, "--")) &&
				(key != facetThematique || strings.Contains(v, "--")) {
				vals = append(vals, FacetValue{Value: v, Label: l.facetLabel(key, v), Selected: true})
			}
		}
		out[key] = vals
	}
	return out
}

// sameFacets checks the facets of q computed by Search's code against
// recountFacets over the same candidates, and returns how many values
// were counted. Values of equal count and label may come in any order.
func sameFacets(t testing.TB, ix *Index, q Query) int {
	t.Helper()
	q.normalize()
	st := ix.state.Load()
	p := ix.parseText(q.Text, st)
	var c *territory.Commune
	if rc, ok := ix.resolveCommune(q.Commune); ok {
		c = &rc
	}
	ms, tab, err := ix.matches(context.Background(), st, p, c, q.RayonKm, nil)
	if err != nil {
		t.Fatal(err)
	}
	cands, f := ix.candidates(ms, tab, &q, c, nil)
	l := ix.labels()
	got := f.facets(cands, ix.facetDict.load(), l)
	want := recountFacets(f, cands, l)
	byAll := func(a, b FacetValue) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Label, b.Label), strings.Compare(a.Value, b.Value))
	}
	n := 0
	for _, key := range facetKeys {
		g := got[key]
		if !slices.IsSortedFunc(g, func(a, b FacetValue) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Label, b.Label))
		}) {
			t.Errorf("%+v: facet %s not sorted: %v", q, key, g)
		}
		g = slices.Clone(g)
		slices.SortFunc(g, byAll)
		w := want[key]
		slices.SortFunc(w, byAll)
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%+v: facet %s\n got %v\nwant %v", q, key, g, w)
		}
		for _, fv := range w {
			n += fv.Count
		}
	}
	if len(got) != len(want) {
		t.Errorf("%+v: %d facets, want %d", q, len(got), len(want))
	}
	return n
}

// facetQueries varies q with the filters a desk uses, one at a time and
// together.
func facetQueries(base Query, them []string) []Query {
	qs := []Query{base}
	add := func(edit func(q *Query)) {
		q := base
		edit(&q)
		qs = append(qs, q)
	}
	if len(them) > 0 {
		add(func(q *Query) { q.Thematiques = them[:1] })
		add(func(q *Query) { q.Thematiques = []string{strings.SplitN(them[0], "--", 2)[0]} })
	}
	add(func(q *Query) { q.OuvertMaintenant = true })
	add(func(q *Query) { q.Frais = []string{"gratuit"}; q.Publics = []string{"familles", "tous-publics"} })
	add(func(q *Query) { q.Kinds = content.Kinds; q.Types = []string{"accompagnement"} })
	add(func(q *Query) {
		q.Kinds = content.Kinds
		q.ModesAccueil = []string{"en-presentiel"}
		q.Reseaux = []string{"ccas-cias"}
		q.IncludeInactive = true
		q.OuvertMaintenant = true
	})
	return qs
}

func TestFacetsEqualRecount(t *testing.T) {
	ix, _, _ := fixtureIndex(t, tuesday10)
	n := 0
	for _, base := range []Query{{}, {Commune: "71137", RayonKm: 10}, {Commune: "71270", RayonKm: 50},
		{Text: "alimentaire", Commune: "71270", RayonKm: 50}, {Text: "surendettement", Commune: "71014", RayonKm: 5}} {
		for _, q := range facetQueries(base, []string{themAlim}) {
			n += sameFacets(t, ix, q)
		}
	}
	if n == 0 {
		t.Fatal("nothing counted: the comparison tests nothing")
	}
}

// TestFacetsEqualRecountCorpus compares the facets of the relevance and
// desk queries, with filters, over the 10,000-service corpus.
func TestFacetsEqualRecountCorpus(t *testing.T) {
	ix, _ := relevanceIndex(t)
	n, queries := 0, 0
	for i, jq := range append(loadJudged(t, "testdata/relevance.jsonl"), loadJudged(t, "testdata/relevance-holdout.jsonl")...) {
		qs := facetQueries(Query{Text: jq.Q, Commune: jq.Commune, RayonKm: jq.Rayon}, jq.Thematiques)
		if testing.Short() || i%2 == 1 {
			qs = qs[:1]
		}
		for _, q := range qs {
			n += sameFacets(t, ix, q)
			queries++
		}
	}
	for _, q := range append(deskQueries(), Query{Commune: "71270"}, Query{Commune: "Rennes", RayonKm: 20},
		Query{Kinds: content.Kinds}) {
		n += sameFacets(t, ix, q)
		queries++
	}
	t.Logf("%d queries, %d counts compared", queries, n)
	if n < 10000 {
		t.Fatalf("only %d counts compared", n)
	}
}

// TestFacetValuesAddedWhileSearching syncs documents with facet values
// never seen while searches count facets (run with -race: the value
// dictionary grows under the readers).
func TestFacetValuesAddedWhileSearching(t *testing.T) {
	ctx := context.Background()
	ix, cat, _ := fixtureIndex(t, tuesday10)
	done := make(chan struct{})
	errs := make(chan error, 1)
	go func() {
		defer close(errs)
		for {
			select {
			case <-done:
				return
			default:
			}
			if _, err := ix.Search(ctx, Query{Kinds: content.Kinds}); err != nil {
				errs <- err
				return
			}
		}
	}()
	i := slices.IndexFunc(cat.docs, func(d *content.Document) bool { return d.Path == "structures/restos-macon" })
	for n := 0; n < 5; n++ {
		st := *cat.docs[i]
		s := *st.Structure
		s.ReseauxPorteurs = []string{fmt.Sprintf("reseau-neuf-%d", n)}
		st.Structure = &s
		cat.set(&st)
		cat.rev = content.Revision(fmt.Sprintf("rev-r%d", n))
		if err := ix.sync(ctx, cat, []string{"structures/restos-macon.md"}); err != nil {
			t.Fatal(err)
		}
		r := mustSearch(t, ix, Query{Kinds: content.Kinds})
		// the structure and its service
		if !slices.ContainsFunc(r.Facets[facetReseau], func(fv FacetValue) bool { return fv.Value == s.ReseauxPorteurs[0] && fv.Count == 2 }) ||
			slices.ContainsFunc(r.Facets[facetReseau], func(fv FacetValue) bool { return fv.Value == fmt.Sprintf("reseau-neuf-%d", n-1) }) {
			t.Errorf("after sync %d: réseaux %v, want %s (2) and not the previous one", n, r.Facets[facetReseau], s.ReseauxPorteurs[0])
		}
	}
	close(done)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
}
