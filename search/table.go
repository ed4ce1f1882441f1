package search

import (
	"fmt"
	"log/slog"
	"math"
	"math/bits"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/territory"
)

// docTable is what a search needs to know about the documents of one
// bleve snapshot, by document number: the ID and meta of each (nil when
// deleted or unknown), and where they are. With it, a search walks bleve's
// searchers itself (see collect) instead of going through bleve's
// collector, which loads each hit's ID from the stored fields, keeps a
// sorted heap and allocates per hit; and the location becomes a bit set of
// document numbers made from memory, against which the text searcher
// leapfrogs.
//
// A table belongs to one snapshot and one state: bleve makes a new
// snapshot after each batch and merge, Sync a new state after each commit.
// The IDs of a segment never change, so they are read once per segment and
// reused by the next tables (segIDs); the rest is rebuilt, which costs a
// map lookup and a few appends per document.
type docTable struct {
	snap  *scorch.IndexSnapshot // identity only: never read after the build
	st    *state
	ids   []string
	metas []*meta
	all   []uint32 // live documents with a meta, in order
	fine  map[cellKey][]uint32
	rough map[cellKey][]uint32
	zones map[string][]uint32 // by upper-cased zone_eligibilite code
	pages []uint32
	read  int // segments whose IDs the build read (the others' were known)
	locs  locCache
}

// cellKey is a grid cell: fine cells of 0.1°, rough cells of 1° (see geo.go).
type cellKey struct{ y, x int32 }

// tables caches the docTables of the last two snapshots (a search that
// started before the newest one may still ask for the one before) and the
// IDs of their segments.
type tables struct {
	mu     sync.Mutex
	recent [2]*docTable
	segIDs map[idSegment][]string
}

// idSegment is what a table reads of a bleve segment.
type idSegment interface {
	Count() uint64
	DocID(num uint64) ([]byte, error)
}

// table returns the docTable of snap and st, building it if needed.
func (ts *tables) table(snap *scorch.IndexSnapshot, st *state, log *slog.Logger) (*docTable, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for _, t := range ts.recent {
		if t != nil && t.snap == snap && t.st == st {
			return t, nil
		}
	}
	start := time.Now()
	t, err := ts.build(snap, st)
	if err != nil {
		return nil, err
	}
	ts.recent[1], ts.recent[0] = ts.recent[0], t
	log.Debug("search document table built", "documents", len(t.all), "segments", len(ts.segIDs),
		"segments_read", t.read, "took_us", time.Since(start).Microseconds())
	return t, nil
}

func (ts *tables) build(snap *scorch.IndexSnapshot, st *state) (*docTable, error) {
	segs := snap.Segments()
	n := 0
	for _, ss := range segs {
		n += int(ss.Segment().Count())
	}
	t := &docTable{
		snap: snap, st: st, ids: make([]string, 0, n), metas: make([]*meta, n),
		all: make([]uint32, 0, len(st.metas)), fine: map[cellKey][]uint32{}, rough: map[cellKey][]uint32{},
		zones: map[string][]uint32{},
	}
	segIDs := make(map[idSegment][]string, len(segs))
	for _, ss := range segs {
		var seg idSegment = ss.Segment()
		ids, ok := ts.segIDs[seg]
		if !ok {
			var err error
			if ids, err = readIDs(seg); err != nil {
				return nil, err
			}
			t.read++
		}
		segIDs[seg] = ids
		base := len(t.ids)
		t.ids = append(t.ids, ids...)
		del := ss.Deleted()
		for i, id := range ids {
			if del != nil && del.Contains(uint32(i)) {
				continue
			}
			if m := st.metas[id]; m != nil {
				t.add(uint32(base+i), m)
			}
		}
	}
	ts.segIDs = segIDs
	return t, nil
}

// readIDs reads the document IDs of a segment.
func readIDs(seg idSegment) ([]string, error) {
	ids := make([]string, seg.Count())
	for i := range ids {
		id, err := seg.DocID(uint64(i))
		if err != nil {
			return nil, fmt.Errorf("search: read document %d: %w", i, err)
		}
		ids[i] = string(id)
	}
	return ids, nil
}

