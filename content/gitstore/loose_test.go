package gitstore

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// TestWriteLoose checks that a loose object is what git reads back,
// read-only, compressed at zlib's fastest level as git does, and that
// writing it again leaves the first copy alone.
func TestWriteLoose(t *testing.T) {
	requireGit(t)
	dir := t.TempDir()
	git(t, dir, "init", "-q", "--bare")
	o := &plumbing.MemoryObject{}
	o.SetType(plumbing.BlobObject)
	o.Write([]byte("---\nnom: Épicerie sociale\n---\nColis le mardi.\n"))
	objects := filepath.Join(dir, "objects")
	fanout, created, err := writeLoose(objects, o)
	if err != nil {
		t.Fatal(err)
	}
	hex := o.Hash().String()
	if fanout != filepath.Join(objects, hex[:2]) || !created {
		t.Errorf("writeLoose = %s, %v", fanout, created)
	}
	if got := git(t, dir, "cat-file", "-p", hex); got != "---\nnom: Épicerie sociale\n---\nColis le mardi." {
		t.Errorf("git cat-file = %q", got)
	}
	name := filepath.Join(fanout, hex[2:])
	st, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o444 {
		t.Errorf("mode = %v, want read-only", st.Mode())
	}
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if data[0] != 0x78 || data[1] != 0x01 {
		t.Errorf("zlib header % x, want 78 01 (fastest level)", data[:2])
	}
	if _, created, err := writeLoose(objects, o); err != nil || created {
		t.Errorf("second writeLoose: created %v, err %v", created, err)
	}
	entries, err := os.ReadDir(fanout)
	if err != nil || len(entries) != 1 {
		t.Errorf("fan-out folder holds %v (%v), want the object alone", entries, err)
	}
	git(t, dir, "fsck", "--strict")
}

// TestEncodeTreeMatchesGoGit checks encodeTree against go-git's encoder on
// every kind of entry, names with spaces and accents included.
func TestEncodeTreeMatchesGoGit(t *testing.T) {
	entries := []object.TreeEntry{
		{Name: ".aiguillage", Mode: filemode.Dir, Hash: plumbing.NewHash("1111111111111111111111111111111111111111")},
		{Name: "a b é.md", Mode: filemode.Regular, Hash: plumbing.NewHash("2222222222222222222222222222222222222222")},
		{Name: "lien", Mode: filemode.Symlink, Hash: plumbing.NewHash("3333333333333333333333333333333333333333")},
		{Name: "module", Mode: filemode.Submodule, Hash: plumbing.NewHash("4444444444444444444444444444444444444444")},
		{Name: "script.sh", Mode: filemode.Executable, Hash: plumbing.NewHash("5555555555555555555555555555555555555555")},
		{Name: "services", Mode: filemode.Dir, Hash: plumbing.NewHash("6666666666666666666666666666666666666666")},
	}
	for i := range 3000 {
		entries = append(entries, object.TreeEntry{Name: fmt.Sprintf("zz-service-%05d.md", i), Mode: filemode.Regular,
			Hash: plumbing.ComputeHash(plumbing.BlobObject, []byte(fmt.Sprint(i)))})
	}
	sort.Sort(object.TreeEntrySorter(entries))
	want := &plumbing.MemoryObject{}
	if err := (&object.Tree{Entries: entries}).Encode(want); err != nil {
		t.Fatal(err)
	}
	got, err := encodeTree(entries)
	if err != nil {
		t.Fatal(err)
	}
	if got.Type() != plumbing.TreeObject || got.Hash() != want.Hash() || got.Size() != want.Size() {
		t.Errorf("encodeTree: %s %s (%d bytes), want %s (%d bytes)", got.Type(), got.Hash(), got.Size(), want.Hash(), want.Size())
	}
	if _, err := encodeTree([]object.TreeEntry{{Name: "a\x00b", Mode: filemode.Regular}}); err == nil {
		t.Error("a name with NUL was encoded")
	}
}
