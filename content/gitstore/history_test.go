package gitstore

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/aiguillage/aiguillage/content"
)

func revisions(cs []content.Commit) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, string(c.Revision))
	}
	return out
}

func gitHistory(t *testing.T, dir, name string) []string {
	out := git(t, dir, "log", "--first-parent", "--format=%H", "main", "--", name)
	if out == "" {
		return []string{}
	}
	return strings.Split(out, "\n")
}

// sampleFiles returns every 7th file of the repository, plus the most
// edited ones.
func sampleFiles(t *testing.T, dir string) []string {
	all := strings.Split(git(t, dir, "ls-tree", "-r", "--name-only", "main"), "\n")
	var out []string
	for i, f := range all {
		if i%7 == 0 {
			out = append(out, f)
		}
	}
	touched := git(t, dir, "log", "--first-parent", "--format=", "--name-only", "-n", "30", "main")
	for _, f := range strings.Split(touched, "\n") {
		if f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

func waitReady(t *testing.T, s *Store) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.waitIndex(ctx); err != nil {
		t.Fatal(err)
	}
	if !s.ix.ready.Load() {
		t.Fatal("index not ready after the build")
	}
}

func sameCommits(t *testing.T, what string, got, want []content.Commit) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d commits, want %d", what, len(got), len(want))
		return
	}
	for i := range got {
		g, w := got[i], want[i]
		_, goff := g.When.Zone()
		_, woff := w.When.Zone()
		if g.Revision != w.Revision || g.Parent != w.Parent || g.Author != w.Author || g.Message != w.Message ||
			!g.When.Equal(w.When) || goff != woff || !slices.Equal(g.Files, w.Files) {
			t.Errorf("%s[%d]:\n got %+v\nwant %+v", what, i, g, w)
			return
		}
	}
}

