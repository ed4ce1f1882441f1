package datainclusion

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/content/gitstore"
)

// newStore opens a real repository whose first commit holds seed.
func newStore(t testing.TB, seed fstest.MapFS) *gitstore.Store {
	t.Helper()
	if seed == nil {
		seed = fstest.MapFS{".aiguillage/config.yaml": {Data: []byte("nom: Vide\n")}}
	}
	dir := t.TempDir()
	s, err := gitstore.Open(context.Background(), gitstore.Config{
		Dir: filepath.Join(dir, "repo.git"), StateDir: filepath.Join(dir, "state"), Seed: seed, GitPath: "-",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func headCatalog(t testing.TB, s *gitstore.Store) *content.Catalog {
	t.Helper()
	ctx := context.Background()
	head, err := s.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	files, err := s.Files(ctx, head)
	if err != nil {
		t.Fatal(err)
	}
	return content.NewCatalog(head, files, refs(t))
}

var importer = func(t testing.TB) *Importer {
	im, err := NewImporter(ImportConfig{Refs: refs(t), Source: "test",
		Now: func() time.Time { return time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	return im
}

var importer1 = content.Author{Name: "Import Test", Email: "import@example.org"}

// importFiles plans the import of inputs into s and applies it.
func importFiles(t testing.TB, s *gitstore.Store, m Mapping, inputs ...Input) (*Plan, content.Commit) {
	t.Helper()
	var sheets []Sheet
	for _, in := range inputs {
		sh, err := Read(in, m)
		if err != nil {
			t.Fatal(err)
		}
		sheets = append(sheets, sh...)
	}
	plan, err := importer(t).Plan(context.Background(), headCatalog(t, s), s, sheets)
	if err != nil {
		t.Fatal(err)
	}
	cm, err := Apply(context.Background(), s, plan, importer1, "import")
	if err != nil {
		t.Fatal(err)
	}
	return plan, cm
}

func inputs(files map[string][]byte, names ...string) []Input {
	var out []Input
	for _, n := range names {
		out = append(out, Input{Name: n, Data: files[n]})
	}
	return out
}

// roundTrip exports cat, imports the files into an empty repository,
// exports again and compares; then imports the same files again, which
// must change nothing.
func roundTrip(t *testing.T, cat *content.Catalog, names ...string) {
	before := exportFiles(t, testExport(t, cat))
	s := newStore(t, nil)
	plan, cm := importFiles(t, s, DefaultMapping(), inputs(before, names...)...)
	if len(plan.Invalid) > 0 {
		for i, iv := range plan.Invalid {
			if i < 10 {
				t.Errorf("invalid: %v", iv)
			}
		}
		t.Fatalf("%d invalid rows", len(plan.Invalid))
	}
	if cm.Revision == "" || cm.Author != importer1 {
		t.Fatalf("import made commit %+v", cm)
	}
	after := exportFiles(t, testExport(t, headCatalog(t, s)))
	for _, n := range names {
		if !bytes.Equal(before[n], after[n]) {
			t.Errorf("%s differs after the round trip:\n%s", n, firstDiff(before[n], after[n]))
		}
	}
	again, cm2 := importFiles(t, s, DefaultMapping(), inputs(before, names...)...)
	if len(again.Writes) != 0 || cm2.Revision != "" || again.Count(Unchanged) != len(again.Items) {
		t.Errorf("re-import: %d writes (%v), commit %q", len(again.Writes), keys(again.Writes), cm2.Revision)
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func firstDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return "line " + la[i] + "\n  vs " + lb[i]
		}
	}
	return "lengths differ"
}

func TestRoundTripDemoJSON(t *testing.T) {
	roundTrip(t, demoCatalog(t), "structures.json", "services.json")
}

func TestRoundTripDemoCSV(t *testing.T) {
	roundTrip(t, demoCatalog(t), "structures.csv", "services.csv")
}

func TestRoundTripCorpusJSON(t *testing.T) {
	roundTrip(t, corpusCatalog(t), "structures.json", "services.json")
}

// TestImportOwnExportChangesNothing imports the demo's export into the demo
// itself: every row is unchanged (addresses inherited from structures,
// documents to bring, types and Markdown bodies included).
func TestImportOwnExportChangesNothing(t *testing.T) {
	seed := fstest.MapFS{}
	for _, f := range readTree(t, demoFS()) {
		seed[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	s := newStore(t, seed)
	files := exportFiles(t, testExport(t, headCatalog(t, s)))
	for _, pair := range [][]string{{"structures.json", "services.json"}, {"structures.csv", "services.csv"}} {
		plan, cm := importFiles(t, s, DefaultMapping(), inputs(files, pair...)...)
		if len(plan.Writes) != 0 || cm.Revision != "" || len(plan.Invalid) != 0 {
			for _, it := range plan.Items {
				if it.Action != Unchanged {
					t.Errorf("%s: %s %v", it.Path, it.Action, it.Fields)
				}
			}
			t.Errorf("%v: %d writes, %d invalid: %v", pair, len(plan.Writes), len(plan.Invalid), plan.Invalid)
		}
		if plan.Count(Unchanged) < 40 {
			t.Errorf("%v: only %d rows unchanged", pair, plan.Count(Unchanged))
		}
	}
}
