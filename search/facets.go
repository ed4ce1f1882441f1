package search

import (
	"cmp"
	"slices"
	"strings"
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

// facets counts, for each facet, the candidates that pass every filter
// but the facet's own.
func (f *filters) facets(cs []candidate, l labels) map[string][]FacetValue {
	counts := map[string]map[string]int{}
	add := func(key string, vs ...string) {
		m := counts[key]
		if m == nil {
			m = map[string]int{}
			counts[key] = m
		}
		for _, v := range vs {
			m[v]++
		}
	}
	for _, c := range cs {
		m := c.m
		ok := func(d int) bool { return c.fails&^(1<<d) == 0 }
		if ok(dimKind) {
			add(facetKind, string(m.Kind))
		}
		if m.Kind == content.KindPage {
			continue
		}
		if ok(dimOuvert) {
			add(facetOuvert, c.ouvert)
		}
		if ok(dimReseau) {
			add(facetReseau, m.Reseaux...)
		}
		if m.Kind != content.KindService {
			continue
		}
		if ok(dimThem) {
			add(facetThematique, m.Thematiques...)
			add(facetGroupe, m.Groupes...)
		}
		if ok(dimPublic) {
			add(facetPublic, m.Publics...)
		}
		if ok(dimType) {
			add(facetType, m.Types...)
		}
		if ok(dimFrais) {
			add(facetFrais, m.Frais...)
		}
		if ok(dimMode) {
			add(facetMode, m.Modes...)
		}
	}
	selected := map[string]map[string]bool{
		facetThematique: f.them, facetGroupe: f.them, facetPublic: f.publics, facetType: f.types,
		facetFrais: f.frais, facetMode: f.modes, facetReseau: f.reseaux, facetKind: f.kinds,
		facetOuvert: map[string]bool{ouvertOpen: f.ouvert},
	}
	out := make(map[string][]FacetValue, len(selected))
	for key, sel := range selected {
		vals := make([]FacetValue, 0, len(counts[key]))
		for v, n := range counts[key] {
			vals = append(vals, FacetValue{Value: v, Label: l.facetLabel(key, v), Count: n, Selected: sel[v]})
		}
		for v, on := range sel {
			if on && counts[key][v] == 0 && (key != facetGroupe || !strings.Contains(v, "--")) &&
				(key != facetThematique || strings.Contains(v, "--")) {
				vals = append(vals, FacetValue{Value: v, Label: l.facetLabel(key, v), Selected: true})
			}
		}
		slices.SortFunc(vals, func(a, b FacetValue) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Label, b.Label))
		})
		out[key] = vals
	}
	return out
}
