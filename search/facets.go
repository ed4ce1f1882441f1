package search

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aiguillage/aiguillage/content"
)

// Facet keys of Results.Facets.
const (
	facetThematique = "thematique"
	facetGroupe     = "thematique_groupe"
	facetPublic     = "public"
	facetType       = "type"
	facetFrais      = "frais"
	facetMode       = "mode_accueil"
	facetReseau     = "reseau"
	facetOuvert     = "ouvert"
	facetKind       = "kind"
)

// Filter dimensions: bit positions in candidate.fails.
const (
	dimThem = iota
	dimPublic
	dimType
	dimFrais
	dimMode
	dimReseau
	dimOuvert
	dimKind
)

// filters holds a query's facet filters as sets.
type filters struct {
	them, publics, types, frais, modes, reseaux map[string]bool
	ouvert                                      bool
	kinds                                       map[string]bool
}

func set(vs []string) map[string]bool {
	if len(vs) == 0 {
		return nil
	}
	m := make(map[string]bool, len(vs))
	for _, v := range vs {
		m[strings.TrimSpace(v)] = true
	}
	return m
}

func newFilters(q *Query) *filters {
	f := &filters{
		them: set(q.Thematiques), publics: set(q.Publics), types: set(q.Types),
		frais: set(q.Frais), modes: set(q.ModesAccueil), reseaux: set(q.Reseaux),
		ouvert: q.OuvertMaintenant, kinds: map[string]bool{},
	}
	for _, k := range q.Kinds {
		f.kinds[string(k)] = true
	}
	return f
}

// overlaps reports whether one of vs is in the filter (true when no filter).
func overlaps(filter map[string]bool, vs []string) bool {
	if filter == nil {
		return true
	}
	for _, v := range vs {
		if filter[v] {
			return true
		}
	}
	return false
}

// apply sets c.fails, and c.ouvert (evaluated at now) for the candidates
// that may show or be counted.
func (f *filters) apply(c *candidate, oc *openCache, now time.Time) {
	m := c.m
	fail := func(d int, ok bool) {
		if !ok {
			c.fails |= 1 << d
		}
	}
	fail(dimThem, overlaps(f.them, m.Thematiques) || overlaps(f.them, m.Groupes))
	fail(dimPublic, overlaps(f.publics, m.Publics))
	fail(dimType, overlaps(f.types, m.Types))
	fail(dimFrais, overlaps(f.frais, m.Frais))
	fail(dimMode, overlaps(f.modes, m.Modes))
	fail(dimReseau, overlaps(f.reseaux, m.Reseaux))
	fail(dimKind, f.kinds[string(m.Kind)])
	if c.fails&^(1<<dimKind) != 0 {
		// neither shown nor counted in a facet that depends on its hours
		c.ouvert = ouvertUnknown
		return
	}
	c.ouvert = oc.state(m, now)
	fail(dimOuvert, !f.ouvert || c.ouvert == ouvertOpen)
}

// facetKeys are the facets, in the order of facetCounts' maps.
var facetKeys = [...]string{facetThematique, facetGroupe, facetPublic, facetType, facetFrais, facetMode,
	facetReseau, facetOuvert, facetKind}

// facetCounts holds one counter map per facet (same order as facetKeys),
// reused from search to search: cleared maps keep their room.
type facetCounts [len(facetKeys)]map[string]int

var facetCountsPool = sync.Pool{New: func() any {
	var c facetCounts
	for i := range c {
		c[i] = map[string]int{}
	}
	return &c
}}

// facets counts, for each facet, the candidates that pass every filter
// but the facet's own.
func (f *filters) facets(cs []candidate, l labels) map[string][]FacetValue {
	counts := facetCountsPool.Get().(*facetCounts)
	defer func() {
		for _, m := range counts {
			clear(m)
		}
		facetCountsPool.Put(counts)
	}()
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
		slices.SortFunc(vals, func(a, b FacetValue) int {
			if a.Count != b.Count {
				return cmp.Compare(b.Count, a.Count)
			}
			return strings.Compare(a.Label, b.Label)
		})
		out[key] = vals
	}
	return out
}
