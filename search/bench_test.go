package search

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/content"
)

// benchServices is the corpus size of the benchmarks: 10,000 services, or
// AIGUILLAGE_BENCH_SERVICES (e.g. 100000).
func benchServices() int {
	if n, err := strconv.Atoi(os.Getenv("AIGUILLAGE_BENCH_SERVICES")); err == nil && n > 0 {
		return n
	}
	return 10000
}

var benchCorpus struct {
	sync.Mutex
	n     int
	files []content.File
	cat   *content.Catalog
}

func benchCatalog(b *testing.B) *content.Catalog {
	b.Helper()
	benchCorpus.Lock()
	defer benchCorpus.Unlock()
	n := benchServices()
	if benchCorpus.cat == nil || benchCorpus.n != n {
		dir, _ := genCorpus(b, n, 1)
		benchCorpus.files = readFiles(b, dir)
		benchCorpus.cat = genCatalog(b, benchCorpus.files, content.Revision(fmt.Sprintf("gen-%d-1", n)))
		if got := benchCorpus.cat.Len(content.KindService); got != n {
			b.Fatalf("corpus %s has %d services, want %d", dir, got, n)
		}
		benchCorpus.n = n
	}
	return benchCorpus.cat
}

// benchIndex returns an index of the benchmark corpus, built once and
// reopened by later benchmarks.
func benchIndex(b *testing.B) *Index {
	b.Helper()
	n := benchServices()
	dir := filepath.Join(os.TempDir(), "aiguillage-bench", fmt.Sprintf("index-bench-%d-%s", n, schemaVersion))
	ix := openTest(b, dir, time.Date(2026, 11, 24, 10, 0, 0, 0, paris))
	// The catalogue is only parsed when the index must be built: a
	// reopened index makes the benchmark cheap to start, under callgrind
	// too.
	if ix.Revision() != content.Revision(fmt.Sprintf("gen-%d-1", n)) {
		cat := benchCatalog(b)
		if err := ix.sync(context.Background(), cat, nil); err != nil {
			b.Fatal(err)
		}
	}
	settle(b, ix)
	return ix
}

// settle waits until bleve's background merging stops changing the number
// of segments, so that measures are not taken during compaction.
func settle(tb testing.TB, ix *Index) {
	last, stable := segments(ix), 0
	for i := 0; i < 300 && stable < 10; i++ {
		time.Sleep(100 * time.Millisecond)
		if n := segments(ix); n == last {
			stable++
		} else {
			last, stable = n, 0
		}
	}
	tb.Logf("index settled at %d segments", last)
}

