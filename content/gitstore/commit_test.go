package gitstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/aiguillage/aiguillage/content"
)

func TestCommit(t *testing.T) {
	s, dir := seeded(t)
	ctx := context.Background()
	base := head(t, s)
	c, err := s.Commit(ctx, content.Change{
		Base: base, Author: alice, Message: "Mise à jour des horaires",
		Writes: map[string][]byte{
			"services/epicerie-sociale-cluny.md": []byte("---\nnom: Épicerie\n---\nNouveau.\n"),
			"services/nouveau-service.md":        []byte("---\nnom: Nouveau\n---\n"),
			"media/docs/deep/guide.pdf":          []byte("%PDF"),
		},
		Deletes: []string{"pages/aide-alimentaire.md"},
	})
	if err != nil {
		t.Fatal(err)
	}
	wantFiles := []string{"media/docs/deep/guide.pdf", "pages/aide-alimentaire.md", "services/epicerie-sociale-cluny.md", "services/nouveau-service.md"}
	if c.Parent != base || c.Author != alice || c.Message != "Mise à jour des horaires" || !slices.Equal(c.Files, wantFiles) {
		t.Errorf("Commit = %+v", c)
	}
	if head(t, s) != c.Revision {
		t.Errorf("Head = %s, want %s", head(t, s), c.Revision)
	}
	git(t, dir, "fsck", "--strict", "--no-dangling")
	if got := git(t, dir, "log", "-1", "--format=%H|%P|%an|%ae|%cn|%ce|%at|%ad|%s", "--date=format:%z", "main"); got !=
		fmt.Sprintf("%s|%s|Alice Martin|alice@example.org|Alice Martin|alice@example.org|%d|+0100|Mise à jour des horaires", c.Revision, base, c.When.Unix()) {
		t.Errorf("git log: %s", got)
	}
	if got := git(t, dir, "show", "main:services/epicerie-sociale-cluny.md"); got != "---\nnom: Épicerie\n---\nNouveau." {
		t.Errorf("git show: %q", got)
	}
	if got := git(t, dir, "diff", "--name-only", string(base), "main"); got != strings.Join(wantFiles, "\n") {
		t.Errorf("git diff --name-only:\n%s", got)
	}
	// What the store reads back agrees with git.
	info, err := s.CommitInfo(ctx, c.Revision)
	if err != nil || !slices.Equal(info.Files, wantFiles) || !info.When.Equal(c.When) || info.Message != c.Message {
		t.Errorf("CommitInfo = %+v, %v", info, err)
	}

	// Deleting the last file of a folder removes the folder.
	c2, err := s.Commit(ctx, content.Change{Base: c.Revision, Author: alice, Message: "rm",
		Deletes: []string{"media/docs/deep/guide.pdf"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := git(t, dir, "ls-tree", "-d", "--name-only", string(c2.Revision), "media/"); got != "" {
		t.Errorf("empty folders left: %q", got)
	}
	git(t, dir, "fsck", "--strict", "--no-dangling")

	// Rewriting a file as it is does not count it as changed.
	c3, err := s.Commit(ctx, content.Change{Base: c2.Revision, Author: alice, Message: "same and new",
		Writes: map[string][]byte{
			".aiguillage/config.yaml": []byte("nom: Annuaire\n"),
			"pages/other.md":          []byte("other\n"),
		}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c3.Files, []string{"pages/other.md"}) {
		t.Errorf("Files = %v", c3.Files)
	}
	h, err := s.History(ctx, ".aiguillage/config.yaml", 0)
	if err != nil || len(h) != 1 || h[0].Revision != base {
		t.Errorf("History(config) = %v, %v; want the seed commit only", revisions(h), err)
	}
}

func TestCommitNonBareLeavesWorkTree(t *testing.T) {
	dir, _, rev2 := cliRepo(t)
	s := open(t, Config{Dir: dir})
	before := snapshot(t, dir)
	index, _ := os.ReadFile(filepath.Join(dir, ".git", "index"))
	c, err := s.Commit(context.Background(), content.Change{Base: rev2, Author: alice, Message: "edit",
		Writes: map[string][]byte{"a.md": []byte("A3\n"), "new.md": []byte("N\n")}})
	if err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, dir); !maps(before, after) {
		t.Error("the work tree changed")
	}
	if index2, _ := os.ReadFile(filepath.Join(dir, ".git", "index")); string(index) != string(index2) {
		t.Error("the index file changed")
	}
	if got := git(t, dir, "rev-parse", "HEAD"); got != string(c.Revision) {
		t.Errorf("HEAD = %s, want %s", got, c.Revision)
	}
	if got := git(t, dir, "show", "HEAD:a.md"); got != "A3" {
		t.Errorf("HEAD:a.md = %q", got)
	}
	git(t, dir, "fsck", "--strict")
}

func snapshot(t *testing.T, dir string) map[string]string {
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			b, _ := os.ReadFile(p)
			out[p] = string(b)
		}
		return nil
	})
	return out
}

