package gitstore

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/content"
)

func names(files []content.File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Name)
	}
	return out
}

func TestOpenSeedCreatesBareRepo(t *testing.T) {
	requireGit(t)
	s, dir := seeded(t)
	if got := git(t, dir, "rev-parse", "--is-bare-repository"); got != "true" {
		t.Errorf("is-bare-repository = %q", got)
	}
	if got := git(t, dir, "log", "--format=%H"); got != string(head(t, s)) {
		t.Errorf("git log = %q, want the one commit %s", got, head(t, s))
	}
	want := ".aiguillage/config.yaml\nmedia/plan.pdf\npages/aide-alimentaire.md\nservices/epicerie-sociale-cluny.md\nstructures/ccas-cluny.md"
	if got := git(t, dir, "ls-tree", "-r", "--name-only", "main"); got != want {
		t.Errorf("ls-tree:\n%s\nwant:\n%s", got, want)
	}
	if got := git(t, dir, "symbolic-ref", "HEAD"); got != "refs/heads/main" {
		t.Errorf("HEAD -> %s", got)
	}
	git(t, dir, "fsck", "--strict")

	// Reopening does not seed again.
	s.Close()
	s2 := open(t, Config{Dir: dir, Seed: seedFS})
	if got := git(t, dir, "rev-list", "--count", "main"); got != "1" {
		t.Errorf("%s commits after reopening", got)
	}
	if head(t, s2) != head(t, s) {
		t.Error("head changed on reopening")
	}
}

func TestOpenErrors(t *testing.T) {
	requireGit(t)
	ctx := context.Background()
	empty := t.TempDir()
	if _, err := Open(ctx, Config{Dir: empty, StateDir: t.TempDir()}); err == nil {
		t.Error("Open on an empty folder without seed succeeded")
	}
	notRepo := t.TempDir()
	os.WriteFile(filepath.Join(notRepo, "x"), []byte("x"), 0o644)
	if _, err := Open(ctx, Config{Dir: notRepo, StateDir: t.TempDir(), Seed: seedFS}); err == nil {
		t.Error("Open on a non-empty non-repository succeeded")
	}

	// A garbled ref is reported clearly, and the repository is left alone.
	_, dir := seeded(t)
	ref := filepath.Join(dir, "refs", "heads", "main")
	for _, garbage := range []string{"", "not a hash\n", "0123"} {
		os.WriteFile(ref, []byte(garbage), 0o644)
		_, err := Open(ctx, Config{Dir: dir, StateDir: t.TempDir()})
		if err == nil || !strings.Contains(err.Error(), "corrupt") {
			t.Errorf("ref %q: Open error = %v, want a corruption error", garbage, err)
		}
	}
	// A ref to a missing object too.
	os.WriteFile(ref, []byte(strings.Repeat("ab", 20)+"\n"), 0o644)
	if _, err := Open(ctx, Config{Dir: dir, StateDir: t.TempDir()}); err == nil {
		t.Error("Open with a dangling ref succeeded")
	}
}

// cliRepo builds a non-bare repository with the git CLI: two commits.
func cliRepo(t *testing.T) (dir string, rev1, rev2 content.Revision) {
	t.Helper()
	requireGit(t)
	dir = t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	write := func(name, data string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.md", "A1\n")
	write(".aiguillage/config.yaml", "nom: x\n")
	write("media/photo.jpg", "JPEG")
	write("sub/dir/b.md", "B1\n")
	write("services/x.md", "X\n")
	write("big.md", strings.Repeat("x", maxBlob+1))
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "first\n\nwith a body")
	rev1 = content.Revision(git(t, dir, "rev-parse", "HEAD"))
	write("a.md", "A2\n")
	os.RemoveAll(filepath.Join(dir, "sub"))
	write("c.md", "C\n")
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "second")
	rev2 = content.Revision(git(t, dir, "rev-parse", "HEAD"))
	return dir, rev1, rev2
}

