package server_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/accounts"
)

// uploadRequest builds the import form's multipart request, with a CSRF
// field unless token is empty.
func uploadRequest(token, name string, data []byte) *http.Request {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if token != "" {
		mw.WriteField("_csrf", token)
	}
	fw, _ := mw.CreateFormFile("fichier", name)
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/admin/import", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

var (
	importIDInput = regexp.MustCompile(`name="import" value="([0-9a-f]+)"`)
	digestInput   = regexp.MustCompile(`name="digest" value="([0-9a-f]+)"`)
)

const partnerCSV = "Nom;Structure;Thématiques;Code postal;Téléphone\n" +
	"Jardin partagé;CCAS de Cluny;Alimentation;71250;03 85 00 00 01\n" +
	"Mauvaise ligne;CCAS de Cluny;alimentaton;7125;\n" +
	"Piège;CCAS de Cluny;Alimentation;71250;=HYPERLINK(\"http://evil.example\")\n"

func TestAdminImport(t *testing.T) {
	f := newFixture(t, options{accounts: true, noSearch: true})
	admin := f.newUser("coord@example.org", accounts.RoleAdmin)
	cl := f.as(admin, "/admin/import")
	page := cl.get("/admin/import")
	wantStatus(t, "import form", page, http.StatusOK)
	contains(t, "import form", page.body, `enctype="multipart/form-data"`, `<label for="fichier">`,
		`<a href="/admin/import" aria-current="page">Import</a>`)

	r := cl.send(uploadRequest(cl.csrf, "partenaire.csv", []byte(partnerCSV)), nil)
	wantStatus(t, "preview", r, http.StatusOK)
	contains(t, "preview", r.body, "partenaire.csv : 1 fiche(s) à créer, 0 à modifier, 0 inchangée(s), 2 ligne(s) invalide(s).",
		"services/jardin-partage", "vouliez-vous dire", "formule de tableur refusée", "« 7125 » n&#39;est pas un code postal")
	id, digest := importIDInput.FindStringSubmatch(r.body), digestInput.FindStringSubmatch(r.body)
	if id == nil || digest == nil {
		t.Fatalf("no confirmation form:\n%s", r.body)
	}
	head, _ := f.store.Head(context.Background())
	if _, err := f.store.ReadFile(context.Background(), head, "services/jardin-partage.md"); err == nil {
		t.Fatal("the preview wrote the page")
	}

	// The directory moves: the confirmation shows the new plan instead.
	f.commit("autre modification", map[string]string{"pages/autre.md": "---\ntitre: Autre\n---\nTexte.\n"})
	f.refresh()
	r = cl.post("/admin/import/confirmer", url.Values{"import": {id[1]}, "digest": {digest[1]}})
	wantStatus(t, "stale confirmation", r, http.StatusConflict)
	contains(t, "stale confirmation", r.body, "L&#39;annuaire a changé depuis la prévisualisation")
	newDigest := digestInput.FindStringSubmatch(r.body)
	if newDigest == nil || newDigest[1] == digest[1] {
		t.Fatalf("no new plan to confirm")
	}
	r = cl.post("/admin/import/confirmer", url.Values{"import": {id[1]}, "digest": {newDigest[1]}})
	wantStatus(t, "confirmation", r, http.StatusOK)
	contains(t, "confirmation", r.body, "Import enregistré")
	log, err := f.store.Log(context.Background(), 1)
	if err != nil || len(log) != 1 || log[0].Author.Email != "coord@example.org" || !strings.Contains(log[0].Message, "partenaire.csv") ||
		len(log[0].Files) != 1 || log[0].Files[0] != "services/jardin-partage.md" {
		t.Errorf("last commit: %+v %v", log, err)
	}
	wantStatus(t, "imported page", f.get("/services/jardin-partage"), http.StatusOK)
	r = cl.post("/admin/import/confirmer", url.Values{"import": {id[1]}, "digest": {newDigest[1]}})
	wantStatus(t, "second confirmation", r, http.StatusGone)

	// The same file again: nothing to confirm.
	r = cl.send(uploadRequest(cl.csrf, "partenaire.csv", []byte(partnerCSV)), nil)
	contains(t, "re-import", r.body, "0 fiche(s) à créer, 0 à modifier, 1 inchangée(s)", "Rien à importer")
	if importIDInput.MatchString(r.body) {
		t.Error("a confirmation is offered for an import that changes nothing")
	}
	// A file that is not a table.
	r = cl.send(uploadRequest(cl.csrf, "image.png", []byte("\x89PNG")), nil)
	wantStatus(t, "unreadable file", r, http.StatusUnprocessableEntity)
	contains(t, "unreadable file", r.body, "Le fichier ne peut pas être lu", `aria-invalid="true"`)

	// Only administrators.
	agent := f.as(f.newUser("agent@example.org", accounts.RoleAgent))
	wantStatus(t, "agent", agent.get("/admin/import"), http.StatusForbidden)
	if r := f.get("/admin/import"); r.status != http.StatusSeeOther {
		t.Errorf("anonymous: %d", r.status)
	}
}
