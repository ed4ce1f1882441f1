package server_test

import (
	"bufio"
	"context"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/accounts"
	"github.com/aiguillage/aiguillage/content"
)

const epicerieURL = "/services/epicerie-sociale-cluny"

var (
	inputRe    = regexp.MustCompile(`<input ([^>]*)>`)
	textareaRe = regexp.MustCompile(`(?s)<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>`)
	selectRe   = regexp.MustCompile(`(?s)<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>`)
	selectedRe = regexp.MustCompile(`<option value="([^"]*)" selected>`)
	attrRe     = regexp.MustCompile(`([a-z-]+)(?:="([^"]*)")?`)
)

// formValues reads the values a browser would post from the first form
// with method post of a page: text inputs, hidden inputs, checked boxes
// and radios, textareas.
func formValues(page string) url.Values {
	start := strings.Index(page, `<form method="post"`)
	if start < 0 {
		return url.Values{}
	}
	end := strings.Index(page[start:], "</form>")
	form := page[start : start+end]
	vals := url.Values{}
	for _, m := range inputRe.FindAllStringSubmatch(form, -1) {
		attrs := map[string]string{}
		for _, a := range attrRe.FindAllStringSubmatch(m[1], -1) {
			attrs[a[1]] = html.UnescapeString(a[2])
		}
		_, checked := attrs["checked"]
		if attrs["name"] == "" || (attrs["type"] == "checkbox" || attrs["type"] == "radio") && !checked {
			continue
		}
		vals.Add(attrs["name"], attrs["value"])
	}
	for _, m := range selectRe.FindAllStringSubmatch(form, -1) {
		sel := selectedRe.FindStringSubmatch(m[2])
		if sel == nil {
			sel = []string{"", ""}
		}
		vals.Add(m[1], html.UnescapeString(sel[1]))
	}
	for _, m := range textareaRe.FindAllStringSubmatch(form, -1) {
		vals.Add(m[1], strings.TrimPrefix(html.UnescapeString(m[2]), "\n"))
	}
	return vals
}

// editor signs a person in with a role and the structures they edit; the
// account's name is "Nom <first word of email>".
func (f *fixture) editor(email string, role accounts.Role, structures ...string) *client {
	f.t.Helper()
	return f.as(f.newUser(email, role, structures...))
}

// form GETs an edit page and returns its form's values.
func (cl *client) form(target string) url.Values {
	cl.f.t.Helper()
	r := cl.get(target)
	if r.status != http.StatusOK {
		cl.f.t.Fatalf("GET %s: %d\n%s", target, r.status, r.body)
	}
	lacks(cl.f.t, target+": a message key without text", r.body, "[edit.", "[page.", "[search.")
	return formValues(r.body)
}

