package search

import (
	"sync"
	"sync/atomic"

	"github.com/aiguillage/aiguillage/content"
)

// facetDict numbers the facet values of an index's documents, so that a
// search counts its candidates' values in a slice indexed by number
// instead of a map of strings: at 100,000 services a search around a
// city has thousands of candidates, each with ten or so values to count.
// Each meta carries the numbers of the values it counts for (see
// meta.codes), given once when the meta is made (Open, Sync). Numbers
// are never reused: the dictionary only grows, by the values that were
// ever indexed (the referentials' values, mostly), and is shared by
// every snapshot.
type facetDict struct {
	mu    sync.Mutex            // held by writers
	index map[facetEntry]uint32 // writers only
	// view is what searches read: a code's entry never changes, and a
	// writer appends past the length readers were given, then publishes
	// the longer view.
	view atomic.Pointer[facetView]
}

// facetEntry is a value of the facet facetKeys[facet].
type facetEntry struct {
	facet uint8
	value string
}

// facetView is the dictionary as of one moment, by code.
type facetView struct {
	entries []facetEntry
	// hides holds, for each code, the filter dimensions whose failure
	// keeps a candidate out of the value's count: every one but the
	// facet's own (see filters.facets).
	hides []uint16
}

// facetDims is the filter dimension of each facet of facetKeys.
var facetDims = [len(facetKeys)]int{dimThem, dimThem, dimPublic, dimType, dimFrais, dimMode, dimReseau,
	dimOuvert, dimKind}

// Facet positions in facetKeys.
const (
	posThem = iota
	posGroupe
	posPublic
	posType
	posFrais
	posMode
	posReseau
	posOuvert
	posKind
)

func newFacetDict() *facetDict {
	d := &facetDict{index: map[facetEntry]uint32{}}
	d.view.Store(&facetView{})
	return d
}

// load returns the current view.
func (d *facetDict) load() *facetView { return d.view.Load() }

// codes returns the numbers of the values m is counted under, in the
// order the facets used to count them: its kind for every document; its
// réseaux unless it is a free page; its thématiques, groupes, publics,
// types, frais and modes if it is a service. "ouvert" depends on the
// time of the search and is counted apart.
func (d *facetDict) codes(m *meta) []uint32 {
	d.mu.Lock()
	defer d.mu.Unlock()
	v := *d.load()
	out := make([]uint32, 0, 1+len(m.Reseaux)+len(m.Thematiques)+len(m.Groupes)+len(m.Publics)+
		len(m.Types)+len(m.Frais)+len(m.Modes))
	add := func(facet int, vs ...string) {
		for _, s := range vs {
			e := facetEntry{uint8(facet), s}
			code, ok := d.index[e]
			if !ok {
				code = uint32(len(v.entries))
				d.index[e] = code
				v.entries = append(v.entries, e)
				v.hides = append(v.hides, ^uint16(1<<facetDims[facet]))
			}
			out = append(out, code)
		}
	}
	add(posKind, string(m.Kind))
	if m.Kind != content.KindPage {
		add(posReseau, m.Reseaux...)
	}
	if m.Kind == content.KindService {
		add(posThem, m.Thematiques...)
		add(posGroupe, m.Groupes...)
		add(posPublic, m.Publics...)
		add(posType, m.Types...)
		add(posFrais, m.Frais...)
		add(posMode, m.Modes...)
	}
	if len(v.entries) != len(d.load().entries) {
		d.view.Store(&v)
	}
	return out
}
