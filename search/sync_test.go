package search

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"unsafe"

	"github.com/aiguillage/aiguillage/content"
)

func TestSyncIncremental(t *testing.T) {
	ctx := context.Background()
	ix, cat, _ := fixtureIndex(t, tuesday10)

	// rename a service
	d := *cat.docs[slices.IndexFunc(cat.docs, func(d *content.Document) bool { return d.Path == "services/colis-macon" })]
	svc := *d.Service
	svc.Nom = "Panier solidaire hebdomadaire"
	d.Service = &svc
	cat.set(&d)
	cat.rev = "rev2"
	if err := ix.sync(ctx, cat, []string{"services/colis-macon.md"}); err != nil {
		t.Fatal(err)
	}
	if ix.Revision() != "rev2" {
		t.Errorf("revision %q", ix.Revision())
	}
	if r := mustSearch(t, ix, Query{Text: "panier hebdomadaire"}); !slices.Contains(paths(r), "services/colis-macon") {
		t.Errorf("new name: %v", paths(r))
	}
	if r := mustSearch(t, ix, Query{Text: "distribution"}); slices.Contains(paths(r), "services/colis-macon") {
		t.Errorf("old name still found: %v", paths(r))
	}

	// rename a structure: its services show the new name
	st := *cat.docs[slices.IndexFunc(cat.docs, func(d *content.Document) bool { return d.Path == "structures/restos-macon" })]
	s := *st.Structure
	s.Nom = "Banque solidaire du Mâconnais"
	st.Structure = &s
	cat.set(&st)
	cat.rev = "rev3"
	if err := ix.sync(ctx, cat, []string{"structures/restos-macon.md"}); err != nil {
		t.Fatal(err)
	}
	r := mustSearch(t, ix, Query{Text: "maconnais"})
	if !slices.Contains(paths(r), "services/colis-macon") || r.Hits[0].Structure != "Banque solidaire du Mâconnais" {
		t.Errorf("structure renamed: %+v", r.Hits)
	}

	// delete
	cat.remove("services/colis-macon")
	cat.rev = "rev4"
	if err := ix.sync(ctx, cat, []string{"services/colis-macon.md", "media/x.pdf", ".aiguillage/config.yaml"}); err != nil {
		t.Fatal(err)
	}
	if r := mustSearch(t, ix, Query{Text: "panier", Kinds: content.Kinds}); r.Total != 0 {
		t.Errorf("deleted page found: %v", paths(r))
	}
	if ix.Len() != len(cat.docs) {
		t.Errorf("%d documents, catalogue has %d", ix.Len(), len(cat.docs))
	}

	// full rebuild removes what the catalogue lacks
	cat.remove("services/ete-cluny")
	cat.rev = "rev5"
	if err := ix.sync(ctx, cat, nil); err != nil {
		t.Fatal(err)
	}
	if r := mustSearch(t, ix, Query{Text: "été"}); r.Total != 0 {
		t.Errorf("full sync kept a removed page: %v", paths(r))
	}
}

func TestRevisionPersisted(t *testing.T) {
	ix, cat, dir := fixtureIndex(t, tuesday10)
	want := paths(mustSearch(t, ix, Query{Text: "colis", Kinds: content.Kinds}))
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix2 := openTest(t, dir, tuesday10)
	defer ix2.Close()
	if ix2.Revision() != cat.rev {
		t.Errorf("revision after reopening %q, want %q", ix2.Revision(), cat.rev)
	}
	if got := paths(mustSearch(t, ix2, Query{Text: "colis", Kinds: content.Kinds})); !slices.Equal(got, want) {
		t.Errorf("after reopening %v, before %v", got, want)
	}
	if ix2.Len() != len(cat.docs) {
		t.Errorf("%d metas loaded, want %d", ix2.Len(), len(cat.docs))
	}
	// the typo dictionary is reloaded too
	if r := mustSearch(t, ix2, Query{Text: "hebergment"}); r.Suggestion == "" || r.Total == 0 {
		t.Errorf("typo after reopening: %+v", r)
	}
}

func TestRebuildDamagedIndex(t *testing.T) {
	damage := map[string]func(t *testing.T, dir string){
		"deleted": func(t *testing.T, dir string) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
		},
		"garbage files": func(t *testing.T, dir string) {
			err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				return os.WriteFile(p, []byte("garbage\x00\xff"), 0o644)
			})
			if err != nil {
				t.Fatal(err)
			}
		},
		"meta file only": func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte(`{"storage":"nope"`), 0o644); err != nil {
				t.Fatal(err)
			}
		},
		"a file instead of a folder": func(t *testing.T, dir string) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dir, []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		},
	}
	for name, f := range damage {
		t.Run(name, func(t *testing.T) {
			ix, cat, dir := fixtureIndex(t, tuesday10)
			if err := ix.Close(); err != nil {
				t.Fatal(err)
			}
			f(t, dir)
			ix2 := openTest(t, dir, tuesday10)
			defer ix2.Close()
			if ix2.Revision() != "" || ix2.Len() != 0 {
				t.Fatalf("damaged index reopened with revision %q and %d documents", ix2.Revision(), ix2.Len())
			}
			if err := ix2.sync(context.Background(), cat, nil); err != nil {
				t.Fatal(err)
			}
			if r := mustSearch(t, ix2, Query{Text: "colis"}); r.Total == 0 {
				t.Error("nothing found after the rebuild")
			}
		})
	}
}

// TestFullSyncCompacts checks that a full rebuild written in several
// batches leaves a single segment, which queries read once per term.
func TestFullSyncCompacts(t *testing.T) {
	ix := openTest(t, filepath.Join(t.TempDir(), "index"), tuesday10)
	defer ix.Close()
	cat := fixture()
	for i := range 3*batchSize + 10 {
		cat.docs = append(cat.docs, service(fmt.Sprintf("colis-%d", i), fmt.Sprintf("Colis %d", i), "restos-macon",
			[]string{themAlim}, "Colis alimentaires.", nil))
	}
	if err := ix.sync(context.Background(), cat, nil); err != nil {
		t.Fatal(err)
	}
	if n := segments(ix); n != 1 {
		t.Errorf("%d segments after a full sync, want 1", n)
	}
	if r := mustSearch(t, ix, Query{Text: "colis", Commune: "71270", Limit: 1}); r.Total != 3*batchSize+11 {
		t.Errorf("colis: %d results, want %d", r.Total, 3*batchSize+11)
	}
}

// TestMetasReloadedShared checks that the metas read back from the index
// hold what sync built, with repeated values shared between documents.
func TestMetasReloadedShared(t *testing.T) {
	ix, _, dir := fixtureIndex(t, tuesday10)
	built := ix.state.Load().metas
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix2 := openTest(t, dir, tuesday10)
	defer ix2.Close()
	loaded := ix2.state.Load().metas
	for id, m := range built {
		want, _ := json.Marshal(m)
		got, _ := json.Marshal(loaded[id])
		if string(got) != string(want) {
			t.Errorf("%s reloaded as %s, want %s", id, got, want)
		}
	}
	a, b := loaded["services/epicerie-cluny"], loaded["services/colis-macon"]
	if &a.Thematiques[0] != &b.Thematiques[0] {
		t.Error("equal thématiques lists are not shared")
	}
	c, d := loaded["services/hebergement-macon"], loaded["services/pmi-suspendue"]
	if c.StructurePath != d.StructurePath || unsafe.StringData(c.StructurePath) != unsafe.StringData(d.StructurePath) {
		t.Errorf("equal strings %q and %q are not shared", c.StructurePath, d.StructurePath)
	}
}
