package main

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/content/demo"
)

// demoPaths lists the URL path of every page of the embedded demo.
func demoPaths(t testing.TB) []string {
	t.Helper()
	var paths []string
	for _, kind := range content.Kinds {
		entries, err := fs.ReadDir(demo.FS(), string(kind))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if slug, ok := strings.CutSuffix(e.Name(), ".md"); ok {
				paths = append(paths, "/"+string(kind)+"/"+slug)
			}
		}
	}
	if len(paths) < 10 {
		t.Fatalf("only %d demo pages", len(paths))
	}
	return paths
}

// gitLog returns the subjects of the commits of a repository's main
// branch, with the git CLI when installed, else with go-git.
func gitLog(t testing.TB, repo string) []string {
	t.Helper()
	if _, err := exec.LookPath("git"); err == nil {
		out := gitRun(t, repo, "log", "--format=%s", "main")
		return strings.Split(strings.TrimSpace(out), "\n")
	}
	r, err := git.PlainOpen(repo)
	if err != nil {
		t.Fatalf("%s is not a git repository: %v", repo, err)
	}
	ref, err := r.Reference("refs/heads/main", true)
	if err != nil {
		t.Fatal(err)
	}
	iter, err := r.Log(&git.LogOptions{From: ref.Hash()})
	if err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for {
		c, err := iter.Next()
		if err != nil {
			break
		}
		subjects = append(subjects, strings.SplitN(c.Message, "\n", 2)[0])
	}
	return subjects
}

// TestServeDemo is the first start of a new instance with no flag but the
// data folder: the demo repository is created, every page is served, a
// second start reuses the repository, and cancelling (SIGINT) ends run with
// nil.
func TestServeDemo(t *testing.T) {
	data := t.TempDir()
	in := startServe(t, nil, "--data", data)
	repo := filepath.Join(data, "content.git")
	log := gitLog(t, repo)
	if len(log) != 1 {
		t.Fatalf("demo repository: %d commits, want 1: %q", len(log), log)
	}
	first := in.health()
	if first.Status != "ok" || first.Services < 10 {
		t.Fatalf("/healthz = %+v", first)
	}
	if !strings.HasPrefix(in.url, "http://127.0.0.1:") || strings.HasSuffix(in.url, ":0") {
		t.Errorf("printed URL %q, want http://127.0.0.1:<port>", in.url)
	}

	for _, p := range append(demoPaths(t), "/", "/structures", "/pages", "/problemes", "/modifications", "/recherche?q=aide") {
		body := in.mustGet(p, http.StatusOK)
		if !hasTitle(body) {
			t.Errorf("GET %s: no <h1> with text", p)
		}
	}
	in.mustGet("/services/nexiste-pas", http.StatusNotFound)
	in.mustGet("/services/..%2f..%2fetc%2fpasswd", http.StatusNotFound)
	if err := in.stop(); err != nil {
		t.Fatalf("run after cancel: %v, want nil", err)
	}

	// Second start: same repository, same commit, nothing re-created.
	again := startServe(t, nil, "--data", data)
	if h := again.health(); h.Revision != first.Revision {
		t.Errorf("second start serves %s, first served %s", h.Revision, first.Revision)
	}
	if log := gitLog(t, repo); len(log) != 1 {
		t.Errorf("after a second start: %d commits, want 1", len(log))
	}
	if strings.Contains(again.stderr.String(), "created repository") {
		t.Errorf("second start created the repository again:\n%s", again.stderr)
	}
	if err := again.stop(); err != nil {
		t.Fatalf("second run after cancel: %v", err)
	}
}

// TestServeContentRepository serves an existing repository with --content:
// it is served as is (no demo), and --data holds only derived state.
func TestServeContentRepository(t *testing.T) {
	requireGit(t)
	repo := t.TempDir()
	writeFiles(t, repo, map[string]string{
		"structures/ccas-test.md": "---\nnom: CCAS de Test\ncommune: Cluny\ncode_insee: \"71137\"\n---\nUne structure.\n",
		"services/aide-test.md":   "---\nnom: Aide alimentaire de test\nstructure: ccas-test\nthematiques: [equipement-et-alimentation--alimentation]\n---\nColis alimentaires.\n",
	})
	gitRun(t, repo, "init", "-q", "-b", "main")
	gitRun(t, repo, "add", ".")
	gitRun(t, repo, "commit", "-q", "-m", "contenu")
	data := t.TempDir()

	in := startServe(t, nil, "--data", data, "--content", repo)
	if h := in.health(); h.Services != 1 {
		t.Errorf("/healthz services = %d, want 1", h.Services)
	}
	body := in.mustGet("/services/aide-test", http.StatusOK)
	if !strings.Contains(body, "Aide alimentaire de test") {
		t.Errorf("service page lacks its name:\n%.1000s", body)
	}
	in.mustGet("/services/accompagnement-social-mds-cluny", http.StatusNotFound) // a demo page
	in.waitIndexed()
	if hits := apiSearch(t, in, "colis"); len(hits) != 1 || hits[0] != "services/aide-test" {
		t.Errorf("search colis: %q", hits)
	}
	if err := in.stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(data, "content.git")); !os.IsNotExist(err) {
		t.Errorf("--content made a demo repository in --data (stat: %v)", err)
	}
	if out := gitRun(t, repo, "status", "--porcelain"); out != "" {
		t.Errorf("serving changed the repository's work tree:\n%s", out)
	}
}

