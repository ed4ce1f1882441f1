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
	kindList                                    []content.Kind // the same, cheaper to test than the map
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
		ouvert: q.OuvertMaintenant, kinds: map[string]bool{}, kindList: q.Kinds,
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
	fail(dimKind, slices.Contains(f.kindList, m.Kind))
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

// facetCounter is a search's facet counts by value code (see facetDict),
// reused from search to search: only the touched counts are cleared.
type facetCounter struct {
	counts  []int32
	touched []uint32
	ouvert  [3]int // ouvertOpen, ouvertClosed, ouvertUnknown
}

var facetCounters = sync.Pool{New: func() any { return new(facetCounter) }}

// ouvertValues are the values of the "ouvert" facet, in facetCounter.ouvert's order.
var ouvertValues = [3]string{ouvertOpen, ouvertClosed, ouvertUnknown}

// facets counts, for each facet, the candidates that pass every filter
// but the facet's own. The values a candidate counts for are the codes
// of its meta, numbered in v, which must be loaded after the candidates'
// state (so that it knows all their codes).
func (f *filters) facets(cs []candidate, v *facetView, l labels) map[string][]FacetValue {
	fc := facetCounters.Get().(*facetCounter)
	defer fc.put()
	if n := len(v.entries); len(fc.counts) < n {
		fc.counts = append(fc.counts, make([]int32, n-len(fc.counts))...)
	}
	counts, hides := fc.counts, v.hides
	for i := range cs {
		c := &cs[i]
		for _, code := range c.m.codes {
			if c.fails&hides[code] == 0 {
				if counts[code] == 0 {
					fc.touched = append(fc.touched, code)
				}
				counts[code]++
			}
		}
		if c.m.Kind != content.KindPage && c.fails&^(1<<dimOuvert) == 0 {
			switch c.ouvert {
			case ouvertOpen:
				fc.ouvert[0]++
			case ouvertClosed:
				fc.ouvert[1]++
			default:
				fc.ouvert[2]++
			}
		}
	}
	selected := [len(facetKeys)]map[string]bool{f.them, f.them, f.publics, f.types, f.frais, f.modes,
		f.reseaux, {ouvertOpen: f.ouvert}, f.kinds}
	var sizes [len(facetKeys)]int
	for _, code := range fc.touched {
		sizes[v.entries[code].facet]++
	}
	sizes[posOuvert] = 3
	var vals [len(facetKeys)][]FacetValue
	for i := range vals {
		vals[i] = make([]FacetValue, 0, sizes[i]+len(selected[i]))
	}
	for _, code := range fc.touched {
		e := v.entries[code]
		vals[e.facet] = append(vals[e.facet], FacetValue{Value: e.value, Label: l.facetLabel(facetKeys[e.facet], e.value),
			Count: int(counts[code]), Selected: selected[e.facet][e.value]})
	}
	for i, n := range fc.ouvert {
		if n > 0 {
			val := ouvertValues[i]
			vals[posOuvert] = append(vals[posOuvert], FacetValue{Value: val, Label: l.facetLabel(facetOuvert, val),
				Count: n, Selected: selected[posOuvert][val]})
		}
	}
	out := make(map[string][]FacetValue, len(facetKeys))
	for i, key := range facetKeys {
		sel, counted := selected[i], vals[i]
		for v, on := range sel {
			if on && !slices.ContainsFunc(counted, func(fv FacetValue) bool { return fv.Value == v }) &&
				(key != facetGroupe || !strings.Contains(v, "--")) &&
				(key != facetThematique || strings.Contains(v, "--")) {
				vals[i] = append(vals[i], FacetValue{Value: v, Label: l.facetLabel(key, v), Selected: true})
			}
		}
		slices.SortFunc(vals[i], func(a, b FacetValue) int {
			if a.Count != b.Count {
				return cmp.Compare(b.Count, a.Count)
			}
			return strings.Compare(a.Label, b.Label)
		})
		out[key] = vals[i]
	}
	return out
}

// put clears the counts fc touched and returns it to the pool.
func (fc *facetCounter) put() {
	for _, code := range fc.touched {
		fc.counts[code] = 0
	}
	fc.touched = fc.touched[:0]
	fc.ouvert = [3]int{}
	facetCounters.Put(fc)
}
