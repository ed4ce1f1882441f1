package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/editform"
	"github.com/aiguillage/aiguillage/proposals"
)

// annotatedEpicerie is the épicerie's file with a comment, a comment on a
// line and a key the form does not know, which a proposal must keep.
func annotatedEpicerie() string {
	text := strings.Replace(fixtureFile(pSvc+".md"), "---\n", "---\n# Relu avec le CCAS.\n", 1)
	return strings.Replace(text, "structure: ccas-cluny\n", "structure: ccas-cluny # rattachée au CCAS\nchamp_local: \"à garder\"\n", 1)
}

// newProposalFixture is the proposal fixture with the annotated épicerie.
func newProposalFixture(t *testing.T) (*fixture, *people) {
	t.Helper()
	f := newFixture(t, options{noSearch: true, accounts: true, seed: proposalSeed()})
	f.commit("annotate", map[string]string{pSvc + ".md": annotatedEpicerie()})
	f.refresh()
	return f, newPeople(f)
}

// proposalCount is how many proposals the queue holds.
func (f *fixture) proposalCount() int {
	f.t.Helper()
	all, err := f.queue.List(context.Background(), proposals.Filter{})
	if err != nil {
		f.t.Fatal(err)
	}
	return len(all)
}

// editFormWrites is the file the edit form writes over file when the
// person changes values with change: the same editform calls as the edit
// page's.
func editFormWrites(t *testing.T, file string, change func(editform.Values)) string {
	t.Helper()
	fields := editform.Fields(content.KindService)
	ef, err := editform.Split([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	vals := ef.Read(fields)
	change(vals)
	ef.Apply(fields, vals)
	out, err := ef.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// An agent proposes a new phone number and one more thematique through
// the structured form: the proposed file is the one the edit form would
// have written, with the pro: fields, the unknown key and the comments.
func TestProposeThroughTheForm(t *testing.T) {
	t.Parallel()
	f, ps := newProposalFixture(t)
	page := req(ps.agent, "GET", "/"+pSvc+"/proposer", nil)
	if page.status != http.StatusOK {
		t.Fatalf("proposal form: %d\n%.500s", page.status, page.body)
	}
	contains(t, "proposal form", page.body, `<label for="resume">Résumé de votre proposition`, `id="edition"`,
		`data-apercu="/`+pSvc+`/apercu"`, `id="commune"`, `id="lecture-horaires"`, `name="thematiques"`, `href="/`+pSvc+`/proposer?mode=source"`,
		"Les personnes qui tiennent cette page à jour la recevront")
	lacks(t, "proposal form", page.body, "[propose.", "[edit.", `name="texte"`, "data-presence")
	if strings.Count(page.body, "<h1") != 1 {
		t.Error("want one h1")
	}
	vals := formValues(page.body)
	if vals.Get("base") == "" || vals.Get("pro.notes") != proNote || vals.Get("pro.telephone") != proPhone || vals.Get("_mode") != "form" {
		t.Fatalf("form values: %v", vals)
	}
	vals.Set("telephone", "03 85 99 00 22")
	vals.Add("thematiques", "equipement-et-alimentation--habillement")
	vals.Set("resume", "Nouveau numéro, et des vêtements")
	r := ps.agent.post("/"+pSvc+"/proposer", vals)
	id := proposalIDRE.FindStringSubmatch(r.header.Get("Location"))
	if r.status != http.StatusSeeOther || id == nil {
		t.Fatalf("propose: %d %s\n%.800s", r.status, r.header.Get("Location"), r.body)
	}
	p := f.proposal(id[1])
	before, after, err := f.queue.Files(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	want := editFormWrites(t, annotatedEpicerie(), func(v editform.Values) {
		v["telephone"] = []string{"03 85 99 00 22"}
		v["thematiques"] = append(v["thematiques"], "equipement-et-alimentation--habillement")
	})
	if string(after) != want {
		t.Errorf("proposed file:\n%s\nwant what the edit form writes:\n%s", after, want)
	}
	if string(before) != annotatedEpicerie() || p.Summary != "Nouveau numéro, et des vêtements" || p.Author.Name != ps.agentUser.Name {
		t.Errorf("proposal %+v based on:\n%s", p, before)
	}
	contains(t, "proposed file", string(after), "# Relu avec le CCAS.\n", "# rattachée au CCAS", `champ_local: "à garder"`,
		`telephone: "03 85 99 00 22"`, "equipement-et-alimentation--habillement", `notes: "`+proNote+`"`, `telephone: "`+proPhone+`"`)

	// Its editor accepts it: the page shows the change.
	if r := req(ps.editorA, "POST", "/propositions/"+id[1]+"/accepter", url.Values{}); r.status != http.StatusSeeOther {
		t.Fatalf("accept: %d\n%.500s", r.status, r.body)
	}
	contains(t, "page after accept", f.page("/"+pSvc), "03 85 99 00 22")
}

// A field the validation refuses comes back tied to its field, with the
// person's input kept; nothing is stored. The same for a missing summary.
func TestProposeFormErrorsAreTiedToFields(t *testing.T) {
	t.Parallel()
	f, ps := newProposalFixture(t)
	vals := formValues(req(ps.agent, "GET", "/"+pSvc+"/proposer", nil).body)
	vals.Set("courriel", "pas-une-adresse")
	vals.Set("resume", "Nouvelle adresse")
	r := ps.agent.post("/"+pSvc+"/proposer", vals)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d\n%.500s", r.status, r.body)
	}
	contains(t, "form with errors", r.body, `id="resume-erreurs"`, `href="#champ-courriel"`, `id="champ-courriel-erreur"`,
		`aria-describedby="champ-courriel-erreur"`, `value="pas-une-adresse"`, `value="Nouvelle adresse"`, `name="_mode" value="form"`)
	if strings.Count(r.body, "<h1") != 1 {
		t.Error("want one h1")
	}

	vals.Set("courriel", "epicerie@cluny.example.org")
	vals.Set("resume", " ")
	r = ps.agent.post("/"+pSvc+"/proposer", vals)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("without a summary: status %d", r.status)
	}
	contains(t, "without a summary", r.body, `href="#resume"`, `id="resume-erreur"`, `aria-describedby="resume-aide resume-erreur"`, `aria-invalid="true"`)
	lacks(t, "without a summary", r.body, `id="champ-courriel-erreur"`)

	// A structure that does not exist is refused now, as a save would.
	vals.Set("resume", "Autre structure")
	vals.Set("structure", "structure-absente")
	r = ps.agent.post("/"+pSvc+"/proposer", vals)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("missing structure: status %d", r.status)
	}
	contains(t, "missing structure", r.body, "aucune structure « structure-absente »")

	// Unchanged values: nothing to propose.
	vals = formValues(req(ps.agent, "GET", "/"+pSvc+"/proposer", nil).body)
	vals.Set("resume", "Rien")
	r = ps.agent.post("/"+pSvc+"/proposer", vals)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("unchanged: status %d", r.status)
	}
	contains(t, "unchanged", r.body, "Vous n&#39;avez rien changé à la page.")
	if n := f.proposalCount(); n != 0 {
		t.Errorf("%d proposals stored from refused forms", n)
	}
}

