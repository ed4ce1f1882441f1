package search

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/territory"
)

// judgedQuery is one line of testdata/relevance*.jsonl: a query as an
// agent types it, where, and the thématiques that answer the need.
type judgedQuery struct {
	Q           string   `json:"q"`
	Commune     string   `json:"commune"`
	Rayon       float64  `json:"rayon"`
	Thematiques []string `json:"thematiques"`
}

func loadJudged(t testing.TB, name string) []judgedQuery {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []judgedQuery
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var q judgedQuery
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			t.Fatal(err)
		}
		out = append(out, q)
	}
	return out
}

// corpus10k is the 10,000-service index shared by the relevance tests.
var corpus10k struct {
	once  sync.Once
	ix    *Index
	dir   string // removed by TestMain
	truth map[string]truthRow
	err   error
	skip  string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if corpus10k.ix != nil {
		corpus10k.ix.Close()
	}
	if corpus10k.dir != "" {
		os.RemoveAll(corpus10k.dir)
	}
	os.Exit(code)
}

func relevanceIndex(t *testing.T) (*Index, map[string]truthRow) {
	t.Helper()
	if testing.Short() {
		t.Skip("relevance on 10,000 services: not in -short mode")
	}
	corpus10k.once.Do(func() {
		st := &onceT{TB: t}
		func() {
			defer func() { _ = recover() }()
			dir, truth := genCorpus(st, 10000, 1)
			corpus10k.truth = loadTruth(st, truth)
			cat := genCatalog(st, readFiles(st, dir), "gen-10000-1")
			// One folder per test process: two processes building the
			// same folder at once would corrupt each other's index.
			idxDir, err := os.MkdirTemp(filepath.Join(os.TempDir(), "aiguillage-bench"), "index-relevance-")
			if err != nil {
				corpus10k.err = err
				return
			}
			corpus10k.dir = idxDir
			ix := openTest(st, filepath.Join(idxDir, "index"), time.Date(2026, 11, 24, 10, 0, 0, 0, paris))
			if err := ix.sync(context.Background(), cat, nil); err != nil {
				corpus10k.err = err
				return
			}
			corpus10k.ix = ix
		}()
		corpus10k.skip = st.skipped
	})
	if corpus10k.skip != "" {
		t.Skip(corpus10k.skip)
	}
	if corpus10k.err != nil || corpus10k.ix == nil {
		t.Fatalf("relevance index: %v", corpus10k.err)
	}
	return corpus10k.ix, corpus10k.truth
}

// onceT lets the shared set-up call Skip or Fatal without stopping the
// first test that happens to run it in a confusing way.
type onceT struct {
	testing.TB
	skipped string
}

func (o *onceT) Skipf(format string, args ...any) {
	o.skipped = "corpus unavailable"
	panic("skip")
}

// precisionAt5 runs the judged queries and returns the mean precision@5:
// the share of the first five hits that are services with an acceptable
// thématique inside the location constraint, out of min(5, the number of
// such services that exist).
func precisionAt5(t *testing.T, ix *Index, truth map[string]truthRow, qs []judgedQuery) float64 {
	sum, n := 0.0, 0
	for _, jq := range qs {
		c, ok := ix.resolveCommune(jq.Commune)
		if !ok {
			t.Fatalf("%q: unknown commune %q", jq.Q, jq.Commune)
		}
		rayon := jq.Rayon
		if rayon == 0 {
			rayon = DefaultRayonKm
		}
		relevant := func(r truthRow) bool {
			if r.Statut != "" && r.Statut != "actif" {
				return false
			}
			if !slices.ContainsFunc(r.Thematiques, func(th string) bool { return slices.Contains(jq.Thematiques, th) }) {
				return false
			}
			return territory.Distance(c.Lat, c.Lon, r.Lat, r.Lon) <= rayon || c.InZone(r.Zone)
		}
		exist := 0
		for _, r := range truth {
			if relevant(r) {
				exist++
			}
		}
		if exist == 0 {
			t.Logf("%-28q %s: no relevant service exists: skipped", jq.Q, c.Nom)
			continue
		}
		res := mustSearch(t, ix, Query{Text: jq.Q, Commune: jq.Commune, RayonKm: rayon, Limit: 5})
		good := 0
		var marks []byte
		for _, h := range res.Hits {
			if r, ok := truth[h.Path]; ok && relevant(r) {
				good++
				marks = append(marks, '+')
			} else {
				marks = append(marks, '-')
			}
		}
		p := float64(good) / float64(min(5, exist))
		sum += p
		n++
		t.Logf("%-28q %-22s P@5 %.2f %-5s (relevant %d, total %d)", jq.Q, c.Nom, p, marks, exist, res.Total)
	}
	return sum / float64(n)
}

func TestRelevance(t *testing.T) {
	ix, truth := relevanceIndex(t)
	p := precisionAt5(t, ix, truth, loadJudged(t, "testdata/relevance.jsonl"))
	t.Logf("precision@5 = %.3f", p)
	if p < 0.9 {
		t.Errorf("precision@5 = %.3f, want ≥ 0.9", p)
	}
}

// TestRelevanceHoldout reports the figure of the queries not used for
// tuning; it never fails on the figure.
func TestRelevanceHoldout(t *testing.T) {
	ix, truth := relevanceIndex(t)
	p := precisionAt5(t, ix, truth, loadJudged(t, "testdata/relevance-holdout.jsonl"))
	t.Logf("holdout precision@5 = %.3f", p)
}