func maps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestCommitConflicts(t *testing.T) {
	s, dir := seeded(t)
	ctx := context.Background()
	base := head(t, s)
	const epicerie = "services/epicerie-sociale-cluny.md"
	other, err := s.Commit(ctx, content.Change{Base: base, Author: alice, Message: "other",
		Writes: map[string][]byte{epicerie: []byte("v2\n")}})
	if err != nil {
		t.Fatal(err)
	}
	// Stale base, same file: conflict, nothing committed.
	_, err = s.Commit(ctx, content.Change{Base: base, Author: alice, Message: "stale",
		Writes: map[string][]byte{epicerie: []byte("v3\n")}})
	if !errors.Is(err, content.ErrConflict) {
		t.Errorf("stale write on the same file: %v, want ErrConflict", err)
	}
	_, err = s.Commit(ctx, content.Change{Base: base, Author: alice, Message: "stale",
		Deletes: []string{epicerie}})
	if !errors.Is(err, content.ErrConflict) {
		t.Errorf("stale delete on the same file: %v, want ErrConflict", err)
	}
	if head(t, s) != other.Revision {
		t.Fatal("a refused commit moved the branch")
	}
	// Stale base, another file: lands on top of the tip.
	c, err := s.Commit(ctx, content.Change{Base: base, Author: alice, Message: "fine",
		Writes: map[string][]byte{"structures/ccas-cluny.md": []byte("v2\n")}})
	if err != nil {
		t.Fatalf("stale base, other file: %v", err)
	}
	if c.Parent != other.Revision {
		t.Errorf("parent = %s, want the tip %s", c.Parent, other.Revision)
	}
	if got := git(t, dir, "show", "main:"+epicerie); got != "v2" {
		t.Errorf("the other change was lost: %q", got)
	}
	// A stale base where the file was changed and changed back is no conflict.
	// An unknown base is a conflict.
	_, err = s.Commit(ctx, content.Change{Base: "0123456789012345678901234567890123456789", Author: alice, Message: "x",
		Writes: map[string][]byte{"pages/x.md": []byte("x")}})
	if !errors.Is(err, content.ErrConflict) {
		t.Errorf("unknown base: %v", err)
	}
	// No base: creating is fine, overwriting or deleting is not.
	if _, err := s.Commit(ctx, content.Change{Author: alice, Message: "create",
		Writes: map[string][]byte{"pages/brand-new.md": []byte("x")}}); err != nil {
		t.Errorf("create without base: %v", err)
	}
	if _, err := s.Commit(ctx, content.Change{Author: alice, Message: "overwrite",
		Writes: map[string][]byte{epicerie: []byte("x")}}); !errors.Is(err, content.ErrConflict) {
		t.Errorf("overwrite without base: %v", err)
	}
	if _, err := s.Commit(ctx, content.Change{Author: alice, Message: "delete",
		Deletes: []string{epicerie}}); !errors.Is(err, content.ErrConflict) {
		t.Errorf("delete without base: %v", err)
	}
	git(t, dir, "fsck", "--strict")
}