func (f *fixture) file(name string) string {
	f.t.Helper()
	ctx := context.Background()
	head, err := f.store.Head(ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	file, err := f.store.ReadFile(ctx, head, name)
	if err != nil {
		f.t.Fatalf("read %s: %v", name, err)
	}
	return string(file.Data)
}

func (f *fixture) lastCommit(name string) content.Commit {
	f.t.Helper()
	h, err := f.store.History(context.Background(), name, 1)
	if err != nil || len(h) == 0 {
		f.t.Fatalf("history of %s: %v", name, err)
	}
	return h[0]
}

const annotated = `---
# Relu avec le CCAS.
nom: "Épicerie sociale et solidaire de Cluny"
structure: ccas-cluny
thematiques: [equipement-et-alimentation--alimentation]
horaires_accueil: "Tu,Th 14:00-17:30; PH off" # horaires d'hiver
champ_local: "à garder"
pro:
  notes: "Note interne"
  code_porte: "1234"
---
Produits à petit prix.
`

func TestEditFormRoundTripKeepsUnknownKeysAndComments(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true})
	f.commit("annotate", map[string]string{"services/epicerie-sociale-cluny.md": annotated})
	f.refresh()
	ed := f.editor("camille@example.org", accounts.RoleEditor, "ccas-cluny")
	vals := ed.form(epicerieURL + "/modifier")
	if vals.Get("nom") != "Épicerie sociale et solidaire de Cluny" || vals.Get("pro.notes") != "Note interne" || vals.Get("_base") == "" {
		t.Fatalf("form values: %v", vals)
	}
	vals.Set("telephone", "03 85 00 00 01")
	vals.Add("publics", "familles")
	// The blank row of temporary notices adds one.
	vals["infos_temporaires.du"][len(vals["infos_temporaires.du"])-1] = "2026-12-24"
	vals["infos_temporaires.type"][len(vals["infos_temporaires.type"])-1] = "message"
	vals["infos_temporaires.message"][len(vals["infos_temporaires.message"])-1] = "Fermé le 24 au soir"
	vals.Set("_summary", "Nouveau numéro")
	r := ed.post(epicerieURL+"/modifier", vals)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != epicerieURL {
		t.Fatalf("save: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	got := f.file("services/epicerie-sociale-cluny.md")
	contains(t, "saved file", got, "# Relu avec le CCAS.\n", `# horaires d'hiver`, `champ_local: "à garder"`, `code_porte: "1234"`,
		`telephone: "03 85 00 00 01"`, "publics: [familles]", "  - du: 2026-12-24\n    type: message\n    message: Fermé le 24 au soir\n", "date_maj: 2026-11-24", "\nProduits à petit prix.\n")
	cm := f.lastCommit("services/epicerie-sociale-cluny.md")
	if cm.Author.Name != "Nom camille" || cm.Message != "Nouveau numéro" {
		t.Errorf("commit by %q: %q", cm.Author.Name, cm.Message)
	}
	page := f.page(epicerieURL)
	lacks(t, "page after the notice", page, "Modification enregistrée")
}

func TestEditValidationErrorsAreTiedToFields(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true})
	ed := f.editor("camille@example.org", accounts.RoleEditor, "ccas-cluny")
	vals := ed.form(epicerieURL + "/modifier")
	vals.Set("courriel", "pas-une-adresse")
	vals.Del("thematiques")
	vals.Set("_body", "Mon texte <b>gardé</b>")
	r := ed.post(epicerieURL+"/modifier", vals)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d\n%s", r.status, r.body)
	}
	contains(t, "form with errors", r.body, `id="resume-erreurs"`, `href="#champ-courriel"`, `aria-describedby="champ-courriel-erreur"`,
		`id="champ-courriel-erreur"`, `value="pas-une-adresse"`, `aria-describedby="champ-thematiques-aide champ-thematiques-erreur"`, "Mon texte &lt;b&gt;gardé&lt;/b&gt;")
	if strings.Count(r.body, "<h1") != 1 {
		t.Errorf("want one h1")
	}
	if got := f.file("services/epicerie-sociale-cluny.md"); got != fixtureFile("services/epicerie-sociale-cluny.md") {
		t.Errorf("a refused form changed the file:\n%s", got)
	}
}

func TestEditMergesConcurrentChangesAndSaysWithWhom(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true})
	ed := f.editor("camille@example.org", accounts.RoleEditor, "ccas-cluny")
	vals := ed.form(epicerieURL + "/modifier")
	// Someone else changes another field meanwhile.
	other := strings.Replace(fixtureFile("services/epicerie-sociale-cluny.md"), `telephone: "03 85 99 00 11"`, `telephone: "03 85 99 00 22"`, 1)
	f.commit("autre numéro", map[string]string{"services/epicerie-sociale-cluny.md": other})
	vals.Set("frais_precisions", "Moitié prix.")
	r := ed.post(epicerieURL+"/modifier", vals)
	if r.status != http.StatusSeeOther {
		t.Fatalf("status %d\n%s", r.status, r.body)
	}
	got := f.file("services/epicerie-sociale-cluny.md")
	contains(t, "merged file", got, `"03 85 99 00 22"`, "Moitié prix.")
	var notice string
	for _, c := range r.header.Values("Set-Cookie") {
		if strings.HasPrefix(c, "aiguillage_notice=") {
			notice, _ = url.QueryUnescape(strings.TrimPrefix(strings.Split(c, ";")[0], "aiguillage_notice="))
		}
	}
	if notice != "Votre modification a été fusionnée avec celle de Camille Martin." {
		t.Errorf("notice %q", notice)
	}
	page := ed.get(epicerieURL) // the client keeps the notice cookie
	contains(t, "page with notice", page.body, "Votre modification a été fusionnée")
	if cc := page.header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("a page with a notice is cacheable: %q", cc)
	}
	lacks(t, "next anonymous view", f.page(epicerieURL), "fusionnée")
}