// add records document n.
func (t *docTable) add(n uint32, m *meta) {
	t.metas[n] = m
	t.all = append(t.all, n)
	if m.Kind == content.KindPage {
		t.pages = append(t.pages, n)
	}
	if m.HasGeo {
		f := cellKey{int32(math.Floor(m.Lat * 10)), int32(math.Floor(m.Lon * 10))}
		t.fine[f] = append(t.fine[f], n)
		r := cellKey{int32(math.Floor(m.Lat)), int32(math.Floor(m.Lon))}
		t.rough[r] = append(t.rough[r], n)
	}
	for i, z := range m.Zone {
		if z != "" && !slicesContains(m.Zone[:i], z) {
			t.zones[z] = append(t.zones[z], n)
		}
	}
}

func slicesContains(s []string, v string) bool {
	for _, e := range s {
		if e == v {
			return true
		}
	}
	return false
}

// locate returns the documents that may be within rayon km of c or in its
// eligibility zone, plus the free pages, as a bit set; nil when it cannot
// tell (every document must then be checked). Documents with coordinates
// are kept only within the exact distance; the caller still applies
// inLocation to each match.
func (t *docTable) locate(c territory.Commune, rayonKm float64, set *bitset) *bitset {
	if !c.Located() {
		// no centre: the zone alone can select a service
	} else if grid, y0, y1, x0, x1, ok := cellRange(c, rayonKm); !ok {
		return nil
	} else {
		cells := t.fine
		if grid == 'c' {
			cells = t.rough
		}
		near := newCircle(c, rayonKm)
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				for _, n := range cells[cellKey{int32(y), int32(x)}] {
					if m := t.metas[n]; near.mayHold(m.Lat, m.Lon) {
						set.add(n)
					}
				}
			}
		}
	}
	for _, code := range []string{strings.ToUpper(c.Code), c.EPCI, strings.ToUpper(c.Departement)} {
		if code != "" {
			for _, n := range t.zones[code] {
				set.add(n)
			}
		}
	}
	for _, n := range t.pages {
		set.add(n)
	}
	return set
}

// circle tells cheaply whether a point may be within a radius of a
// centre: a flat-earth distance that never exceeds the great-circle one
// (the east-west scale is taken at the latitude farthest from the
// equator), against the radius plus a margin. The exact distance is
// computed for the matches only (inLocation).
type circle struct {
	lat, lon, xScale, limit2 float64
}

// kmPerDegree is the length of a degree of latitude on territory's sphere.
const kmPerDegree = 6371.0088 * math.Pi / 180

func newCircle(c territory.Commune, km float64) circle {
	poleward := math.Min(math.Abs(c.Lat)+km/kmPerDegree, 90)
	limit := km*1.01 + 0.5
	return circle{lat: c.Lat, lon: c.Lon, xScale: kmPerDegree * math.Cos(poleward*math.Pi/180), limit2: limit * limit}
}

func (c circle) mayHold(lat, lon float64) bool {
	dy := (lat - c.lat) * kmPerDegree
	dx := (lon - c.lon) * c.xScale
	return dy*dy+dx*dx <= c.limit2
}

// bitset is a set of document numbers.
type bitset struct{ words []uint64 }

var bitsets = sync.Pool{New: func() any { return new(bitset) }}

// getBitset returns an empty set able to hold n documents.
func getBitset(n int) *bitset {
	b := bitsets.Get().(*bitset)
	w := (n + 63) / 64
	if cap(b.words) < w {
		b.words = make([]uint64, w)
	} else {
		b.words = b.words[:w]
		clear(b.words)
	}
	return b
}

func (b *bitset) add(n uint32)      { b.words[n/64] |= 1 << (n % 64) }
func (b *bitset) has(n uint32) bool { return b.words[n/64]&(1<<(n%64)) != 0 }

// next returns the first member ≥ n, or -1.
func (b *bitset) next(n uint32) int {
	i := int(n / 64)
	if i >= len(b.words) {
		return -1
	}
	w := b.words[i] >> (n % 64)
	if w != 0 {
		return int(n) + bits.TrailingZeros64(w)
	}
	for i++; i < len(b.words); i++ {
		if b.words[i] != 0 {
			return i*64 + bits.TrailingZeros64(b.words[i])
		}
	}
	return -1
}