// apiSearch returns the paths the search API finds for q.
func apiSearch(t testing.TB, in *instance, q string) []string {
	t.Helper()
	body := in.mustGet("/api/v1/search?q="+url.QueryEscape(q), http.StatusOK)
	var res struct {
		Hits []struct {
			Path string `json:"path"`
		} `json:"hits"`
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatalf("search %q: %v: %.500s", q, err, body)
	}
	var paths []string
	for _, h := range res.Hits {
		paths = append(paths, h.Path)
	}
	return paths
}

// TestServeEnvironment checks that AIGUILLAGE_* variables configure the
// server and that a flag wins over its variable.
func TestServeEnvironment(t *testing.T) {
	t.Run("variables alone", func(t *testing.T) {
		data := t.TempDir()
		in := startServe(t, env{"AIGUILLAGE_DATA": data, "AIGUILLAGE_ADDR": "127.0.0.1:0"})
		assertRepo(t, data, true)
		if strings.HasSuffix(in.url, ":8080") {
			t.Errorf("AIGUILLAGE_ADDR ignored: %s", in.url)
		}
	})
	t.Run("flags win", func(t *testing.T) {
		fromEnv, fromFlag := t.TempDir(), t.TempDir()
		startServe(t, env{"AIGUILLAGE_DATA": fromEnv, "AIGUILLAGE_ADDR": "256.0.0.1:99999", "AIGUILLAGE_POLL": "1s"},
			"--data", fromFlag, "--addr", "127.0.0.1:0", "--poll", "-1s")
		assertRepo(t, fromFlag, true)
		assertRepo(t, fromEnv, false)
	})
	t.Run("content from the environment", func(t *testing.T) {
		// A first instance makes a demo repository; a second one serves it
		// as an existing repository named by AIGUILLAGE_CONTENT.
		first := t.TempDir()
		in := startServe(t, nil, "--data", first)
		want := in.health().Revision
		if err := in.stop(); err != nil {
			t.Fatal(err)
		}
		data := t.TempDir()
		in = startServe(t, env{"AIGUILLAGE_CONTENT": filepath.Join(first, "content.git"), "AIGUILLAGE_DATA": data})
		if got := in.health().Revision; got != want {
			t.Errorf("serving %s, want the demo repository's %s", got, want)
		}
		assertRepo(t, data, false)
	})
}

func assertRepo(t *testing.T, data string, want bool) {
	t.Helper()
	_, err := os.Stat(filepath.Join(data, "content.git", "HEAD"))
	if got := err == nil; got != want {
		t.Errorf("%s/content.git exists: %v, want %v", data, got, want)
	}
}

// TestServeRepositoryTheme checks that config.yaml's theme is used when no
// --theme is given, and that --theme wins over it.
func TestServeRepositoryTheme(t *testing.T) {
	requireGit(t)
	repo := t.TempDir()
	writeFiles(t, repo, map[string]string{
		".aiguillage/config.yaml": "nom: Test\ntheme: contraste\n",
		"pages/accueil.md":        "---\ntitre: Accueil\n---\nBienvenue.\n",
	})
	gitRun(t, repo, "init", "-q", "-b", "main")
	gitRun(t, repo, "add", ".")
	gitRun(t, repo, "commit", "-q", "-m", "contenu")

	contrast := themeCSS(t, startServe(t, nil, "--data", t.TempDir(), "--content", repo))
	def := themeCSS(t, startServe(t, nil, "--data", t.TempDir(), "--content", repo, "--theme", "default"))
	if contrast == def {
		t.Errorf("config.yaml's theme: contraste not applied (same style sheets as with --theme default)")
	}
}

// themeCSS returns the style sheet links of the home page.
func themeCSS(t *testing.T, in *instance) string {
	t.Helper()
	body := in.mustGet("/", http.StatusOK)
	var links []string
	for _, m := range stylesheet.FindAllStringSubmatch(body, -1) {
		links = append(links, in.mustGet(m[1], http.StatusOK))
	}
	if len(links) == 0 {
		t.Fatalf("no style sheet on the home page:\n%.1000s", body)
	}
	return strings.Join(links, "\n")
}

var stylesheet = regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)"`)
