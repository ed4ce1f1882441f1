package main

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/content/demo"
)

// broken is a file the checker must reject, with what it must say.
type broken struct {
	file, data string
	code       string // content.Problem.Code
	field      string // "" when the problem is the whole file
	line       bool   // whether the problem must name a line
	inGit      bool   // whether the problem is seen in a commit too
}

// brokenFiles are the invalid files added to the demo content.
func brokenFiles() []broken {
	const svc = "---\nnom: %s\nstructure: ccas-cluny\nthematiques: [sante--acces-aux-soins]\n---\nCorps.\n"
	big := "---\nnom: Service au texte immense\nstructure: ccas-cluny\nthematiques: [sante--acces-aux-soins]\n---\n" +
		strings.Repeat("Un texte trop long.\n", 5<<20/20) // 5 MiB
	return []broken{
		{"services/yaml-casse.md", "---\nnom: \"Guillemet jamais fermé\nstructure: ccas-cluny\nthematiques: [sante--acces-aux-soins\n---\nCorps.\n",
			content.CodeYAML, "", true, true},
		{"services/thematique-inconnue.md", "---\nnom: Thématique inventée\nstructure: ccas-cluny\nthematiques:\n  - sante--acces-aux-soins\n  - thematique-inventee\n---\nCorps.\n",
			content.CodeUnknownValue, "thematiques", true, true},
		{"services/sans-nom.md", "---\nstructure: ccas-cluny\nthematiques: [sante--acces-aux-soins]\n---\nUn service sans nom.\n",
			content.CodeRequired, "nom", false, true},
		{"services/a..b.md", strings.Replace(svc, "%s", "Deux points", 1), content.CodePath, "", false, true},
		{"services/sous-dossier/x.md", strings.Replace(svc, "%s", "Sous-dossier", 1), content.CodePath, "", false, true},
		{"services/Majuscules.md", strings.Replace(svc, "%s", "Majuscules", 1), content.CodePath, "", false, true},
		{"services/enorme.md", big, content.CodeTooLarge, "", false, true},
		// A symbolic link out of the work tree: git stores the link, which
		// is reported, never followed.
		{"services/lien.md", "", content.CodeSymlink, "", false, true},
	}
}

// brokenTree writes the demo content and the broken files into a new
// folder.
func brokenTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	copyDemo(t, dir)
	outside := filepath.Join(t.TempDir(), "dehors.md")
	writeFiles(t, filepath.Dir(outside), map[string]string{"dehors.md": strings.Replace(brokenFiles()[3].data, "Deux points", "Hors du dépôt", 1)})
	for _, b := range brokenFiles() {
		if b.code == content.CodeSymlink {
			if err := os.Symlink(outside, filepath.Join(dir, b.file)); err != nil {
				t.Fatal(err)
			}
			continue
		}
		writeFiles(t, dir, map[string]string{b.file: b.data})
	}
	return dir
}