func TestHistory(t *testing.T) {
	dir := genRepo(t, 200, 300)
	ctx := context.Background()
	state := t.TempDir()
	s := open(t, Config{Dir: dir, StateDir: state})
	waitReady(t, s)
	files := sampleFiles(t, dir)

	want := map[string][]content.Commit{}
	for _, name := range files {
		h, err := s.History(ctx, name, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got, wantRevs := revisions(h), gitHistory(t, dir, name); !slices.Equal(got, wantRevs) {
			t.Fatalf("History(%s) = %v\ngit log: %v", name, got, wantRevs)
		}
		want[name] = h
	}
	// Every field of one commit against git.
	c := want[files[len(files)-1]][0]
	line := git(t, dir, "log", "-1", "--format=%P|%an|%ae|%at|%s", string(c.Revision))
	if line != strings.Join([]string{string(c.Parent), c.Author.Name, c.Author.Email, itoa(c.When.Unix()), c.Message}, "|") {
		t.Errorf("commit %s: git says %s, index says %+v", c.Revision, line, c)
	}
	if names := git(t, dir, "show", "--format=", "--name-only", string(c.Revision)); names != strings.Join(c.Files, "\n") {
		t.Errorf("files of %s: git says %q, index %q", c.Revision, names, c.Files)
	}
	// Limit.
	if h, _ := s.History(ctx, files[len(files)-1], 1); len(h) != 1 || h[0].Revision != c.Revision {
		t.Errorf("History limit 1 = %v", revisions(h))
	}
	// Log.
	lg, err := s.Log(ctx, 20)
	if err != nil {
		t.Fatal(err)
	}
	if got, w := revisions(lg), strings.Split(git(t, dir, "log", "--first-parent", "-n", "20", "--format=%H", "main"), "\n"); !slices.Equal(got, w) {
		t.Errorf("Log = %v, want %v", got, w)
	}
	all, _ := s.Log(ctx, 0)
	if len(all) != 301 {
		t.Errorf("Log(0) = %d commits, want 301", len(all))
	}

	// The go-git walk used before the index is ready agrees.
	h, _ := s.acquire(ctx)
	tip, _ := s.readRef()
	for _, name := range files[:10] {
		walked, _, err := h.walkHistory(ctx, tip, name, 0, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		sameCommits(t, "walk "+name, walked, want[name])
	}
	s.release(h)

	// Deleting the index rebuilds it identical.
	s.Close()
	os.Remove(filepath.Join(state, "history.db"))
	s = open(t, Config{Dir: dir, StateDir: state})
	waitReady(t, s)
	for _, name := range files {
		h, _ := s.History(ctx, name, 0)
		sameCommits(t, "rebuilt "+name, h, want[name])
	}

	// Without the git CLI, go-git builds the same index.
	s.Close()
	s = open(t, Config{Dir: dir, GitPath: "-"})
	waitReady(t, s)
	for _, name := range files {
		h, _ := s.History(ctx, name, 0)
		sameCommits(t, "go-git "+name, h, want[name])
	}
	lg2, _ := s.Log(ctx, 20)
	sameCommits(t, "go-git log", lg2, lg)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestHistoryCatchesUpWithCLI(t *testing.T) {
	for _, gitPath := range []string{"", "-"} {
		t.Run("GitPath="+gitPath, func(t *testing.T) {
			dir := genRepo(t, 200, 300)
			ctx := context.Background()
			s := open(t, Config{Dir: dir, GitPath: gitPath})
			waitReady(t, s)
			const name = "pages/nouvelle-page.md"
			os.WriteFile(filepath.Join(dir, name), []byte("---\ntitre: x\n---\n"), 0o644)
			git(t, dir, "add", name)
			git(t, dir, "commit", "-q", "-m", "from the CLI")
			cli := git(t, dir, "rev-parse", "HEAD")
			h, err := s.History(ctx, name, 0)
			if err != nil || !slices.Equal(revisions(h), []string{cli}) {
				t.Fatalf("History after a CLI commit = %v, %v; want [%s]", revisions(h), err, cli)
			}
			if h[0].Message != "from the CLI" || h[0].Author.Name != "Cli User" {
				t.Errorf("CLI commit = %+v", h[0])
			}
			// A store commit after it chains on.
			c, err := s.Commit(ctx, content.Change{Base: head(t, s), Author: alice, Message: "store",
				Writes: map[string][]byte{name: []byte("---\ntitre: y\n---\n")}})
			if err != nil {
				t.Fatal(err)
			}
			h, _ = s.History(ctx, name, 0)
			if !slices.Equal(revisions(h), []string{string(c.Revision), cli}) {
				t.Errorf("History = %v", revisions(h))
			}

			// History rewritten with the CLI: the index is rebuilt, meanwhile
			// History is served from git.
			git(t, dir, "reset", "-q", "--hard", "HEAD~3")
			os.WriteFile(filepath.Join(dir, name), []byte("rewritten\n"), 0o644)
			git(t, dir, "add", name)
			git(t, dir, "commit", "-q", "-m", "rewritten")
			rewritten := git(t, dir, "rev-parse", "HEAD")
			h, err = s.History(ctx, name, 0)
			if err != nil || !slices.Equal(revisions(h), []string{rewritten}) {
				t.Errorf("History after rewrite = %v, %v; want [%s]", revisions(h), err, rewritten)
			}
			waitReady(t, s)
			h, _ = s.History(ctx, name, 0)
			if !slices.Equal(revisions(h), []string{rewritten}) {
				t.Errorf("History after rebuild = %v", revisions(h))
			}
			for _, f := range sampleFiles(t, dir)[:20] {
				h, _ := s.History(ctx, f, 0)
				if !slices.Equal(revisions(h), gitHistory(t, dir, f)) {
					t.Errorf("History(%s) after rebuild differs from git", f)
				}
			}
			lg, _ := s.Log(ctx, 0)
			if got := itoa(int64(len(lg))); got != git(t, dir, "rev-list", "--first-parent", "--count", "HEAD") {
				t.Errorf("Log has %s commits", got)
			}
		})
	}
}

func TestIndexRecovers(t *testing.T) {
	dir := genRepo(t, 200, 300)
	ctx := context.Background()
	state := t.TempDir()
	db := filepath.Join(state, "history.db")
	os.WriteFile(db, []byte("this is not a bbolt file, not at all, not at all"), 0o644)
	s := open(t, Config{Dir: dir, StateDir: state})
	waitReady(t, s)
	const name = "pages/aide-alimentaire.md"
	files := sampleFiles(t, dir)
	for _, f := range files[:10] {
		h, _ := s.History(ctx, f, 0)
		if !slices.Equal(revisions(h), gitHistory(t, dir, f)) {
			t.Errorf("History(%s) after a garbage index differs from git", f)
		}
	}

	// Close in the middle of a (slow, go-git) rebuild: Close waits for it
	// to stop; reopening resumes.
	s.Close()
	s2 := open(t, Config{Dir: dir, StateDir: state, GitPath: "-"})
	s2.ix.mu.Lock()
	s2.ix.ready.Store(false)
	s2.ix.reset("main")
	s2.ix.mu.Unlock()
	s2.launchBuild()
	start := time.Now()
	s2.Close()
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Close took %v during a build", d)
	}
	s3 := open(t, Config{Dir: dir, StateDir: state, GitPath: "-"})
	waitReady(t, s3)
	for _, f := range append(files[:10], name) {
		h, _ := s3.History(ctx, f, 0)
		if !slices.Equal(revisions(h), gitHistory(t, dir, f)) {
			t.Errorf("History(%s) after an interrupted build differs from git", f)
		}
	}
	// A second process cannot open the same state folder.
	if _, err := Open(ctx, Config{Dir: dir, StateDir: state}); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Errorf("second Open on the same state: %v", err)
	}
}

// With no git on PATH the store indexes with go-git, to the same result.
func TestNoGitOnPath(t *testing.T) {
	dir := genRepo(t, 200, 300)
	files := sampleFiles(t, dir)[:15]
	want := map[string][]string{}
	for _, f := range files {
		want[f] = gitHistory(t, dir, f)
	}
	t.Setenv("PATH", t.TempDir())
	s := open(t, Config{Dir: dir})
	if s.gitPath != "" {
		t.Fatalf("gitPath = %q with an empty PATH", s.gitPath)
	}
	waitReady(t, s)
	for _, f := range files {
		h, err := s.History(context.Background(), f, 0)
		if err != nil || !slices.Equal(revisions(h), want[f]) {
			t.Errorf("History(%s) = %v, %v; want %v", f, revisions(h), err, want[f])
		}
	}
}

// The two-process build of long histories gives the same index.
func TestIndexBuildSplit(t *testing.T) {
	dir := genRepo(t, 200, 300)
	ctx := context.Background()
	s := open(t, Config{Dir: dir})
	waitReady(t, s)
	s.ix.mu.Lock()
	s.ix.ready.Store(false)
	if err := s.ix.reset("main"); err != nil {
		t.Fatal(err)
	}
	s.splitMin = 50
	s.ix.mu.Unlock()
	s.launchBuild()
	waitReady(t, s)
	lg, _ := s.Log(ctx, 0)
	if got, want := revisions(lg), strings.Split(git(t, dir, "rev-list", "--first-parent", "main"), "\n"); !slices.Equal(got, want) {
		t.Fatalf("Log after a split build: %d commits, want %d", len(got), len(want))
	}
	for _, f := range sampleFiles(t, dir)[:20] {
		h, _ := s.History(ctx, f, 0)
		if !slices.Equal(revisions(h), gitHistory(t, dir, f)) {
			t.Errorf("History(%s) after a split build differs from git", f)
		}
	}
}

// TestStoreWithoutIndexBesideAServer opens a second store without a state
// folder on a repository a first one serves (whose history index is
// locked): it opens at once, reads, commits and answers History by walking;
// the first store's index then catches up with that commit.
func TestStoreWithoutIndexBesideAServer(t *testing.T) {
	server, dir := seeded(t)
	ctx := context.Background()
	tool, err := Open(ctx, Config{Dir: dir, Log: testLogger(t)})
	if err != nil {
		t.Fatalf("Open without StateDir beside a server: %v", err)
	}
	defer tool.Close()
	c, err := tool.Commit(ctx, content.Change{Base: head(t, tool), Author: alice, Message: "Import",
		Writes: map[string][]byte{"services/importe.md": []byte("---\nnom: Importé\n---\n")}})
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*Store{"tool": tool, "server": server} {
		h, err := s.History(ctx, "services/importe.md", 10)
		if err != nil || len(h) != 1 || h[0].Revision != c.Revision || h[0].Message != "Import" {
			t.Errorf("%s: History = %+v, %v", name, h, err)
		}
		log, err := s.Log(ctx, 1)
		if err != nil || len(log) != 1 || log[0].Revision != c.Revision {
			t.Errorf("%s: Log = %+v, %v", name, log, err)
		}
	}
	if server.ix.tip != plumbing.NewHash(string(c.Revision)) {
		t.Errorf("server index at %s, want %s", server.ix.tip, c.Revision)
	}
}
