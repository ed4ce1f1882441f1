package edit_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/content/gitstore"
	"github.com/aiguillage/aiguillage/edit"
)

var (
	refsOnce sync.Once
	refs     *content.Referentials
	refsErr  error
)

func loadRefs(t testing.TB) *content.Referentials {
	t.Helper()
	refsOnce.Do(func() { refs, refsErr = content.LoadReferentials() })
	if refsErr != nil {
		t.Fatal(refsErr)
	}
	return refs
}

// clock is Tuesday 24 November 2026 at 23:30 UTC: already the 25th in
// Paris, so a date taken in UTC would be wrong.
var clock = time.Date(2026, 11, 24, 23, 30, 0, 0, time.UTC)

const today = "2026-11-25"

const serviceText = `---
# Fiche tenue par le CCAS
nom: "Épicerie sociale"
structure: ccas-cluny
thematiques: [equipement-et-alimentation--alimentation]
code_postal: "71250" # avec les guillemets
date_maj: 2026-10-02
pro:
  notes: "Ligne directe."
---
Première ligne.
Deuxième ligne.
Troisième ligne.
Quatrième ligne.
Cinquième ligne.
`

func seed() fstest.MapFS {
	f := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	return fstest.MapFS{
		".aiguillage/config.yaml":            f("nom: Annuaire\n"),
		"structures/ccas-cluny.md":           f("---\nnom: CCAS de Cluny\n---\nAccueil.\n"),
		"structures/mairie-macon.md":         f("---\nnom: Mairie de Mâcon\n---\nAccueil.\n"),
		"services/epicerie-sociale-cluny.md": f(serviceText),
		"services/aide-macon.md":             f("---\nnom: Aide à Mâcon\nstructure: mairie-macon\nthematiques: [famille--garde-denfants]\n---\nTexte.\n"),
		"pages/aide-alimentaire.md":          f("---\ntitre: Aide alimentaire\n---\nGuide.\n"),
	}
}

type fixture struct {
	store *gitstore.Store
	ed    *edit.Editor
	dir   string
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo.git")
	st, err := gitstore.Open(context.Background(), gitstore.Config{Dir: dir, Seed: seed(), StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ed, err := edit.New(edit.Config{Store: st, Refs: loadRefs(t), Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{store: st, ed: ed, dir: dir}
}

var (
	admin  = edit.Actor{Name: "Admin Réseau", Email: "admin@example.org", Admin: true}
	cluny  = edit.Actor{Name: "Éditrice Cluny", Email: "cluny@example.org", Structures: []string{"ccas-cluny"}}
	macon  = edit.Actor{Name: "Éditeur Mâcon", Email: "macon@example.org", Structures: []string{"mairie-macon"}}
	nobody = edit.Actor{}
)

func (f *fixture) head(t testing.TB) content.Revision {
	t.Helper()
	h, err := f.store.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (f *fixture) file(t testing.TB, name string) string {
	t.Helper()
	file, err := f.store.ReadFile(context.Background(), f.head(t), name)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return string(file.Data)
}

// fsck runs git fsck --strict on the repository when git is installed.
func fsck(t testing.TB, dir string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Log("git not installed: fsck skipped")
		return
	}
	cmd := exec.Command("git", "-C", dir, "fsck", "--strict")
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+os.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git fsck --strict: %v\n%s", err, out)
	} else if strings.Contains(string(out), "error") {
		t.Fatalf("git fsck --strict:\n%s", out)
	}
}
