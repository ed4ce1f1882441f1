package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestImportCommand imports a partner's spreadsheet into the demo: a dry
// run that writes nothing, the real run (one commit credited to the
// importer), then the same file again (nothing to commit).
func TestImportCommand(t *testing.T) {
	git := requireGit(t)
	data := t.TempDir()
	csv := filepath.Join(t.TempDir(), "partenaire.csv")
	rows := "Nom;Structure;Thématiques;Code postal;Téléphone\n" +
		"Jardin partagé de Cluny;CCAS de Cluny;Alimentation;71250;03 85 00 00 01\n" +
		"Mauvaise ligne;CCAS de Cluny;alimentaton;7125;\n"
	if err := os.WriteFile(csv, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	log := func() string {
		out, err := exec.Command(git, "--git-dir", filepath.Join(data, "content.git"), "log", "--format=%an <%ae> %s").Output()
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}

	r := runCmd(t, nil, "import", "--data", data, "--dry-run", csv)
	if r.code != 1 || !strings.Contains(r.stdout, "create  services/jardin-partage-de-cluny (partenaire.csv, ligne 2)") ||
		!strings.Contains(r.stdout, "invalid partenaire.csv, ligne 3 (Mauvaise ligne)") || !strings.Contains(r.stdout, "vouliez-vous dire") ||
		!strings.Contains(r.stdout, "1 to create, 0 to change, 0 unchanged, 1 invalid (dry run") {
		t.Fatalf("dry run: status %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if n := strings.Count(log(), "\n"); n != 1 {
		t.Fatalf("the dry run committed:\n%s", log())
	}
	if r := runCmd(t, nil, "import", "--data", data, csv); r.code != 2 || !strings.Contains(r.stderr, "--author-email is required") {
		t.Errorf("without author: status %d %s", r.code, r.stderr)
	}
	r = runCmd(t, nil, "import", "--data", data, "--author-email", "coord@example.org", csv)
	if r.code != 2 || !strings.Contains(r.stderr, "no account coord@example.org") {
		t.Fatalf("import credited to nobody: status %d\n%s", r.code, r.stderr)
	}
	if _, errOut, err := runUser(t, "un mot de passe solide\n", "add", "--data", data, "--email", "agent@example.org", "--name", "Agent", "--role", "agent"); err != nil {
		t.Fatal(err, errOut)
	}
	if r := runCmd(t, nil, "import", "--data", data, "--author-email", "agent@example.org", csv); r.code != 2 || !strings.Contains(r.stderr, "not an active administrator") {
		t.Fatalf("import by an agent: status %d\n%s", r.code, r.stderr)
	}
	if _, errOut, err := runUser(t, "un mot de passe solide\n", "add", "--data", data, "--email", "coord@example.org", "--name", "Coordination", "--role", "admin"); err != nil {
		t.Fatal(err, errOut)
	}
	r = runCmd(t, nil, "import", "--data", data, "--author-email", "coord@example.org", csv)
	if r.code != 1 || !strings.Contains(r.stdout, "committed ") {
		t.Fatalf("import: status %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if l := log(); !strings.HasPrefix(l, "Coordination <coord@example.org> Import de partenaire.csv : 1 créé(s), 0 modifié(s)") {
		t.Errorf("history:\n%s", l)
	}
	r = runCmd(t, nil, "import", "--data", data, "--author-email", "coord@example.org", csv)
	if !strings.Contains(r.stdout, "nothing to commit") || strings.Count(log(), "\n") != 2 {
		t.Errorf("re-import: %s\n%s", r.stdout, log())
	}
}

// TestImportAndExportWhileServing runs import and export on the data folder
// of a running server: they do not wait for its locks, and the server
// serves the imported page soon after.
func TestImportAndExportWhileServing(t *testing.T) {
	requireGit(t)
	data := t.TempDir()
	if _, errOut, err := runUser(t, "un mot de passe solide\n", "add", "--data", data, "--email", "coord@example.org", "--name", "Coordination", "--role", "admin"); err != nil {
		t.Fatal(err, errOut)
	}
	srv := startServe(t, nil, "--data", data)
	csv := filepath.Join(t.TempDir(), "partenaire.csv")
	if err := os.WriteFile(csv, []byte("Nom;Structure;Thématiques;Code postal\nJardin partagé de Cluny;CCAS de Cluny;Alimentation;71250\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if r := runCmd(t, nil, "import", "--data", data, "--author-email", "coord@example.org", csv); r.code != 0 || !strings.Contains(r.stdout, "committed ") {
		t.Fatalf("import beside the server: status %d (%v)\n%s\n%s", r.code, r.err, r.stdout, r.stderr)
	}
	if r := runCmd(t, nil, "export", "--data", data, "--format", "csv", t.TempDir()); r.code != 0 {
		t.Fatalf("export beside the server: status %d (%v)\n%s", r.code, r.err, r.stderr)
	}
	t.Logf("import and export beside a running server took %s", time.Since(start))
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if code, _ := srv.get("/services/jardin-partage-de-cluny"); code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the server does not serve the imported page")
		}
	}
}
