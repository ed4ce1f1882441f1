package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/accounts"
	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/content/gitstore"
	"github.com/aiguillage/aiguillage/search"
	"github.com/aiguillage/aiguillage/server"
)

// BenchmarkSave measures a save through the page API — validation, the
// commit, the catalogue and the search index brought to it — on the
// repository gen.py makes with 10,000 services and 100,000 commits
// ($TMPDIR/aiguillage-bench/s10000-c100000, shared with the gitstore
// benchmarks; AIGUILLAGE_BENCH_REPO names another). It reports the median
// and the 90th percentile of one save.
func BenchmarkSave(b *testing.B) {
	src := os.Getenv("AIGUILLAGE_BENCH_REPO")
	if src == "" {
		src = filepath.Join(os.TempDir(), "aiguillage-bench", "s10000-c100000")
	}
	if _, err := os.Stat(src); err != nil {
		b.Skipf("no benchmark repository at %s: make it with gen.py --services 10000 --history-commits 100000 (see BENCHMARKS.md)", src)
	}
	loadShared(b)
	ctx := context.Background()
	dir := b.TempDir()
	repo := filepath.Join(dir, "repo")
	if out, err := exec.Command("cp", "-a", src, repo).CombinedOutput(); err != nil {
		b.Fatalf("cp: %v %s", err, out)
	}
	log := slog.New(slog.DiscardHandler)
	store, err := gitstore.Open(ctx, gitstore.Config{Dir: repo, StateDir: filepath.Join(dir, "state"), Log: log})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	waitHistoryIndex(b, store)
	acc, err := accounts.Open(ctx, accounts.Config{Path: filepath.Join(dir, "accounts.db"), Params: accounts.TestParams()})
	if err != nil {
		b.Fatal(err)
	}
	defer acc.Close()
	idx, err := search.Open(ctx, search.Config{Dir: filepath.Join(dir, "index"), Territory: shared.terr, Refs: shared.refs, Log: log})
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	srv, err := server.New(ctx, server.Config{Store: store, Search: idx, Accounts: acc, Territory: shared.terr, Theme: shared.theme,
		Refs: shared.refs, Log: log, PollInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Shutdown(time.Second)
	wctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	if err := srv.WaitIndexed(wctx); err != nil {
		b.Fatal(err)
	}
	u, err := acc.CreateUser(ctx, accounts.NewUser{Email: "bench@example.org", Name: "Bench", Role: accounts.RoleAdmin, Password: password})
	if err != nil {
		b.Fatal(err)
	}
	token, err := acc.CreateToken(ctx, u.ID, "bench")
	if err != nil {
		b.Fatal(err)
	}
	pages := benchPages(b, store)
	app := srv.Handler()
	var times []time.Duration
	stopProfile := profileLoop(b)
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		page := pages[i%len(pages)]
		var p pageJSON
		benchRequest(b, app, token, "GET", page, "", nil, &p)
		body := map[string]any{"front_matter": p.FrontMatter, "body": fmt.Sprintf("Modification %d.\n\n", i) + p.Body, "summary": "bench"}
		b.StartTimer()
		start := time.Now()
		benchRequest(b, app, token, "PUT", page, p.Revision, body, &p)
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	stopProfile()
	// CPU time of the whole process (background index merges included)
	// per save: on the shared machine it varies far less than wall time.
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(times[len(times)*9/10].Microseconds())/1000, "p90-ms")
}

// profileLoop writes a CPU profile of the saves alone (not of the index
// build before them) to $AIGUILLAGE_BENCH_CPUPROFILE when it is set.
func profileLoop(b *testing.B) (stop func()) {
	path := os.Getenv("AIGUILLAGE_BENCH_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// cpuTime is the CPU time the process has used (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchPages picks 50 valid services of the repository.
func benchPages(b *testing.B, store *gitstore.Store) []string {
	ctx := context.Background()
	head, err := store.Head(ctx)
	if err != nil {
		b.Fatal(err)
	}
	files, err := store.Files(ctx, head)
	if err != nil {
		b.Fatal(err)
	}
	var pages []string
	for _, f := range files {
		if p, ok := content.PathFromFile(f.Name); ok && p.Kind() == content.KindService && len(pages) < 50 {
			if doc, _ := content.Parse(f.Name, f.Data, shared.refs); doc != nil {
				pages = append(pages, string(p))
			}
		}
	}
	if len(pages) == 0 {
		b.Fatal("no valid service in the repository")
	}
	return pages
}

func benchRequest(b *testing.B, app interface {
	Test(*http.Request, ...int) (*http.Response, error)
}, token, method, page, rev string, body, out any) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			b.Fatal(err)
		}
		rd = strings.NewReader(string(data))
	}
	req := httptest.NewRequest(method, "/api/v1/pages/"+page, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	if rev != "" {
		req.Header.Set("If-Match", rev)
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("%s %s: %d %s", method, page, resp.StatusCode, data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		b.Fatal(err)
	}
}

// waitHistoryIndex waits for the store's history index, which a fresh
// copy builds in the background (about a minute at 100,000 commits) and
// which would otherwise share the CPU with the saves measured. While it
// builds, History walks the repository for up to 2 s; once built, it
// answers in milliseconds.
func waitHistoryIndex(b *testing.B, store *gitstore.Store) {
	ctx := context.Background()
	deadline := time.Now().Add(10 * time.Minute)
	for fast := 0; fast < 3 && time.Now().Before(deadline); {
		start := time.Now()
		if _, err := store.History(ctx, "structures/absente.md", 10); err != nil {
			b.Fatal(err)
		}
		if time.Since(start) < 200*time.Millisecond {
			fast++
		} else {
			fast = 0
			time.Sleep(time.Second)
		}
	}
}
