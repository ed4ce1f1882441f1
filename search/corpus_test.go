package search

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aiguillage/aiguillage/content"
)

// genPy is the corpus generator of the shared folder.
var genPy = filepath.Join("..", "..", "shared", "corpus", "gen.py")

var genMu sync.Mutex

// genCorpus returns the folder of a gen.py corpus and its truth file,
// generated once and cached under os.TempDir()/aiguillage-bench.
func genCorpus(t testing.TB, services, seed int) (dir, truth string) {
	t.Helper()
	if _, err := os.Stat(genPy); err != nil {
		t.Skipf("corpus generator missing (%v)", err)
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skipf("python3 missing: cannot generate the corpus")
	}
	genMu.Lock()
	defer genMu.Unlock()
	base := filepath.Join(os.TempDir(), "aiguillage-bench")
	key := fmt.Sprintf("c%d-s%d", services, seed)
	dir, truth = filepath.Join(base, key), filepath.Join(base, key+".truth.jsonl")
	if _, err := os.Stat(filepath.Join(dir, ".complete")); err == nil {
		return dir, truth
	}
	if err := os.MkdirAll(base, 0o755); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(dir)
	cmd := exec.Command("python3", genPy, "--out", dir, "--services", strconv.Itoa(services),
		"--seed", strconv.Itoa(seed), "--truth", truth)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gen.py: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(dir, ".complete"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, truth
}

// truthRow is one line of gen.py's --truth file.
type truthRow struct {
	Path        string   `json:"path"`
	Thematiques []string `json:"thematiques"`
	CodeInsee   string   `json:"code_insee"`
	Lat         float64  `json:"lat"`
	Lon         float64  `json:"lon"`
	Zone        []string `json:"zone_eligibilite"`
	Statut      string   `json:"statut"`
}

func loadTruth(t testing.TB, name string) map[string]truthRow {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]truthRow{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r truthRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		out[r.Path] = r
	}
	return out
}

// readFiles reads a corpus folder as repository files.
func readFiles(t testing.TB, dir string) []content.File {
	t.Helper()
	var files []content.File
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(rel, ".git/") || rel == ".complete" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files = append(files, content.File{Name: rel, Data: data})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
