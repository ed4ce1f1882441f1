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

// defaultDepartementsCapacity is about how many services gen.py's default
// five départements hold: asked for more, it silently stops there (20,733
// services when asked for 100,000).
const defaultDepartementsCapacity = 20000

// allDepartements are the 96 metropolitan départements, Saône-et-Loire
// first (the relevance queries' communes are in the first five), as
// BENCHMARKS.md generates its 100,000-service corpus.
const allDepartements = "71,35,74,51,92,01,02,03,04,05,06,07,08,09,10,11,12,13,14,15,16,17,18,19,21,22,23,24,25,26,27,28,29,2A,2B," +
	"30,31,32,33,34,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70," +
	"72,73,75,76,77,78,79,80,81,82,83,84,85,86,87,88,89,90,91,93,94,95"

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
	args := []string{genPy, "--out", dir, "--services", strconv.Itoa(services),
		"--seed", strconv.Itoa(seed), "--truth", truth}
	if services > defaultDepartementsCapacity {
		args = append(args, "--departements", allDepartements)
	}
	cmd := exec.Command("python3", args...)
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
