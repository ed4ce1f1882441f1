package server

import (
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/content/demo"
)

// TestExportsKeepAFewBases checks that an export is made once per base URL
// while it is among the last exportBases used, and made again for a new
// revision.
func TestExportsKeepAFewBases(t *testing.T) {
	x, err := newExports()
	if err != nil {
		t.Fatal(err)
	}
	var files []content.File
	err = fs.WalkDir(demo.FS(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(demo.FS(), name)
		files = append(files, content.File{Name: name, Data: data})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	snap := &snapshot{Catalog: content.NewCatalog("r1", files, nil), commit: content.Commit{When: time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)}}
	get := func(snap *snapshot, base string) *cachedPage {
		t.Helper()
		f, err := x.get(snap, base, "services.json")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(f.body), base+"/services/") {
			t.Fatalf("export for %s links elsewhere: %s", base, f.body)
		}
		return f
	}
	bases := []string{"http://a.example", "http://b.example", "http://c.example", "http://d.example"}
	first := map[string]*cachedPage{}
	for _, b := range bases {
		first[b] = get(snap, b)
	}
	for _, b := range bases {
		if get(snap, b) != first[b] {
			t.Errorf("%s: made again while kept", b)
		}
	}
	get(snap, "http://e.example") // pushes out a.example, the least recently used
	if get(snap, "http://d.example") != first["http://d.example"] {
		t.Error("d.example made again")
	}
	if get(snap, "http://a.example") == first["http://a.example"] {
		t.Error("a.example kept beyond exportBases")
	}
	next := &snapshot{Catalog: snap.Apply("r2", nil, nil), commit: snap.commit}
	if get(next, "http://d.example") == first["http://d.example"] {
		t.Error("a new revision served the old export")
	}
}
