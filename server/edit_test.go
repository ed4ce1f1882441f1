package server_test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/content"
)


const epicerieURL = "/services/epicerie-sociale-cluny"

var (
	inputRe    = regexp.MustCompile(`<input ([^>]*)>`)
	textareaRe = regexp.MustCompile(`(?s)<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>`)
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
	for _, m := range textareaRe.FindAllStringSubmatch(form, -1) {
		vals.Add(m[1], strings.TrimPrefix(html.UnescapeString(m[2]), "\n"))
	}
	return vals
}

// editor is a signed-in person for the edit tests.
type editor struct {
	f       *fixture
	headers []string
}

// as signs a person in with a role and the structures they edit.
func (f *fixture) as(role, name string, structures ...string) *editor {
	return &editor{f: f, headers: []string{"X-Stub-User", role + "|" + name + "|" + strings.ToLower(strings.Fields(name)[0]) + "@example.org|" + strings.Join(structures, ",")}}
}

func (e *editor) get(target string) response {
	e.f.t.Helper()
	return e.f.get(target, e.headers...)
}

// post sends a form; the CSRF token of vals is kept as the page gave it.
func (e *editor) post(target string, vals url.Values) response {
	e.f.t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(vals.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(e.headers); i += 2 {
		req.Header.Set(e.headers[i], e.headers[i+1])
	}
	return e.f.do(req)
}

// form GETs an edit page and returns its form's values.
func (e *editor) form(target string) url.Values {
	e.f.t.Helper()
	r := e.get(target)
	if r.status != http.StatusOK {
		e.f.t.Fatalf("GET %s: %d\n%s", target, r.status, r.body)
	}
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
	f := newFixture(t, options{})
	f.commit("annotate", map[string]string{"services/epicerie-sociale-cluny.md": annotated})
	f.refresh()
	ed := f.as("editeur", "Camille Martin", "ccas-cluny")
	vals := ed.form(epicerieURL + "/modifier")
	if vals.Get("nom") != "Épicerie sociale et solidaire de Cluny" || vals.Get("pro.notes") != "Note interne" || vals.Get("_base") == "" {
		t.Fatalf("form values: %v", vals)
	}
	vals.Set("telephone", "03 85 00 00 01")
	vals.Add("publics", "familles")
	vals.Set("_summary", "Nouveau numéro")
	r := ed.post(epicerieURL+"/modifier", vals)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != epicerieURL {
		t.Fatalf("save: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	got := f.file("services/epicerie-sociale-cluny.md")
	contains(t, "saved file", got, "# Relu avec le CCAS.\n", `# horaires d'hiver`, `champ_local: "à garder"`, `code_porte: "1234"`,
		`telephone: "03 85 00 00 01"`, "publics: [familles]", "date_maj: 2026-11-24", "\nProduits à petit prix.\n")
	cm := f.lastCommit("services/epicerie-sociale-cluny.md")
	if cm.Author.Name != "Camille Martin" || cm.Message != "Nouveau numéro" {
		t.Errorf("commit by %q: %q", cm.Author.Name, cm.Message)
	}
	page := f.page(epicerieURL)
	lacks(t, "page after the notice", page, "Modification enregistrée")
}

func TestEditValidationErrorsAreTiedToFields(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})
	ed := f.as("editeur", "Camille Martin", "ccas-cluny")
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
	f := newFixture(t, options{})
	ed := f.as("editeur", "Camille Martin", "ccas-cluny")
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
	page := f.get(epicerieURL, append(ed.headers, "Cookie", "aiguillage_notice="+url.QueryEscape(notice))...)
	contains(t, "page with notice", page.body, "Votre modification a été fusionnée")
	if cc := page.header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("a page with a notice is cacheable: %q", cc)
	}
	lacks(t, "next anonymous view", f.page(epicerieURL), "fusionnée")
}

func TestEditConflictKeepsTheUsersText(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})
	ed := f.as("editeur", "Camille Martin", "ccas-cluny")
	vals := ed.form(epicerieURL + "/modifier")
	other := strings.Replace(fixtureFile("services/epicerie-sociale-cluny.md"), "Tu,Th 14:00-17:30", "Mo 09:00-12:00", 1)
	f.commit("horaires", map[string]string{"services/epicerie-sociale-cluny.md": other})
	vals.Set("horaires_accueil", "We 10:00-12:00; PH off")
	vals.Set("_body", "Mon texte à moi <script>alert(1)</script>")
	r := ed.post(epicerieURL+"/modifier", vals)
	if r.status != http.StatusConflict {
		t.Fatalf("status %d\n%s", r.status, r.body)
	}
	contains(t, "conflict page", r.body, "We 10:00-12:00; PH off", "Mon texte à moi &lt;script&gt;", "<mark>horaires_accueil: ", "Camille Martin",
		`name="_mode" value="source"`)
	lacks(t, "conflict page", r.body, "<script>alert(1)")
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
	f := newFixture(t, options{})
	r := f.get(epicerieURL + "/modifier")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/connexion?retour=") {
		t.Errorf("anonymous: %d %s", r.status, r.header.Get("Location"))
	}
	for _, who := range []*editor{f.as("agent", "Alex Agent"), f.as("editeur", "Eve Autre", "ccas-reims")} {
		r := who.get(epicerieURL + "/modifier")
		if r.status != http.StatusForbidden || !strings.Contains(r.body, "pas le droit de modifier") {
			t.Errorf("%v: %d", who.headers, r.status)
		}
		r = who.post(epicerieURL+"/modifier", url.Values{"nom": {"Piraté"}, "_base": {"x"}})
		if r.status != http.StatusForbidden {
			t.Errorf("%v POST: %d", who.headers, r.status)
		}
	}
	if got := f.file("services/epicerie-sociale-cluny.md"); strings.Contains(got, "Piraté") {
		t.Error("a forbidden post was saved")
	}
}