// segments returns the number of segments of the index.
func segments(ix *Index) uint64 {
	st, _ := ix.bi.StatsMap()["index"].(map[string]interface{})
	f, _ := st["num_root_filesegments"].(uint64)
	m, _ := st["num_root_memorysegments"].(uint64)
	return f + m
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// rssMB reads the resident set size of the process.
func rssMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func BenchmarkIndexBuild10k(b *testing.B) {
	cat := benchCatalog(b)
	b.ResetTimer()
	var size int64
	for i := 0; i < b.N; i++ {
		dir := filepath.Join(b.TempDir(), "index")
		ix := openTest(b, dir, time.Now())
		if err := ix.sync(context.Background(), cat, nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		ix.Close()
		size = dirSize(dir)
		b.StartTimer()
	}
	docs := 0
	for _, k := range content.Kinds {
		docs += cat.Len(k)
	}
	b.ReportMetric(float64(docs)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64(size)/(1<<20), "MB-disk")
	b.ReportMetric(rssMB(), "MB-rss")
}

// benchQueries are typical desk queries: a need, a commune, sometimes a
// facet filter, "ouvert maintenant" or a distance sort.
func benchQueries(b *testing.B) []Query {
	var qs []Query
	for i, jq := range append(loadJudged(b, "testdata/relevance.jsonl"), loadJudged(b, "testdata/relevance-holdout.jsonl")...) {
		q := Query{Text: jq.Q, Commune: jq.Commune, RayonKm: jq.Rayon}
		switch i % 5 {
		case 1:
			q.Thematiques = jq.Thematiques[:1]
		case 2:
			q.OuvertMaintenant = true
		case 3:
			q.Sort = SortDistance
			q.Frais = []string{"gratuit"}
		case 4:
			q.Kinds = content.Kinds
		}
		qs = append(qs, q)
	}
	qs = append(qs, Query{Commune: "71270"}, Query{Commune: "Rennes", RayonKm: 20, Publics: []string{"familles"}})
	return qs
}

// cpuTime is the CPU time (user + system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportLatencies reports percentiles of lat, the rate, and the CPU time
// per query since cpu0 (every goroutine's, the garbage collector's
// included), which depends much less than wall time on what else the
// machine runs.
func reportLatencies(b *testing.B, lat []time.Duration, cpu0 time.Duration) {
	if len(lat) == 0 {
		return
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(len(lat)), "cpu-ms/query")
	slices.Sort(lat)
	at := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
	b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "queries/s")
}

func BenchmarkSearch(b *testing.B) {
	ix := benchIndex(b)
	defer ix.Close()
	qs := benchQueries(b)
	ctx := context.Background()
	for _, q := range qs { // warm the caches
		if _, err := ix.Search(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("single", func(b *testing.B) {
		lat := make([]time.Duration, 0, b.N)
		cpu0 := cpuTime()
		for i := 0; i < b.N; i++ {
			start := time.Now()
			if _, err := ix.Search(ctx, qs[i%len(qs)]); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
		}
		reportLatencies(b, lat, cpu0)
	})
	b.Run("8clients", func(b *testing.B) {
		var mu sync.Mutex
		var lat []time.Duration
		b.SetParallelism((8 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
		var next int64
		cpu0 := cpuTime()
		b.RunParallel(func(pb *testing.PB) {
			var mine []time.Duration
			for pb.Next() {
				mu.Lock()
				next++
				q := qs[int(next)%len(qs)]
				mu.Unlock()
				start := time.Now()
				if _, err := ix.Search(ctx, q); err != nil {
					b.Error(err)
					return
				}
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
		reportLatencies(b, lat, cpu0)
		b.ReportMetric(rssMB(), "MB-rss")
	})
}

func BenchmarkSync(b *testing.B) {
	ix := benchIndex(b)
	defer ix.Close()
	cat := benchCatalog(b)
	var orig content.File
	for _, f := range benchCorpus.files {
		if strings.HasPrefix(f.Name, "services/") {
			orig = f
			break
		}
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f := orig
		f.Data = []byte(strings.Replace(string(orig.Data), "\nnom: \"", fmt.Sprintf("\nnom: \"Édition %d ", i), 1))
		next := cat.Apply(content.Revision(fmt.Sprintf("bench-sync-%d", i)), []content.File{f}, nil)
		b.StartTimer()
		if err := ix.Sync(ctx, next, []string{f.Name}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if err := ix.Sync(ctx, cat, []string{orig.Name}); err != nil {
		b.Fatal(err)
	}
}

// deskQueries are bench/run.sh's 48 searches over HTTP: eight desk
// queries (a typo included) around six communes, radius 10, 20 or 30 km.
func deskQueries() []Query {
	var qs []Query
	i := 0
	for _, text := range []string{"aide alimentaire", "domiciliation sdf", "rsa", "surendetement",
		"hebergment urgence", "permis de conduire", "mdph", "colis"} {
		for _, commune := range []string{"71137", "71270", "51454", "35238", "74010", "92050"} {
			qs = append(qs, Query{Text: text, Commune: commune, RayonKm: float64((i%3 + 1) * 10)})
			i++
		}
	}
	return qs
}

// BenchmarkSearchDesk runs bench/run.sh's searches in process, one at a
// time: what a search costs the server before HTTP and JSON.
func BenchmarkSearchDesk(b *testing.B) {
	ix := benchIndex(b)
	defer ix.Close()
	qs := deskQueries()
	ctx := context.Background()
	for _, q := range qs { // warm the caches
		if _, err := ix.Search(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("single", func(b *testing.B) {
		lat := make([]time.Duration, 0, b.N)
		cpu0 := cpuTime()
		for i := 0; i < b.N; i++ {
			start := time.Now()
			if _, err := ix.Search(ctx, qs[i%len(qs)]); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
		}
		reportLatencies(b, lat, cpu0)
	})
}

// BenchmarkDocTable measures what the first search after a change pays to
// build the document table of the new snapshot: "cold" reads every
// segment's IDs (a new index, or a merge that rewrote every segment),
// "warm" reuses them (the common case: one new small segment).
func BenchmarkDocTable(b *testing.B) {
	ix := benchIndex(b)
	defer ix.Close()
	snap, err := ix.snapshot()
	if err != nil {
		b.Fatal(err)
	}
	defer snap.Close()
	st := ix.state.Load()
	b.Run("cold", func(b *testing.B) {
		cpu0 := cpuTime()
		for i := 0; i < b.N; i++ {
			var ts tables
			if _, err := ts.build(snap, st); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	})
	b.Run("warm", func(b *testing.B) {
		var ts tables
		if _, err := ts.build(snap, st); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		cpu0 := cpuTime()
		for i := 0; i < b.N; i++ {
			if _, err := ts.build(snap, st); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	})
}