// The preview button and the commune work without JavaScript; nothing is
// stored until the proposal is sent.
func TestProposeFormPreviewAndCommune(t *testing.T) {
	t.Parallel()
	f, ps := newProposalFixture(t)
	vals := formValues(req(ps.agent, "GET", "/"+pSvc+"/proposer", nil).body)
	vals.Set("_body", "Texte **revu** par l'accueil.")
	vals.Set("commune", "macon")
	vals.Set("horaires_accueil", "Mo 09:00-12:00")
	vals.Set("resume", "Déménagement")
	vals.Set("_action", "preview")
	r := ps.agent.post("/"+pSvc+"/proposer", vals)
	if r.status != http.StatusOK {
		t.Fatalf("preview: %d\n%.500s", r.status, r.body)
	}
	contains(t, "preview", r.body, "<strong>revu</strong>", `id="apercu"`, "Lundi", `value="Déménagement"`)
	if n := f.proposalCount(); n != 0 {
		t.Fatalf("a preview stored %d proposals", n)
	}
	vals.Set("_action", "send")
	r = ps.agent.post("/"+pSvc+"/proposer", vals)
	id := proposalIDRE.FindStringSubmatch(r.header.Get("Location"))
	if r.status != http.StatusSeeOther || id == nil {
		t.Fatalf("propose: %d\n%.500s", r.status, r.body)
	}
	_, after, err := f.queue.Files(context.Background(), f.proposal(id[1]))
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "proposed file", string(after), `commune: "Mâcon"`, `code_insee: "71270"`, `code_postal: "71000"`, "latitude: 46.",
		"horaires_accueil: \"Mo 09:00-12:00\"", "---\nTexte **revu** par l'accueil.")
}

