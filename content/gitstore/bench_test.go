package gitstore

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/content"
)

// Benchmarks run on repositories made by gen.py, cached under
// $TMPDIR/aiguillage-bench/s<services>-c<commits> and reused across runs.
// Generating 100,000 commits takes about 15 minutes on 2 cores: the first
// run needs -timeout 0 (or generate beforehand, see BENCHMARKS.md at the root).
// AIGUILLAGE_BENCH_COMMITS overrides the history length (default 100000).

const benchServices = 10000

func benchCommits() int {
	if n, err := strconv.Atoi(os.Getenv("AIGUILLAGE_BENCH_COMMITS")); err == nil && n > 0 {
		return n
	}
	return 100000
}

// benchRepo returns the cached repository, generating it if needed.
func benchRepo(b *testing.B, services, commits int) string {
	b.Helper()
	requireGit(b)
	root := filepath.Join(os.TempDir(), "aiguillage-bench")
	dir := filepath.Join(root, fmt.Sprintf("s%d-c%d", services, commits))
	if _, err := os.Stat(dir); err == nil {
		return dir
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		b.Fatal(err)
	}
	tmp := dir + ".tmp"
	os.RemoveAll(tmp)
	b.Logf("generating %s (once)", dir)
	if err := runGen(tmp, services, commits); err != nil {
		b.Skip(err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		b.Fatal(err)
	}
	return dir
}

// copyRepo copies a cached repository for a benchmark that commits.
func copyRepo(b *testing.B, src string) string {
	dst := filepath.Join(b.TempDir(), "repo")
	if out, err := exec.Command("cp", "-a", src, dst).CombinedOutput(); err != nil {
		b.Fatalf("cp: %v %s", err, out)
	}
	return dst
}

func benchOpen(b *testing.B, cfg Config) *Store {
	b.Helper()
	if cfg.StateDir == "" {
		cfg.StateDir = b.TempDir()
	}
	cfg.Log = slog.New(slog.DiscardHandler)
	s, err := Open(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if err := s.waitIndex(context.Background()); err != nil {
		b.Fatal(err)
	}
	return s
}

// serviceNames lists n service files of the repository.
func serviceNames(b *testing.B, dir string, n int) []string {
	out := git(b, dir, "ls-tree", "--name-only", "main", "services/")
	all := strings.Split(out, "\n")
	step := max(1, len(all)/n)
	var names []string
	for i := 0; i < len(all) && len(names) < n; i += step {
		names = append(names, all[i])
	}
	return names
}

func BenchmarkHistory(b *testing.B) {
	dir := benchRepo(b, benchServices, benchCommits())
	// The index is kept next to the cached repository: built once.
	s := benchOpen(b, Config{Dir: dir, StateDir: dir + ".state"})
	names := serviceNames(b, dir, 100)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		h, err := s.History(ctx, names[i%len(names)], 50)
		if err != nil || len(h) == 0 {
			b.Fatalf("History: %d, %v", len(h), err)
		}
	}
}

// BenchmarkHistoryWalk is History before the index is ready (go-git walk,
// limit 10).
func BenchmarkHistoryWalk(b *testing.B) {
	dir := benchRepo(b, benchServices, benchCommits())
	s := benchOpen(b, Config{Dir: dir, StateDir: dir + ".state"})
	names := serviceNames(b, dir, 20)
	tip, _ := s.readRef()
	ctx := context.Background()
	h, _ := s.acquire(ctx)
	defer s.release(h)
	for i := 0; b.Loop(); i++ {
		if _, _, err := h.walkHistory(ctx, tip, names[i%len(names)], 10, time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLog(b *testing.B) {
	dir := benchRepo(b, benchServices, benchCommits())
	s := benchOpen(b, Config{Dir: dir, StateDir: dir + ".state"})
	ctx := context.Background()
	for b.Loop() {
		if lg, err := s.Log(ctx, 50); err != nil || len(lg) != 50 {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpenIndexBuild(b *testing.B) {
	commits := benchCommits()
	dir := benchRepo(b, benchServices, commits)
	for _, gitPath := range []string{"", "-"} {
		name := "cli"
		if gitPath == "-" {
			name = "gogit"
			if commits > 20000 && os.Getenv("AIGUILLAGE_BENCH_GOGIT") == "" {
				b.Log("gogit build skipped above 20,000 commits (slow); set AIGUILLAGE_BENCH_GOGIT=1")
				continue
			}
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				state := b.TempDir()
				s := benchOpen(b, Config{Dir: dir, StateDir: state, GitPath: gitPath})
				if !s.ix.ready.Load() {
					b.Fatal("index not ready")
				}
				s.Close()
			}
		})
	}
}

// BenchmarkOpen is a server start with an up-to-date index.
func BenchmarkOpen(b *testing.B) {
	dir := benchRepo(b, benchServices, benchCommits())
	state := dir + ".state"
	benchOpen(b, Config{Dir: dir, StateDir: state}).Close()
	for b.Loop() {
		s, err := Open(context.Background(), Config{Dir: dir, StateDir: state, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

func BenchmarkFiles(b *testing.B) {
	for _, commits := range []int{1, benchCommits()} {
		b.Run(fmt.Sprintf("commits=%d", commits), func(b *testing.B) {
			dir := benchRepo(b, benchServices, commits)
			s := benchOpen(b, Config{Dir: dir, StateDir: dir + ".state"})
			ctx := context.Background()
			rev := head(b, s)
			var n int
			for b.Loop() {
				files, err := s.Files(ctx, rev)
				if err != nil {
					b.Fatal(err)
				}
				n = len(files)
			}
			b.ReportMetric(float64(n), "files")
		})
	}
}

func BenchmarkChangedFiles(b *testing.B) {
	dir := benchRepo(b, benchServices, benchCommits())
	s := benchOpen(b, Config{Dir: dir, StateDir: dir + ".state"})
	ctx := context.Background()
	lg, err := s.Log(ctx, 11)
	if err != nil {
		b.Fatal(err)
	}
	from, to := lg[10].Revision, lg[0].Revision
	for b.Loop() {
		if _, err := s.ChangedFiles(ctx, from, to); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCommit(b *testing.B) {
	dir := copyRepo(b, benchRepo(b, benchServices, 1))
	s := benchOpen(b, Config{Dir: dir})
	names := serviceNames(b, dir, 100)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		base, err := s.Head(ctx)
		if err != nil {
			b.Fatal(err)
		}
		_, err = s.Commit(ctx, content.Change{Base: base, Author: alice, Message: "bench",
			Writes: map[string][]byte{names[i%len(names)]: fmt.Appendf(nil, "---\nnom: Service %d\n---\n", i)}})
		if err != nil {
			b.Fatal(err)
		}
	}
}
