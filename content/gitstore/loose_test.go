package gitstore

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
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
