package search

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"

	"github.com/aiguillage/aiguillage/content"
)

// currentTable returns the docTable searches use now.
func currentTable(t testing.TB, ix *Index) *docTable {
	t.Helper()
	snap, err := ix.snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	tab, err := ix.tables.table(snap, ix.state.Load(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func members(b *bitset) []int {
	if b == nil {
		return nil
	}
	var out []int
	for n := b.next(0); n >= 0; n = b.next(uint32(n) + 1) {
		out = append(out, n)
	}
	return out
}

// TestLocationCache checks that a cached location is the set locate makes,
// reused on the next search of the same place and radius only.
func TestLocationCache(t *testing.T) {
	ix, _, _ := fixtureIndex(t, tuesday10)
	tab := currentTable(t, ix)
	places := []struct {
		commune string
		rayon   float64
	}{{"71137", 10}, {"71137", 30}, {"71270", 10}, {"71014", 5}, {"74010", 10}, {"71270", 100}, {"71270", 10000}}
	first := map[string]*bitset{}
	nonEmpty := 0
	for _, p := range places {
		c, ok := ix.resolveCommune(p.commune)
		if !ok {
			t.Fatalf("commune %s", p.commune)
		}
		want := tab.locate(c, p.rayon, getBitset(len(tab.metas)))
		got := tab.location(c, p.rayon)
		if !slices.Equal(members(got), members(want)) {
			t.Errorf("%s %v km: cached %v, locate %v", p.commune, p.rayon, members(got), members(want))
		}
		if len(members(got)) > 0 {
			nonEmpty++
		}
		first[fmt.Sprint(p)] = got
	}
	if nonEmpty < 4 {
		t.Fatalf("only %d non-empty locations: the comparison tests little", nonEmpty)
	}
	if first[fmt.Sprint(places[6])] != nil {
		t.Errorf("a 10,000 km radius should need every document checked (nil set)")
	}
	for _, p := range places {
		c, _ := ix.resolveCommune(p.commune)
		if got := tab.location(c, p.rayon); got != first[fmt.Sprint(p)] {
			t.Errorf("%s %v km: made again instead of reused", p.commune, p.rayon)
		}
	}
	if a, b := first[fmt.Sprint(places[0])], first[fmt.Sprint(places[1])]; a == b {
		t.Error("two radii share a set")
	}
}

// TestLocationCacheBounded fills a small cache with many places: it never
// exceeds its bound, and what it returns stays right.
func TestLocationCacheBounded(t *testing.T) {
	ix, _, _ := fixtureIndex(t, tuesday10)
	tab := currentTable(t, ix)
	tab.locs.max = 1000
	c, _ := ix.resolveCommune("71137")
	for r := 1.0; r <= 60; r++ {
		want := members(tab.locate(c, r, getBitset(len(tab.metas))))
		if got := members(tab.location(c, r)); !slices.Equal(got, want) {
			t.Fatalf("%v km: %v, want %v", r, got, want)
		}
		tab.locs.mu.Lock()
		n, bytes := len(tab.locs.sets), tab.locs.bytes
		tab.locs.mu.Unlock()
		if bytes > 1000 || n == 0 || n > 1000/64 {
			t.Fatalf("%v km: %d sets, %d bytes (bound 1000)", r, n, bytes)
		}
	}
}

// TestLocationCacheNewSnapshot checks that a save which moves a service is
// seen by the next search around a place already cached.
func TestLocationCacheNewSnapshot(t *testing.T) {
	ctx := context.Background()
	ix, cat, _ := fixtureIndex(t, tuesday10)
	q := Query{Commune: "71137", RayonKm: 10}
	if r := mustSearch(t, ix, q); slices.Contains(paths(r), "services/colis-macon") {
		t.Fatalf("Cluny 10 km has Mâcon's service before the move: %v", paths(r))
	}
	st := *cat.docs[slices.IndexFunc(cat.docs, func(d *content.Document) bool { return d.Path == "structures/restos-macon" })]
	s := *st.Structure
	s.Address.Latitude, s.Address.Longitude = ptr(46.434), ptr(4.659) // to Cluny
	st.Structure = &s
	cat.set(&st)
	cat.rev = "rev2"
	if err := ix.sync(ctx, cat, []string{"structures/restos-macon.md"}); err != nil {
		t.Fatal(err)
	}
	if r := mustSearch(t, ix, q); !slices.Contains(paths(r), "services/colis-macon") {
		t.Errorf("Cluny 10 km after the move: %v lacks services/colis-macon", paths(r))
	}
}

// TestLocationCacheConcurrent runs searches of a few places at once (with
// -race: the shared sets are only read).
func TestLocationCacheConcurrent(t *testing.T) {
	ix, _, _ := fixtureIndex(t, tuesday10)
	want := map[string]int{}
	qs := []Query{{Commune: "71137", RayonKm: 10}, {Commune: "71270", RayonKm: 30}, {Text: "colis", Commune: "71270", RayonKm: 20},
		{Text: "surendettement", Commune: "71014", RayonKm: 5}}
	for _, q := range qs {
		want[fmt.Sprint(q)] = mustSearch(t, ix, q).Total
	}
	ix.tables.mu.Lock()
	ix.tables.recent = [2]*docTable{} // start again from empty caches
	ix.tables.mu.Unlock()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				q := qs[(g+i)%len(qs)]
				r, err := ix.Search(context.Background(), q)
				if err != nil {
					t.Error(err)
					return
				}
				if r.Total != want[fmt.Sprint(q)] {
					t.Errorf("%+v: total %d, want %d", q, r.Total, want[fmt.Sprint(q)])
					return
				}
			}
		}()
	}
	wg.Wait()
}