func TestReads(t *testing.T) {
	dir, rev1, rev2 := cliRepo(t)
	s := open(t, Config{Dir: dir})
	ctx := context.Background()
	if head(t, s) != rev2 {
		t.Fatalf("Head = %s, want %s", head(t, s), rev2)
	}

	files, err := s.Files(ctx, rev1)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(files), []string{".aiguillage/config.yaml", "a.md", "big.md", "services/x.md", "sub/dir/b.md"}; !slices.Equal(got, want) {
		t.Errorf("Files(rev1) = %v, want %v (no media)", got, want)
	}
	for _, f := range files {
		if f.Name == "big.md" {
			if f.Unread != content.TooLarge || f.Data != nil || f.Size <= maxBlob {
				t.Errorf("big.md = {Unread %v, Size %d, %d bytes}, want TooLarge, its size, no data", f.Unread, f.Size, len(f.Data))
			}
			continue
		}
		if want := git(t, dir, "rev-parse", string(rev1)+":"+f.Name); f.Hash != want {
			t.Errorf("%s hash %s, want %s", f.Name, f.Hash, want)
		}
		if want := git(t, dir, "show", string(rev1)+":"+f.Name); string(bytes.TrimSpace(f.Data)) != want {
			t.Errorf("%s data %q, want %q", f.Name, f.Data, want)
		}
	}
	files, err = s.Files(ctx, rev2)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(files), []string{".aiguillage/config.yaml", "a.md", "big.md", "c.md", "services/x.md"}; !slices.Equal(got, want) {
		t.Errorf("Files(rev2) = %v, want %v", got, want)
	}

	for _, tc := range []struct {
		rev  content.Revision
		name string
		want string // "" = ErrNotFound
	}{
		{rev1, "a.md", "A1\n"},
		{rev2, "a.md", "A2\n"},
		{rev1, "sub/dir/b.md", "B1\n"},
		{rev2, "sub/dir/b.md", ""},
		{rev1, "c.md", ""},
		{rev1, "media/photo.jpg", "JPEG"},
		{rev1, "sub", ""},
		{rev1, "sub/dir", ""},
		{rev1, "a.md/x", ""},
		{rev1, "../a.md", ""},
		{"0123456789012345678901234567890123456789", "a.md", ""},
		{"HEAD", "a.md", ""},
		{"", "a.md", ""},
	} {
		f, err := s.ReadFile(ctx, tc.rev, tc.name)
		if tc.want == "" {
			if !errors.Is(err, content.ErrNotFound) {
				t.Errorf("ReadFile(%s, %s) = %q, %v; want ErrNotFound", tc.rev.Short(), tc.name, f.Data, err)
			}
			continue
		}
		if err != nil || string(f.Data) != tc.want || f.Name != tc.name {
			t.Errorf("ReadFile(%s, %s) = %+v, %v; want %q", tc.rev.Short(), tc.name, f, err, tc.want)
		}
	}
	if _, err := s.Files(ctx, "0123456789012345678901234567890123456789"); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("Files(unknown) error = %v", err)
	}

	changed, err := s.ChangedFiles(ctx, rev1, rev2)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a.md", "c.md", "sub/dir/b.md"}; !slices.Equal(changed, want) {
		t.Errorf("ChangedFiles = %v, want %v", changed, want)
	}
	changed, _ = s.ChangedFiles(ctx, rev2, rev1)
	if want := []string{"a.md", "c.md", "sub/dir/b.md"}; !slices.Equal(changed, want) {
		t.Errorf("ChangedFiles reversed = %v, want %v", changed, want)
	}
	changed, _ = s.ChangedFiles(ctx, "", rev1)
	want := strings.Split(git(t, dir, "ls-tree", "-r", "--name-only", string(rev1)), "\n")
	if !slices.Equal(changed, want) {
		t.Errorf("ChangedFiles('', rev1) = %v, want %v", changed, want)
	}
	if changed, _ := s.ChangedFiles(ctx, rev2, rev2); len(changed) != 0 {
		t.Errorf("ChangedFiles(rev, rev) = %v", changed)
	}
	if _, err := s.ChangedFiles(ctx, "0123456789012345678901234567890123456789", rev2); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("ChangedFiles(unknown) error = %v", err)
	}

	c, err := s.CommitInfo(ctx, rev2)
	if err != nil {
		t.Fatal(err)
	}
	if c.Revision != rev2 || c.Parent != rev1 || c.Message != "second" ||
		c.Author != (content.Author{Name: "Cli User", Email: "cli@example.org"}) ||
		!slices.Equal(c.Files, []string{"a.md", "c.md", "sub/dir/b.md"}) {
		t.Errorf("CommitInfo(rev2) = %+v", c)
	}
	if ts := git(t, dir, "log", "-1", "--format=%at", string(rev2)); ts != strconv.FormatInt(c.When.Unix(), 10) {
		t.Errorf("When = %v, git says %s", c.When, ts)
	}
	c, err = s.CommitInfo(ctx, rev1)
	if err != nil || c.Parent != "" || c.Message != "first\n\nwith a body" || len(c.Files) != 6 {
		t.Errorf("CommitInfo(rev1) = %+v, %v", c, err)
	}
	if _, err := s.CommitInfo(ctx, "0123456789012345678901234567890123456789"); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("CommitInfo(unknown) error = %v", err)
	}
	// A tree hash is not a commit.
	tree := content.Revision(git(t, dir, "rev-parse", string(rev1)+"^{tree}"))
	if _, err := s.CommitInfo(ctx, tree); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("CommitInfo(tree) error = %v", err)
	}
}

