package datainclusion

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/content/demo"
)

// genPy is the corpus generator of the shared folder.
var genPy = filepath.Join("..", "..", "shared", "corpus", "gen.py")

var genMu sync.Mutex

// corpusServices is the size of the test corpus: 10,000 services, or 1,000
// under the race detector (ten times slower), which is how CI runs.
func corpusServices() int {
	if raceDetector {
		return 1000
	}
	return 10000
}

// corpusDir returns the gen.py corpus of corpusServices services,
// generated once under os.TempDir()/aiguillage-bench with the name, seed
// and arguments the search package's tests use, so either package may
// create it for the other. Skipped in -short.
func corpusDir(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping the 10,000-service corpus")
	}
	if _, err := os.Stat(genPy); err != nil {
		t.Skipf("corpus generator missing (%v)", err)
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 missing: cannot generate the corpus")
	}
	genMu.Lock()
	defer genMu.Unlock()
	base := filepath.Join(os.TempDir(), "aiguillage-bench")
	key := fmt.Sprintf("c%d-s1", corpusServices())
	dir, truth := filepath.Join(base, key), filepath.Join(base, key+".truth.jsonl")
	if _, err := os.Stat(filepath.Join(dir, ".complete")); err == nil {
		return dir
	}
	if err := os.MkdirAll(base, 0o755); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(dir)
	cmd := exec.Command("python3", genPy, "--out", dir, "--services", fmt.Sprint(corpusServices()), "--seed", "1", "--truth", truth)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gen.py: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(dir, ".complete"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// readTree reads a folder of content as repository files.
func readTree(t testing.TB, fsys fs.FS) []content.File {
	t.Helper()
	var files []content.File
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			if d != nil && d.IsDir() && d.Name() == ".git" {
				return fs.SkipDir
			}
			return err
		}
		if p == ".complete" {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		files = append(files, content.File{Name: p, Data: data})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func refs(t testing.TB) *content.Referentials {
	t.Helper()
	r, err := content.LoadReferentials()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func demoCatalog(t testing.TB) *content.Catalog {
	t.Helper()
	return content.NewCatalog("demo", readTree(t, demo.FS()), refs(t))
}

func corpusCatalog(t testing.TB) *content.Catalog {
	t.Helper()
	return content.NewCatalog("corpus", readTree(t, os.DirFS(corpusDir(t))), refs(t))
}

var testConfig = Config{Source: "test", BaseURL: "https://annuaire.example.org/", DefaultDate: content.Date{Year: 2026, Month: 1, Day: 2}}

func testExport(t testing.TB, cat *content.Catalog) *Export {
	t.Helper()
	e, err := NewExporter()
	if err != nil {
		t.Fatal(err)
	}
	x, err := e.Export(cat, testConfig)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// officialSchema compiles one of the official schemas from the shared
// specification folder when it is there (else the embedded copy, which
// TestEmbeddedSchemasAreOfficial compares with it), with formats asserted.
func officialSchema(t testing.TB, name string) *jsonschema.Schema {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "shared", "spec", "data-inclusion", name+".json"))
	if err != nil {
		data, err = Schemas.ReadFile("schema/" + name + ".json")
		if err != nil {
			t.Fatal(err)
		}
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(name+".json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// validateJSONArray validates every element of a JSON array against sch.
func validateJSONArray(t testing.TB, sch *jsonschema.Schema, data []byte) int {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	arr, ok := v.([]any)
	if !ok {
		t.Fatalf("export is a %T, not an array", v)
	}
	bad := 0
	for i, rec := range arr {
		if err := sch.Validate(rec); err != nil {
			bad++
			if bad <= 5 {
				t.Errorf("record %d (%v) is refused by the schema: %v", i, rec.(map[string]any)["id"], err)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d records refused", bad, len(arr))
	}
	return len(arr)
}

func fmtOmissions(o []Omission) string {
	var b strings.Builder
	for _, x := range o {
		fmt.Fprintln(&b, x)
	}
	return b.String()
}

func demoFS() fs.FS { return demo.FS() }