func copyDemo(t *testing.T, dir string) {
	t.Helper()
	err := fs.WalkDir(demo.FS(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(demo.FS(), name)
		if err != nil {
			return err
		}
		writeFiles(t, dir, map[string]string{name: string(data)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// checkJSON is the output of check --format json.
type checkJSON struct {
	Files    int               `json:"files"`
	Errors   int               `json:"errors"`
	Warnings int               `json:"warnings"`
	Problems []content.Problem `json:"problems"`
}

func checkAsJSON(t *testing.T, wantCode int, args ...string) checkJSON {
	t.Helper()
	r := runCmd(t, nil, append([]string{"check", "--format", "json"}, args...)...)
	if r.code != wantCode {
		t.Fatalf("check %q: status %d (%v), want %d\n%s%s", args, r.code, r.err, wantCode, r.stdout, r.stderr)
	}
	var out checkJSON
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("check --format json: %v\n%s", err, r.stdout)
	}
	return out
}

// assertBroken checks that problems hold exactly the errors of the broken
// files (seen in git only when inGit).
func assertBroken(t *testing.T, problems []content.Problem, git bool) {
	t.Helper()
	var errs []string
	for _, p := range problems {
		if !p.Warning {
			errs = append(errs, p.File)
		}
	}
	for _, b := range brokenFiles() {
		if git && !b.inGit {
			continue
		}
		i := slices.IndexFunc(problems, func(p content.Problem) bool { return p.File == b.file && !p.Warning })
		if i < 0 {
			t.Errorf("%s: no error reported (errors in %q)", b.file, errs)
			continue
		}
		p := problems[i]
		if p.Code != b.code || p.Field != b.field || (p.Line > 0) != b.line {
			t.Errorf("%s: got code %q field %q line %d; want code %q field %q line given: %v",
				b.file, p.Code, p.Field, p.Line, b.code, b.field, b.line)
		}
		errs = slices.DeleteFunc(errs, func(f string) bool { return f == b.file })
	}
	if len(errs) > 0 {
		t.Errorf("errors in files that are valid: %q", errs)
	}
}

// TestCheckWorkTree feeds check a work tree with broken files: exit 1, and
// each is named with its field (and line when known), in text and JSON.
func TestCheckWorkTree(t *testing.T) {
	dir := brokenTree(t)
	r := runCmd(t, nil, "check", dir)
	if r.code != 1 {
		t.Fatalf("check: status %d (%v), want 1\n%s%s", r.code, r.err, r.stdout, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	for _, b := range brokenFiles() {
		i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, b.file+":") })
		if i < 0 {
			t.Errorf("text output does not name %s:\n%s", b.file, r.stdout)
			continue
		}
		if !strings.Contains(lines[i], b.field) || !strings.HasSuffix(lines[i], "[erreur]") {
			t.Errorf("line for %s lacks field %q or [erreur]: %s", b.file, b.field, lines[i])
		}
	}
	if got := lines[len(lines)-1]; !strings.Contains(got, "8 erreur(s)") {
		t.Errorf("summary %q, want 8 errors", got)
	}
	if !strings.Contains(r.stdout, "services/thematique-inconnue.md:6: thematiques") {
		t.Errorf("unknown thematique not located at line 6:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "fichier trop volumineux : 5,0 Mo") {
		t.Errorf("the 5 MB file's size is not reported:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "nom: nom") {
		t.Errorf("field written twice:\n%s", r.stdout)
	}

	out := checkAsJSON(t, 1, dir)
	assertBroken(t, out.Problems, false)
	if out.Errors != len(brokenFiles()) || out.Files < 60 {
		t.Errorf("json: %d errors in %d files", out.Errors, out.Files)
	}
}

// TestCheckGitRepository checks a bare repository holding the broken
// files (at its tip and at an older revision), then serves it: the valid
// pages answer 200, the broken ones 404 and are listed on /problemes.
func TestCheckGitRepository(t *testing.T) {
	requireGit(t)
	tree := brokenTree(t)
	gitRun(t, tree, "init", "-q", "-b", "main")
	gitRun(t, tree, "add", ".")
	gitRun(t, tree, "commit", "-q", "-m", "contenu cassé")
	writeFiles(t, tree, map[string]string{"services/sans-nom.md": "---\nnom: Enfin nommé\nstructure: ccas-cluny\nthematiques: [sante--acces-aux-soins]\n---\nCorps.\n"})
	gitRun(t, tree, "commit", "-q", "-am", "nom ajouté")
	bare := filepath.Join(t.TempDir(), "contenu.git")
	gitRun(t, tree, "clone", "-q", "--bare", tree, bare)

	out := checkAsJSON(t, 1, "--rev", "HEAD~1", bare)
	assertBroken(t, out.Problems, true)
	out = checkAsJSON(t, 1, bare)
	if slices.ContainsFunc(out.Problems, func(p content.Problem) bool { return p.File == "services/sans-nom.md" }) {
		t.Errorf("the tip still reports services/sans-nom.md: %+v", out.Problems)
	}
	if r := runCmd(t, nil, "check", "--rev", "nulle-part", bare); r.code != 2 || !strings.Contains(r.err.Error(), "nulle-part") {
		t.Errorf("unknown revision: status %d, err %v", r.code, r.err)
	}

	in := startServe(t, nil, "--data", t.TempDir(), "--content", bare)
	for _, p := range demoPaths(t) {
		in.mustGet(p, http.StatusOK)
	}
	in.mustGet("/services/sans-nom", http.StatusOK) // fixed at the tip
	problems := in.mustGet("/problemes", http.StatusOK)
	for _, b := range brokenFiles() {
		if !b.inGit || b.file == "services/sans-nom.md" {
			continue
		}
		if !strings.Contains(problems, b.file) {
			t.Errorf("/problemes does not list %s", b.file)
		}
		if p, ok := content.PathFromFile(b.file); ok {
			in.mustGet(p.URL(), http.StatusNotFound)
		}
		if code, _ := in.get("/" + strings.TrimSuffix(b.file, ".md")); code == http.StatusOK {
			t.Errorf("broken %s is served", b.file)
		}
	}
}

// TestCheckDemo checks the demo content, as shipped and as committed by a
// first start: no error, exit 0, whatever form the path takes.
func TestCheckDemo(t *testing.T) {
	tree := t.TempDir()
	copyDemo(t, tree)
	r := runCmd(t, nil, "check", tree)
	if r.code != 0 || !strings.Contains(r.stdout, " 0 erreur(s)") {
		t.Fatalf("check demo work tree: status %d (%v)\n%s%s", r.code, r.err, r.stdout, r.stderr)
	}
	if out := checkAsJSON(t, 0, tree); out.Errors != 0 || out.Files < 60 {
		t.Errorf("json: %+v", out)
	}
	// Flags after the path, and a path that looks like a flag after "--".
	if r := runCmd(t, nil, "check", tree, "--format", "json"); r.code != 0 || !strings.HasPrefix(r.stdout, "{") {
		t.Errorf("check PATH --format json: status %d (%v)\n%s%s", r.code, r.err, r.stdout, r.stderr)
	}
	dashed := filepath.Join(tree, "-contenu")
	copyDemo(t, dashed)
	t.Chdir(tree)
	if r := runCmd(t, nil, "check", "--format", "json", "--", "-contenu"); r.code != 0 || !strings.Contains(r.stdout, `"errors": 0`) {
		t.Errorf("check -- -contenu: status %d (%v)\n%s%s", r.code, r.err, r.stdout, r.stderr)
	}

	data := t.TempDir()
	if r := runCmd(t, nil, "reindex", "--data", data, "--log-level", "warn"); r.code != 0 {
		t.Fatalf("reindex (creates the demo repository): %v\n%s", r.err, r.stderr)
	}
	repo := filepath.Join(data, "content.git")
	if r := runCmd(t, nil, "check", repo); r.code != 0 {
		t.Errorf("check demo repository: status %d (%v)\n%s", r.code, r.err, r.stdout)
	}
	if r := runCmd(t, env{"AIGUILLAGE_CONTENT": repo}, "check"); r.code != 0 || !strings.Contains(r.stdout, "vérifié") {
		t.Errorf("check with AIGUILLAGE_CONTENT: status %d (%v)\n%s", r.code, r.err, r.stdout)
	}
}