func TestEditConflictKeepsTheUsersText(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true})
	ed := f.editor("camille@example.org", accounts.RoleEditor, "ccas-cluny")
	vals := ed.form(epicerieURL + "/modifier")
	other := strings.Replace(fixtureFile("services/epicerie-sociale-cluny.md"), "Tu,Th 14:00-17:30", "Mo 09:00-12:00", 1)
	f.commit("horaires", map[string]string{"services/epicerie-sociale-cluny.md": other})
	vals.Set("horaires_accueil", "We 10:00-12:00; PH off")
	vals.Set("_body", "Mon texte à moi <script>alert(1)</script>")
	r := ed.post(epicerieURL+"/modifier", vals)
	if r.status != http.StatusConflict {
		t.Fatalf("status %d\n%s", r.status, r.body)
	}
	contains(t, "conflict page", r.body, "We 10:00-12:00; PH off", "Mon texte à moi &lt;script&gt;", "<mark>horaires_accueil: ", "Nom camille",
		`name="_mode" value="source"`)
	lacks(t, "conflict page", r.body, "<script>alert(1)", "[edit.")
	// Saving from the conflict page replaces the current version.
	resolved := formValues(r.body)
	resolved.Set("_source", strings.Replace(resolved.Get("_source"), "We 10:00-12:00", "Mo 09:00-12:00; We 10:00-12:00", 1))
	r = ed.post(epicerieURL+"/modifier", resolved)
	if r.status != http.StatusSeeOther {
		t.Fatalf("resolve: %d\n%s", r.status, r.body)
	}
	contains(t, "resolved file", f.file("services/epicerie-sociale-cluny.md"), "Mo 09:00-12:00; We 10:00-12:00; PH off", "Mon texte à moi")
}

func TestEditRights(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true})
	r := f.get(epicerieURL + "/modifier")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/connexion?retour=") {
		t.Errorf("anonymous: %d %s", r.status, r.header.Get("Location"))
	}
	for _, who := range []*client{f.editor("alex@example.org", accounts.RoleAgent), f.editor("eve@example.org", accounts.RoleEditor, "ccas-reims")} {
		r := who.get(epicerieURL + "/modifier")
		if r.status != http.StatusForbidden || !strings.Contains(r.body, "pas le droit de modifier") {
			t.Errorf("%v: %d", who.cookies, r.status)
		}
		r = who.post(epicerieURL+"/modifier", url.Values{"nom": {"Piraté"}, "_base": {"x"}})
		if r.status != http.StatusForbidden {
			t.Errorf("%v POST: %d", who.cookies, r.status)
		}
	}
	if got := f.file("services/epicerie-sociale-cluny.md"); strings.Contains(got, "Piraté") {
		t.Error("a forbidden post was saved")
	}
}