func TestCommitRefused(t *testing.T) {
	s, dir := seeded(t)
	ctx := context.Background()
	base := head(t, s)
	w := func(name string) map[string][]byte { return map[string][]byte{name: []byte("x")} }
	for _, tc := range []struct {
		name string
		ch   content.Change
		want error
	}{
		{"dotdot", content.Change{Writes: w("../x.md")}, content.ErrInvalidPath},
		{"inner dotdot", content.Change{Writes: w("pages/../../x.md")}, content.ErrInvalidPath},
		{"absolute", content.Change{Writes: w("/etc/passwd")}, content.ErrInvalidPath},
		{"empty segment", content.Change{Writes: w("pages//x.md")}, content.ErrInvalidPath},
		{"trailing slash", content.Change{Writes: w("pages/")}, content.ErrInvalidPath},
		{"dot", content.Change{Writes: w("./x.md")}, content.ErrInvalidPath},
		{"dot git", content.Change{Writes: w(".git/config")}, content.ErrInvalidPath},
		{"inner dot git", content.Change{Writes: w("pages/.GIT/hooks")}, content.ErrInvalidPath},
		{"empty", content.Change{Writes: w("")}, content.ErrInvalidPath},
		{"nul", content.Change{Writes: w("a\x00b")}, content.ErrInvalidPath},
		{"backslash", content.Change{Writes: w(`pages\x.md`)}, content.ErrInvalidPath},
		{"delete dotdot", content.Change{Deletes: []string{"../x"}}, content.ErrInvalidPath},
		{"file and folder", content.Change{Writes: map[string][]byte{"a": nil, "a/b": nil}}, content.ErrInvalidPath},
		{"write and delete", content.Change{Writes: w("pages/aide-alimentaire.md"), Deletes: []string{"pages/aide-alimentaire.md"}}, content.ErrInvalidPath},
		{"write over a folder", content.Change{Writes: w("pages")}, content.ErrInvalidPath},
		{"write under a file", content.Change{Writes: w("pages/aide-alimentaire.md/x")}, content.ErrInvalidPath},
		{"delete missing", content.Change{Deletes: []string{"pages/nope.md"}}, content.ErrNotFound},
		{"delete in missing folder", content.Change{Deletes: []string{"nope/nope.md"}}, content.ErrNotFound},
		{"delete a folder", content.Change{Deletes: []string{"pages"}}, content.ErrNotFound},
		{"same content", content.Change{Writes: map[string][]byte{".aiguillage/config.yaml": []byte("nom: Annuaire\n")}}, ErrNoChange},
		{"nothing", content.Change{}, ErrNoChange},
		{"too large", content.Change{Writes: map[string][]byte{"media/big.bin": make([]byte, maxBlob+1)}}, content.ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.ch.Base, tc.ch.Author, tc.ch.Message = base, alice, "m"
			if _, err := s.Commit(ctx, tc.ch); !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
	for _, a := range []content.Author{{}, {Name: "x<y", Email: "a@b"}, {Name: "x", Email: "a>b"}, {Name: "x\ny", Email: "a"}} {
		_, err := s.Commit(ctx, content.Change{Base: base, Author: a, Message: "m", Writes: w("pages/y.md")})
		if !errors.Is(err, content.ErrInvalid) {
			t.Errorf("author %q: %v, want ErrInvalid", a, err)
		}
	}
	if head(t, s) != base {
		t.Error("a refused change moved the branch")
	}
	if got := git(t, dir, "rev-list", "--count", "main"); got != "1" {
		t.Errorf("%s commits", got)
	}
	git(t, dir, "fsck", "--strict")
}

// Twenty writers, each on its own file, retrying on conflict: every update
// lands.
func TestConcurrentCommits(t *testing.T) {
	var logs syncBuffer
	dir := filepath.Join(t.TempDir(), "repo")
	s := open(t, Config{Dir: dir, Seed: seedFS, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	ctx := context.Background()
	const writers, rounds = 20, 3
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 2 { // readers during the commits, for the race detector
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				rev, err := s.Head(ctx)
				if err == nil {
					_, err = s.Files(ctx, rev)
				}
				if err == nil {
					_, err = s.History(ctx, "pages/w0.md", 5)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("pages/w%d.md", i)
			for r := range rounds {
				for {
					base, err := s.Head(ctx)
					if err != nil {
						errs <- err
						return
					}
					ch := content.Change{Base: base, Author: alice, Message: fmt.Sprintf("w%d r%d", i, r),
						Writes: map[string][]byte{name: fmt.Appendf(nil, "round %d\n", r)}}
					if r == 0 {
						ch.Base = "" // creation
					}
					_, err = s.Commit(ctx, ch)
					if errors.Is(err, content.ErrConflict) {
						continue
					}
					if err != nil {
						errs <- fmt.Errorf("%s: %w", name, err)
						return
					}
					break
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := git(t, dir, "rev-list", "--count", "main"); got != fmt.Sprint(1+writers*rounds) {
		t.Errorf("%s commits, want %d", got, 1+writers*rounds)
	}
	for i := range writers {
		if got := git(t, dir, "show", fmt.Sprintf("main:pages/w%d.md", i)); got != fmt.Sprintf("round %d", rounds-1) {
			t.Errorf("w%d: %q", i, got)
		}
		h, err := s.History(ctx, fmt.Sprintf("pages/w%d.md", i), 0)
		if err != nil || len(h) != rounds {
			t.Errorf("History(w%d) = %d commits, %v", i, len(h), err)
		}
	}
	if strings.Contains(logs.String(), "rewritten") || !s.ix.ready.Load() {
		t.Errorf("the index was rebuilt during concurrent commits:\n%s", logs.String())
	}
	git(t, dir, "fsck", "--strict")
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Commits pushed with the CLI are built upon, never overwritten.
func TestCommitRefMovedByCLI(t *testing.T) {
	s, dir := seeded(t)
	ctx := context.Background()
	seed := head(t, s)
	// Commit with the CLI in a clone, push to the bare repository.
	clone := t.TempDir()
	git(t, clone, "clone", "-q", dir, ".")
	os.WriteFile(filepath.Join(clone, "pages", "cli.md"), []byte("cli\n"), 0o644)
	git(t, clone, "add", "-A")
	git(t, clone, "commit", "-q", "-m", "from the cli")
	git(t, clone, "push", "-q", "origin", "main")
	cli := content.Revision(git(t, dir, "rev-parse", "main"))
	c, err := s.Commit(ctx, content.Change{Base: head(t, s), Author: alice, Message: "store",
		Writes: map[string][]byte{"pages/store.md": []byte("store\n")}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Parent != cli {
		t.Errorf("parent = %s, want the CLI commit %s", c.Parent, cli)
	}
	if got := git(t, dir, "ls-tree", "--name-only", "main", "pages/"); got != "pages/aide-alimentaire.md\npages/cli.md\npages/store.md" {
		t.Errorf("pages: %s", got)
	}
	// The compare-and-swap refuses to move a branch that moved meanwhile.
	if err := s.writeRef(plumbing.NewHash(string(seed)), plumbing.NewHash(string(cli))); !errors.Is(err, errRefMoved) {
		t.Errorf("writeRef from a stale tip: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "refs", "heads", "main.lock")); err == nil {
		t.Error("lock left behind")
	}
	if head(t, s) != c.Revision {
		t.Error("stale writeRef moved the branch")
	}
	// A lock held by another git process makes the commit fail cleanly.
	lock := filepath.Join(dir, "refs", "heads", "main.lock")
	os.WriteFile(lock, nil, 0o644)
	_, err = s.Commit(ctx, content.Change{Base: c.Revision, Author: alice, Message: "locked",
		Writes: map[string][]byte{"pages/store.md": []byte("again\n")}})
	if err == nil || !strings.Contains(err.Error(), "main.lock") {
		t.Errorf("commit under a foreign lock: %v", err)
	}
	if head(t, s) != c.Revision {
		t.Error("branch moved under a foreign lock")
	}
	// An old lock is taken to be left by a crash and taken over.
	old := time.Now().Add(-time.Hour)
	os.Chtimes(lock, old, old)
	if _, err = s.Commit(ctx, content.Change{Base: c.Revision, Author: alice, Message: "stale lock",
		Writes: map[string][]byte{"pages/store.md": []byte("again\n")}}); err != nil {
		t.Errorf("commit over a stale lock: %v", err)
	}
	git(t, dir, "fsck", "--strict")
}
