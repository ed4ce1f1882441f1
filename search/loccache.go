package search

import (
	"strings"
	"sync"

	"github.com/aiguillage/aiguillage/territory"
)

// maxLocBytes bounds the memory of one docTable's location cache: about
// 450 places at 150,000 documents (18 KB a set), 4,500 at 15,000. Only
// the tables of the last two snapshots are kept (see tables), so the
// cache never holds more than twice this.
const maxLocBytes = 8 << 20

// locCache keeps the location bit sets of one docTable by place and
// radius: a desk asks around the same few communes all day, and at
// 100,000 services making the set (the grid cells of the circle, the
// commune's eligibility zones, the free pages) costs as much as
// collecting a small query's matches. A set belongs to its table, so it
// is dropped with it when a save or a merge makes a new snapshot. The
// sets are shared by concurrent searches, which only read them.
type locCache struct {
	mu    sync.Mutex
	sets  map[locKey]*bitset // nil value: locate could not tell (too many cells)
	bytes int
	max   int // bytes; maxLocBytes when 0
}

// locKey is everything locate reads of a commune, and the radius.
type locKey struct {
	code, epci, dep string
	lat, lon, rayon float64
}

// location returns the bit set of the documents that may be within rayon km
// of c or in its eligibility zones, plus the free pages (see locate); nil
// when every document must be checked. The set must not be modified.
func (t *docTable) location(c territory.Commune, rayonKm float64) *bitset {
	key := locKey{strings.ToUpper(c.Code), c.EPCI, strings.ToUpper(c.Departement), c.Lat, c.Lon, rayonKm}
	lc := &t.locs
	lc.mu.Lock()
	set, ok := lc.sets[key]
	lc.mu.Unlock()
	if ok {
		return set
	}
	// Made outside the lock: two searches missing the same place at once
	// both make it, and the second one's copy wins; both are equal.
	b := getBitset(len(t.metas))
	if set = t.locate(c, rayonKm, b); set == nil {
		bitsets.Put(b)
	}
	size := 64 // the map entry and key, roughly
	if set != nil {
		size += 8 * len(set.words)
	}
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if lc.sets == nil {
		lc.sets = map[locKey]*bitset{}
	}
	limit := lc.max
	if limit == 0 {
		limit = maxLocBytes
	}
	if old, ok := lc.sets[key]; ok {
		return old
	}
	for k, s := range lc.sets { // evict at random (map order) until it fits
		if lc.bytes+size <= limit {
			break
		}
		delete(lc.sets, k)
		lc.bytes -= 64
		if s != nil {
			lc.bytes -= 8 * len(s.words)
		}
	}
	if lc.bytes+size <= limit {
		lc.sets[key] = set
		lc.bytes += size
	}
	return set
}