func TestEditCreateRenameDeleteRevertVerify(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true})
	ed := f.editor("camille@example.org", accounts.RoleEditor, "ccas-cluny")
	// Create a service for the structure one edits.
	vals := ed.form("/services/nouveau?structure=ccas-cluny")
	if vals.Get("structure") != "ccas-cluny" {
		t.Fatalf("structure not prefilled: %v", vals)
	}
	vals.Set("_slug", "permanence-logement-cluny")
	vals.Set("nom", "Permanence logement")
	vals.Add("thematiques", "logement-hebergement--changer-de-logement")
	vals.Set("_body", "Le jeudi matin.")
	r := ed.post("/services/nouveau?structure=ccas-cluny", vals)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/services/permanence-logement-cluny" {
		t.Fatalf("create: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	if cm := f.lastCommit("services/permanence-logement-cluny.md"); cm.Author.Name != "Nom camille" {
		t.Errorf("created by %q", cm.Author.Name)
	}
	// The same slug again is refused on the slug field.
	r = ed.post("/services/nouveau?structure=ccas-cluny", vals)
	if r.status != http.StatusConflict || !strings.Contains(r.body, `id="champ-slug-erreur"`) {
		t.Errorf("duplicate create: %d", r.status)
	}
	// Another structure's service may not be created.
	vals.Set("structure", "ccas-reims")
	vals.Set("_slug", "ailleurs")
	if r := ed.post("/services/nouveau", vals); r.status != http.StatusForbidden {
		t.Errorf("create for another structure: %d", r.status)
	}

	// Rename: the old path redirects.
	rv := ed.form("/services/permanence-logement-cluny/renommer")
	rv.Set("_slug", "permanence-habitat-cluny")
	r = ed.post("/services/permanence-logement-cluny/renommer", rv)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/services/permanence-habitat-cluny" {
		t.Fatalf("rename: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	if cm := f.lastCommit("services/permanence-habitat-cluny.md"); cm.Author.Name != "Nom camille" {
		t.Errorf("renamed by %q", cm.Author.Name)
	}
	f.refresh()
	if r := f.get("/services/permanence-logement-cluny"); r.status != http.StatusMovedPermanently || r.header.Get("Location") != "/services/permanence-habitat-cluny" {
		t.Errorf("old path: %d", r.status)
	}

	// Verify sets verifie_le.
	v := ed.form(epicerieURL + "/modifier")
	r = ed.post(epicerieURL+"/verifier", url.Values{"_csrf": {v.Get("_csrf")}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("verify: %d\n%s", r.status, r.body)
	}
	contains(t, "verified", f.file("services/epicerie-sociale-cluny.md"), "verifie_le: 2026-11-24")
	if cm := f.lastCommit("services/epicerie-sociale-cluny.md"); cm.Author.Name != "Nom camille" {
		t.Errorf("verified by %q", cm.Author.Name)
	}

	// Delete with confirmation, then revert from history.
	before := f.lastCommit("services/epicerie-sociale-cluny.md")
	dv := ed.form(epicerieURL + "/supprimer")
	r = ed.post(epicerieURL+"/supprimer", dv)
	if r.status != http.StatusSeeOther {
		t.Fatalf("delete: %d\n%s", r.status, r.body)
	}
	if cm := f.lastCommit("services/epicerie-sociale-cluny.md"); cm.Author.Name != "Nom camille" || len(cm.Files) != 1 {
		t.Errorf("deleted by %q: %v", cm.Author.Name, cm.Files)
	}
	f.refresh()
	if r := f.get(epicerieURL); r.status != http.StatusNotFound {
		t.Errorf("deleted page: %d", r.status)
	}
	r = ed.post(epicerieURL+"/revision/"+string(before.Revision)+"/retablir", url.Values{"_csrf": {dv.Get("_csrf")}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("revert: %d\n%s", r.status, r.body)
	}
	f.refresh()
	contains(t, "restored page", f.page(epicerieURL), "Épicerie sociale et solidaire de Cluny")
	if cm := f.lastCommit("services/epicerie-sociale-cluny.md"); cm.Author.Name != "Nom camille" {
		t.Errorf("revert by %q", cm.Author.Name)
	}
}

// TestRenamedStructureKeepsItsEditors checks that when an administrator
// renames a structure, its editors still edit it (and its services) under
// the new name, and invitations to it follow.
func TestRenamedStructureKeepsItsEditors(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true})
	admin := f.editor("admin@example.org", accounts.RoleAdmin)
	ed := f.editor("camille@example.org", accounts.RoleEditor, "ccas-cluny")
	rv := admin.form("/structures/ccas-cluny/renommer")
	rv.Set("_slug", "ccas-de-cluny")
	r := admin.post("/structures/ccas-cluny/renommer", rv)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/structures/ccas-de-cluny" {
		t.Fatalf("rename: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	f.refresh()
	if r := admin.get("/structures/ccas-de-cluny"); !strings.Contains(r.body, "Page renommée") || strings.Contains(r.body, "droits de ses éditeurs") {
		t.Errorf("notice after rename: %d", r.status)
	}
	contains(t, "service moved", f.file("services/epicerie-sociale-cluny.md"), "structure: ccas-de-cluny")
	u, err := f.accounts.UserByEmail(t.Context(), "camille@example.org")
	if err != nil || !slices.Equal(u.Structures, []string{"ccas-de-cluny"}) {
		t.Fatalf("editor's structures after rename: %v, %v", u, err)
	}
	vals := ed.form("/structures/ccas-de-cluny/modifier")
	vals.Set("_summary", "Après renommage")
	if r := ed.post("/structures/ccas-de-cluny/modifier", vals); r.status != http.StatusSeeOther {
		t.Errorf("editor saves the renamed structure: %d\n%s", r.status, r.body)
	}
	ed.form(epicerieURL + "/modifier")
}

func TestEditHostileInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true})
	ed := f.editor("camille@example.org", accounts.RoleEditor, "ccas-cluny")
	vals := ed.form(epicerieURL + "/modifier")
	const evil = `<script>alert('x')</script><img src=x onerror=alert(1)>`
	for k := range vals {
		if !strings.HasPrefix(k, "_") && k != "thematiques" && k != "structure" && k != "latitude" && k != "longitude" {
			vals.Set(k, evil)
		}
	}
	vals.Set("_body", evil+"\n\n[lien](javascript:alert(2))")
	vals.Set("_summary", evil)
	r := ed.post(epicerieURL+"/modifier", vals)
	lacks(t, "answer", r.body, "<script>alert", "<img src=x")
	// A hostile text that validates is saved and never rendered as markup.
	vals = ed.form(epicerieURL + "/modifier")
	vals.Set("nom", "Épicerie "+evil)
	vals.Set("pro.notes", evil)
	vals.Set("_body", evil+"\n\n[lien](javascript:alert(2))")
	r = ed.post(epicerieURL+"/modifier", vals)
	if r.status != http.StatusSeeOther {
		t.Fatalf("status %d\n%s", r.status, r.body)
	}
	f.refresh()
	for _, u := range []string{epicerieURL, epicerieURL + "/modifier", epicerieURL + "/historique"} {
		lacks(t, u, ed.get(u).body, "<script>alert", "<img src=x", `href="javascript:`)
	}
	// Preview of a hostile body.
	r = ed.post(epicerieURL+"/apercu", url.Values{"_body": {evil}, "horaires_accueil": {evil}})
	lacks(t, "preview", r.body, "<script>alert", "<img src=x")

	// A body over the 1 MB page limit: a French 422 with the text kept.
	vals = ed.form(epicerieURL + "/modifier")
	vals.Set("_body", strings.Repeat("a", 1<<20+10))
	r = ed.post(epicerieURL+"/modifier", vals)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "trop long") {
		t.Errorf("oversized body: %d", r.status)
	}

	// A forged base revision: the form comes back on the tip, nothing saved.
	vals = ed.form(epicerieURL + "/modifier")
	vals.Set("_base", strings.Repeat("ab", 20))
	vals.Set("nom", "Nom forgé")
	r = ed.post(epicerieURL+"/modifier", vals)
	if r.status != http.StatusConflict || !strings.Contains(r.body, "version de départ") {
		t.Errorf("forged base: %d", r.status)
	}
	lacks(t, "file", f.file("services/epicerie-sociale-cluny.md"), "Nom forgé")
}

func TestEditSourceModePreviewAndPresence(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true})
	ed := f.editor("camille@example.org", accounts.RoleEditor, "ccas-cluny")
	vals := ed.form(epicerieURL + "/modifier?mode=source")
	src := vals.Get("_source")
	if !strings.HasPrefix(src, "---\nnom: ") {
		t.Fatalf("source: %q", src)
	}
	vals.Set("_source", strings.Replace(src, "Produits alimentaires", "Denrées", 1))
	vals.Set("_action", "preview")
	r := ed.post(epicerieURL+"/modifier", vals)
	contains(t, "source preview", r.body, `id="apercu"`, "Denrées")
	vals.Set("_action", "save")
	if r := ed.post(epicerieURL+"/modifier", vals); r.status != http.StatusSeeOther {
		t.Fatalf("source save: %d\n%s", r.status, r.body)
	}
	contains(t, "file", f.file("services/epicerie-sociale-cluny.md"), "Denrées")

	// The form's no-JS preview keeps the input and shows the hours read back.
	fv := ed.form(epicerieURL + "/modifier")
	fv.Set("_body", "**Gras** et [[services/domiciliation-cluny]]")
	fv.Set("horaires_accueil", "Mo-Fr 09:00-12:00")
	fv.Set("_action", "preview")
	r = ed.post(epicerieURL+"/modifier", fv)
	contains(t, "form preview", r.body, "<strong>Gras</strong>", `href="/services/domiciliation-cluny"`, "Lundi", "09:00–12:00", `value="Mo-Fr 09:00-12:00"`)

	// Presence: a second person sees the first.
	other := f.editor("dominique@example.org", accounts.RoleAdmin)
	page := other.get(epicerieURL + "/modifier").body
	contains(t, "presence", page, "En cours de modification par Nom camille.")
	r = ed.post(epicerieURL+"/presence", url.Values{})
	if r.body != `{"autres":["Nom dominique"]}` {
		t.Errorf("heartbeat: %s", r.body)
	}
}