// After git gc repacks everything (new packs, loose objects gone), the
// store still reads, and commits.
func TestReadAfterRepack(t *testing.T) {
	s, dir := seeded(t)
	ctx := context.Background()
	if _, err := s.Files(ctx, head(t, s)); err != nil {
		t.Fatal(err)
	}
	c, err := s.Commit(ctx, content.Change{Base: head(t, s), Author: alice, Message: "m",
		Writes: map[string][]byte{"pages/new.md": []byte("new\n")}})
	if err != nil {
		t.Fatal(err)
	}
	git(t, dir, "gc", "-q", "--prune=now")
	git(t, dir, "pack-refs", "--all")
	if _, err := os.Stat(filepath.Join(dir, "refs", "heads", "main")); err == nil {
		t.Fatal("ref still loose after pack-refs")
	}
	if head(t, s) != c.Revision {
		t.Fatalf("Head after pack-refs = %s", head(t, s))
	}
	for range cap(s.readers) + 1 { // every handle
		f, err := s.ReadFile(ctx, c.Revision, "pages/new.md")
		if err != nil || string(f.Data) != "new\n" {
			t.Fatalf("ReadFile after gc = %q, %v", f.Data, err)
		}
	}
	if _, err := s.Files(ctx, c.Revision); err != nil {
		t.Fatal(err)
	}
	c2, err := s.Commit(ctx, content.Change{Base: c.Revision, Author: alice, Message: "m2",
		Writes: map[string][]byte{"pages/new.md": []byte("newer\n")}})
	if err != nil {
		t.Fatalf("Commit after gc: %v", err)
	}
	if got := git(t, dir, "rev-parse", "main"); got != string(c2.Revision) {
		t.Errorf("main = %s, want %s", got, c2.Revision)
	}
	git(t, dir, "fsck", "--strict")
}

// TestFilesListsUnreadable checks that a page too large to read and a
// symbolic link pushed from outside are listed without data, marked, so
// that they are reported rather than silently left out.
func TestFilesListsUnreadable(t *testing.T) {
	requireGit(t)
	s, dir := seeded(t)
	work := filepath.Join(t.TempDir(), "work")
	git(t, t.TempDir(), "clone", "-q", dir, work)
	big := bytes.Repeat([]byte("x"), maxBlob+1)
	if err := os.WriteFile(filepath.Join(work, "services", "enorme.md"), append([]byte("---\nnom: Énorme\n---\n"), big...), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(work, "pages", "lien.md")); err != nil {
		t.Fatal(err)
	}
	git(t, work, "add", "-A")
	git(t, work, "commit", "-q", "-m", "gros fichier et lien")
	git(t, work, "push", "-q", "origin", "HEAD:main")

	files, err := s.Files(context.Background(), head(t, s))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]content.File{}
	for _, f := range files {
		got[f.Name] = f
	}
	if f := got["services/enorme.md"]; f.Unread != content.TooLarge || f.Data != nil || f.Size != int64(maxBlob+1+len("---\nnom: Énorme\n---\n")) {
		t.Errorf("big file = {Unread %v, Size %d, %d bytes}, want TooLarge with its size and no data", f.Unread, f.Size, len(f.Data))
	}
	if f := got["pages/lien.md"]; f.Unread != content.Symlink || f.Data != nil {
		t.Errorf("symlink = {Unread %v, %q}, want Symlink without data", f.Unread, f.Data)
	}
	if f := got["services/epicerie-sociale-cluny.md"]; f.Unread != content.Read || len(f.Data) == 0 {
		t.Errorf("regular file = {Unread %v, %d bytes}, want read", f.Unread, len(f.Data))
	}
}
