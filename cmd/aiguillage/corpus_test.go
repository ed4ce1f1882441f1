package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/content"
)

// The corpus tests serve a repository of 10,000 services made by the shared
// generator, cached under os.TempDir()/aiguillage-bench/s10000-c1 (the
// name, seed and layout content/gitstore's benchmarks use, so either
// package may create it for the other); s1000-c1 under the race detector.

const (
	corpusServices = 10000
	genScript      = "/work/shared/corpus/gen.py"
)

var corpusMu sync.Mutex

// corpusRepo returns the cached gen.py repository of n services (a git work
// tree on branch main with two commits), generating it the first time.
// Tests must not write to it.
func corpusRepo(t testing.TB, n int) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping the 10,000-service corpus")
	}
	script := os.Getenv("AIGUILLAGE_GEN")
	if script == "" {
		script = genScript
	}
	if _, err := os.Stat(script); err != nil {
		t.Skipf("corpus generator not found (set AIGUILLAGE_GEN): %v", err)
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed: cannot generate the corpus")
	}
	requireGit(t)
	corpusMu.Lock()
	defer corpusMu.Unlock()
	root := filepath.Join(os.TempDir(), "aiguillage-bench")
	dir := filepath.Join(root, fmt.Sprintf("s%d-c1", n))
	if _, err := os.Stat(dir); err == nil {
		return dir
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	// Generate beside it and rename, so a crashed run leaves no half corpus.
	tmp, err := os.MkdirTemp(root, "gen-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	t.Logf("generating %s (once)", dir)
	out := filepath.Join(tmp, "repo")
	cmd := exec.Command("python3", script, "--out", out, "--services", strconv.Itoa(n), "--history-commits", "1")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gen.py: %v\n%s", err, b)
	}
	if err := os.Rename(out, dir); err != nil && !os.IsExist(err) {
		t.Fatal(err)
	}
	return dir
}

// pagePaths lists the URL path of every page file of a work tree.
func pagePaths(t testing.TB, dir string) []string {
	t.Helper()
	var paths []string
	for _, kind := range content.Kinds {
		entries, err := os.ReadDir(filepath.Join(dir, string(kind)))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if slug, ok := strings.CutSuffix(e.Name(), ".md"); ok && e.Type().IsRegular() {
				paths = append(paths, "/"+string(kind)+"/"+slug)
			}
		}
	}
	slices.Sort(paths)
	return paths
}

// TestCorpusEveryPage serves the 10,000-service corpus and fetches every
// page with a few concurrent clients: each must answer 200 with a title.
// Under the race detector, which makes parsing and rendering about ten
// times slower, it serves a corpus of 1,000 services instead, unless
// AIGUILLAGE_EVERY_PAGE=1.
func TestCorpusEveryPage(t *testing.T) {
	services := corpusServices
	if raceDetector && os.Getenv("AIGUILLAGE_EVERY_PAGE") != "1" {
		services = 1000
		t.Logf("race detector on: %d services (10,000 without -race, or with AIGUILLAGE_EVERY_PAGE=1)", services)
	}
	repo := corpusRepo(t, services)
	paths := pagePaths(t, repo)
	start := time.Now()
	in := startServe(t, nil, "--data", t.TempDir(), "--content", repo, "--log-level", "warn")
	t.Logf("%d pages; server up in %s", len(paths), time.Since(start).Round(time.Millisecond))
	if h := in.health(); h.Services != services {
		t.Errorf("/healthz: %d services, want %d", h.Services, services)
	}

	start = time.Now()
	var failures atomic.Int64
	var wg sync.WaitGroup
	next := make(chan string)
	for range 4 {
		wg.Go(func() {
			for p := range next {
				if err := checkPage(in, p); err != nil {
					if failures.Add(1) <= 20 {
						t.Error(err)
					}
				}
			}
		})
	}
	for _, p := range paths {
		next <- p
	}
	close(next)
	wg.Wait()
	took := time.Since(start)
	t.Logf("fetched %d pages in %s (%.0f pages/s)", len(paths), took.Round(time.Millisecond),
		float64(len(paths))/took.Seconds())
	if n := failures.Load(); n > 0 {
		t.Fatalf("%d of %d pages failed", n, len(paths))
	}
	in.mustGet("/problemes", http.StatusOK)
}

func checkPage(in *instance, path string) error {
	code, body := in.get(path)
	if code != http.StatusOK {
		return fmt.Errorf("GET %s: %d %.300s", path, code, body)
	}
	if !hasTitle(body) {
		return fmt.Errorf("GET %s: no <h1> with text", path)
	}
	return nil
}

// BenchmarkColdStart measures what a restart of the server costs on the
// 10,000-service corpus once its search index exists: open the repository,
// the referentials, the communes and the index, load the catalogue, build
// the server, and serve a first service page over HTTP.
func BenchmarkColdStart(b *testing.B) {
	repo := corpusRepo(b, corpusServices)
	data := b.TempDir()
	c := config{Data: data, Content: repo, Branch: "main", Poll: -1}
	log := slog.New(slog.DiscardHandler)
	page := pagePaths(b, repo)[0]
	// A first start builds the history and search indexes.
	if err := coldStart(c, log, page, true); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := coldStart(c, log, page, false); err != nil {
			b.Fatal(err)
		}
	}
}

// coldStart opens everything as serve does, fetches page once, and shuts
// down; with waitIndex it first waits for the search index to be synced.
func coldStart(c config, log *slog.Logger, page string, waitIndex bool) error {
	ctx := context.Background()
	p, srv, err := start(ctx, c, log)
	if err != nil {
		return err
	}
	defer p.close(log)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go srv.Serve(ln)
	defer srv.Shutdown(5 * time.Second)
	if waitIndex {
		if err := srv.WaitIndexed(ctx); err != nil {
			return err
		}
	}
	resp, err := http.Get("http://" + ln.Addr().String() + page)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", page, resp.Status)
	}
	return nil
}