func TestEditLinksFollowRights(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true})
	lacks(t, "anonymous", f.page(epicerieURL), "/modifier", "/proposer", "/verifier")
	ed := f.editor("camille@example.org", accounts.RoleEditor, "ccas-cluny")
	contains(t, "editor", ed.get(epicerieURL).body, `href="/services/epicerie-sociale-cluny/modifier"`, `action="/services/epicerie-sociale-cluny/verifier"`, `name="_csrf"`)
	contains(t, "editor on structure", ed.get("/structures/ccas-cluny").body, `href="/services/nouveau?structure=ccas-cluny"`)
	agent := f.editor("alex@example.org", accounts.RoleAgent)
	body := agent.get(epicerieURL).body
	contains(t, "agent", body, `href="/services/epicerie-sociale-cluny/proposer"`)
	lacks(t, "agent", body, "/modifier", "/verifier")
	rev := f.lastCommit("services/epicerie-sociale-cluny.md").Revision
	contains(t, "revision page", ed.get(epicerieURL+"/revision/"+string(rev)).body, `action="/services/epicerie-sociale-cluny/revision/`+string(rev)+`/retablir"`)
	lacks(t, "revision page for an agent", agent.get(epicerieURL+"/revision/"+string(rev)).body, "/retablir")
	f.commit("autre version", map[string]string{"services/epicerie-sociale-cluny.md": strings.Replace(fixtureFile("services/epicerie-sociale-cluny.md"), "Cluny\"", "Cluny (71)\"", 1)})
	f.refresh()
	contains(t, "history", ed.get(epicerieURL+"/historique").body, `form="retablir-1"`, `<form id="retablir-1" method="post" action="/services/epicerie-sociale-cluny/revision/`+string(rev)+`/retablir">`)
	lacks(t, "history for an agent", agent.get(epicerieURL+"/historique").body, "retablir")
	lacks(t, "anonymous after", f.page(epicerieURL), "/modifier", "/proposer")
	admin := f.editor("dominique@example.org", accounts.RoleAdmin)
	contains(t, "structures for an admin", admin.get("/structures").body, `href="/structures/nouveau"`)
	contains(t, "guides for an admin", admin.get("/pages").body, `href="/pages/nouveau"`)
	lacks(t, "structures for an editor", ed.get("/structures").body, "/nouveau")
	lacks(t, "structures for anonymous", f.page("/structures"), "/nouveau")
}

func TestEditCommuneWithoutJavaScriptFillsCodes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true})
	ed := f.editor("camille@example.org", accounts.RoleEditor, "ccas-cluny")
	vals := ed.form(epicerieURL + "/modifier")
	vals.Set("commune", "macon")
	if r := ed.post(epicerieURL+"/modifier", vals); r.status != http.StatusSeeOther {
		t.Fatalf("status %d\n%s", r.status, r.body)
	}
	contains(t, "file", f.file("services/epicerie-sociale-cluny.md"), `commune: "Mâcon"`, `code_insee: "71270"`, `code_postal: "71000"`, "latitude: 46.", "longitude: 4.")
	// A commune chosen with the combobox (codes changed too) is kept as sent.
	vals = ed.form(epicerieURL + "/modifier")
	vals.Set("commune", "Cluny")
	vals.Set("code_insee", "71137")
	vals.Set("code_postal", "71250")
	ed.post(epicerieURL+"/modifier", vals)
	contains(t, "file", f.file("services/epicerie-sociale-cluny.md"), `commune: "Cluny"`, `code_insee: "71137"`, `code_postal: "71250"`)
}

func TestEditRefusesMissingCSRFAndHugeRequests(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true})
	ed := f.editor("camille@example.org", accounts.RoleEditor, "ccas-cluny")
	vals := ed.form(epicerieURL + "/modifier")
	vals.Set("nom", "Sans jeton")
	vals.Set("_csrf", "")
	if r := ed.post(epicerieURL+"/modifier", vals); r.status != http.StatusForbidden {
		t.Errorf("missing CSRF token: %d", r.status)
	}
	vals.Set("_csrf", "forge")
	if r := ed.post(epicerieURL+"/modifier", vals); r.status != http.StatusForbidden {
		t.Errorf("forged CSRF token: %d", r.status)
	}
	lacks(t, "file", f.file("services/epicerie-sociale-cluny.md"), "Sans jeton")

	// Over the 2 MB request limit, fasthttp refuses the request before any
	// handler: a French page all the same (over a real connection, as
	// app.Test refuses such a body itself).
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = f.srv.Serve(ln) }()
	// The request announces a 3 MB body and sends none of it: the server
	// answers on the headers alone. Body bytes it never reads would make
	// its close a TCP reset, which may discard the answer before the
	// client reads it.
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %s/modifier HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n", epicerieURL, 3<<20)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "trop volumineux") {
		t.Errorf("huge request: %d\n%.300s", resp.StatusCode, body)
	}
}
