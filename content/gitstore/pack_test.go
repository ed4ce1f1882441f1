package gitstore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/content"
)

// TestCommitAsPack commits enough files to write them as one pack: nothing
// is written loose, git reads the result, readers of the store (and a new
// store) see every file, and the next small commit is loose again.
func TestCommitAsPack(t *testing.T) {
	requireGit(t)
	s, dir := seeded(t)
	ctx := context.Background()
	loose := func() int {
		n := 0
		filepath.WalkDir(filepath.Join(dir, "objects"), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !strings.Contains(p, string(filepath.Separator)+"pack"+string(filepath.Separator)) &&
				len(filepath.Base(filepath.Dir(p))) == 2 {
				n++
			}
			return nil
		})
		return n
	}
	before := loose()
	writes := map[string][]byte{}
	for i := range 3 * packMin {
		writes[fmt.Sprintf("services/s-%03d.md", i)] = fmt.Appendf(nil, "---\nnom: Service %d\n---\nTexte %d.\n", i, i)
	}
	c, err := s.Commit(ctx, content.Change{Base: head(t, s), Author: alice, Message: "import", Writes: writes})
	if err != nil {
		t.Fatal(err)
	}
	if got := loose(); got != before {
		t.Errorf("%d loose objects written, want none", got-before)
	}
	packs, _ := filepath.Glob(filepath.Join(dir, "objects", "pack", "pack-*.pack"))
	if len(packs) != 1 {
		t.Errorf("packs: %v", packs)
	}
	git(t, dir, "fsck", "--strict", "--no-dangling")
	if got := git(t, dir, "show", "main:services/s-100.md"); got != "---\nnom: Service 100\n---\nTexte 100." {
		t.Errorf("git show: %q", got)
	}
	for _, st := range []*Store{s, open(t, Config{Dir: dir})} {
		files, err := st.Files(ctx, c.Revision)
		if err != nil {
			t.Fatal(err)
		}
		if want := len(seedFS) - 1 + len(writes); len(files) != want { // Files skips media/
			t.Errorf("Files: %d, want %d", len(files), want)
		}
	}
	c2, err := s.Commit(ctx, content.Change{Base: c.Revision, Author: alice, Message: "small",
		Writes: map[string][]byte{"services/s-000.md": []byte("---\nnom: Autre\n---\n")}})
	if err != nil {
		t.Fatal(err)
	}
	if got := loose(); got != before+4 { // blob, services tree, root tree, commit
		t.Errorf("small commit wrote %d loose objects", got-before)
	}
	if f, err := s.ReadFile(ctx, c2.Revision, "services/s-001.md"); err != nil || !strings.Contains(string(f.Data), "Service 1\n") {
		t.Errorf("ReadFile after the pack: %q %v", f.Data, err)
	}
	git(t, dir, "fsck", "--strict", "--no-dangling")
}