// Experts keep the source mode: the form's own (_source) and the whole
// file posted as "texte".
func TestProposeSourceMode(t *testing.T) {
	t.Parallel()
	f, ps := newProposalFixture(t)
	page := req(ps.agent, "GET", "/"+pSvc+"/proposer?mode=source", nil)
	contains(t, "source form", page.body, `name="_mode" value="source"`, `id="champ-source"`, "champ_local: &#34;à garder&#34;", `href="/`+pSvc+`/proposer"`)
	lacks(t, "source form", page.body, `name="telephone"`)
	vals := formValues(page.body)
	vals.Set("_source", strings.Replace(vals.Get("_source"), "03 85 99 00 11", "03 85 99 00 44", 1))
	vals.Set("resume", "Numéro en source")
	r := ps.agent.post("/"+pSvc+"/proposer", vals)
	if r.status != http.StatusSeeOther {
		t.Fatalf("source proposal: %d\n%.500s", r.status, r.body)
	}
	// An invalid source text: its problem beside the text, nothing stored.
	vals.Set("_source", strings.Replace(vals.Get("_source"), "epicerie@cluny.example.org", "pas-une-adresse", 1))
	r = ps.agent.post("/"+pSvc+"/proposer", vals)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid source: %d", r.status)
	}
	contains(t, "invalid source", r.body, `id="champ-source-erreur"`, `href="#champ-source"`, "courriel")
	// The whole file as "texte", as earlier versions posted it.
	id := f.propose(ps.agent, pSvc, "Numéro en texte", strings.Replace(annotatedEpicerie(), "03 85 99 00 11", "03 85 99 00 55", 1))
	_, after, err := f.queue.Files(context.Background(), f.proposal(id))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(annotatedEpicerie(), "03 85 99 00 11", "03 85 99 00 55", 1); string(after) != want {
		t.Errorf("texte proposal:\n%s", after)
	}
	if n := f.proposalCount(); n != 2 {
		t.Errorf("%d proposals, want 2", n)
	}
}

// Anonymous visitors are sent to sign in; a form without its CSRF token
// is refused; nothing is stored.
func TestProposeFormNeedsSignInAndCSRF(t *testing.T) {
	t.Parallel()
	f, ps := newProposalFixture(t)
	r := req(ps.nobody, "GET", "/"+pSvc+"/proposer", nil)
	if loc := r.header.Get("Location"); r.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/connexion?retour=") {
		t.Errorf("anonymous GET: %d %s", r.status, loc)
	}
	vals := formValues(req(ps.agent, "GET", "/"+pSvc+"/proposer", nil).body)
	vals.Set("telephone", "03 85 99 00 66")
	vals.Set("resume", "Sans jeton")
	if r := ps.nobody.post("/"+pSvc+"/proposer", vals); r.status != http.StatusUnauthorized && r.status != http.StatusForbidden {
		t.Errorf("anonymous POST: %d", r.status)
	}
	for _, token := range []string{"", "forge"} {
		vals.Set("_csrf", token)
		if r := ps.agent.post("/"+pSvc+"/proposer", vals); r.status != http.StatusForbidden {
			t.Errorf("CSRF token %q: %d", token, r.status)
		}
	}
	if n := f.proposalCount(); n != 0 {
		t.Errorf("%d proposals stored", n)
	}
	// The same form with its token goes through.
	vals.Del("_csrf")
	if r := ps.agent.post("/"+pSvc+"/proposer", vals); r.status != http.StatusSeeOther || f.proposalCount() != 1 {
		t.Errorf("with the token: %d\n%.500s", r.status, r.body)
	}
}
