package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/aiguillage/aiguillage/accounts"
	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/proposals"
)

// The authorization matrix: every write route of the route table against
// every actor, and every output that could show pro: information against
// every actor. A new write route without a line in writeCases fails
// TestAuthzWriteRoutes; a new output belongs in proOutputs.

// The actors, in the order of authzCase.Want.
const (
	anonymous = iota
	agent
	editorA // editeur of structure A (ccas-cluny, the fixture's structure)
	editorB // editeur of structure B (structure-b)
	admin
	actorCount
)

var actorNames = [actorCount]string{"anonymous", "agent", "editeur A", "editeur B", "admin"}

// Structure slugs of the matrix's world.
const (
	structureA = "ccas-cluny"
	structureB = "structure-b"
)

// authzCase is one write route: the request a legitimate form would send
// (the actor's CSRF token is added), and the status each actor gets.
type authzCase struct {
	Method, Route string     // as in routes.go
	Target        string     // the URL requested
	Form          url.Values // the form sent; nil for an empty one
	Want          [actorCount]int
	// Request, when set, builds the request instead of Target and Form,
	// for what needs the world's state (a revision, a user's id).
	Request func(w *authzWorld, actor int) *http.Request
}

// all is the same status for every actor.
func all(status int) [actorCount]int {
	var w [actorCount]int
	for i := range w {
		w[i] = status
	}
	return w
}

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// writeCases: one line per write route (method and route as in routes.go).
// Requests run in the order of the actors, each with a session of its own;
// a case whose success changes what another case reads must use targets
// of its own.
// Target may name {cible}, the id of an account only these cases act on.
var writeCases = []authzCase{
	{Method: "POST", Route: "/connexion", Target: "/connexion", Form: form("email", "matrice@example.org", "password", password), Want: all(303)},
	{Method: "POST", Route: "/deconnexion", Target: "/deconnexion", Want: all(303)},

	// Editing (server/edit*.go). Previews write nothing; a rename to an
	// invalid name and a delete without a base stop after the rights check
	// (422, 400), so the cases leave the pages in place for the others.
	{Method: "POST", Route: "/services/nouveau", Target: "/services/nouveau?structure=" + structureA, Form: form("_action", "preview", "_slug", "x", "structure", structureA), Want: editA(200)},
	{Method: "POST", Route: "/structures/nouveau", Target: "/structures/nouveau", Form: form("_action", "preview", "_slug", "x"), Want: adminOnly(200)},
	{Method: "POST", Route: "/pages/nouveau", Target: "/pages/nouveau", Form: form("_action", "preview", "_slug", "x"), Want: adminOnly(200)},
	{Method: "POST", Route: "/services/apercu", Target: "/services/apercu", Form: form("_body", "*x*"), Want: signedIn(200)},
	{Method: "POST", Route: "/structures/apercu", Target: "/structures/apercu", Form: form("_body", "*x*"), Want: signedIn(200)},
	{Method: "POST", Route: "/pages/apercu", Target: "/pages/apercu", Form: form("_body", "*x*"), Want: signedIn(200)},
	{Method: "POST", Route: "/services/:slug/modifier", Request: editPreview("/services/epicerie-sociale-cluny/modifier"), Want: editA(200)},
	{Method: "POST", Route: "/structures/:slug/modifier", Request: editPreview("/structures/" + structureA + "/modifier"), Want: editA(200)},
	{Method: "POST", Route: "/pages/:slug/modifier", Request: editPreview("/pages/aide-alimentaire/modifier"), Want: adminOnly(200)},
	{Method: "POST", Route: "/services/:slug/apercu", Target: "/services/epicerie-sociale-cluny/apercu", Form: form("_body", "*x*"), Want: signedIn(200)},
	{Method: "POST", Route: "/structures/:slug/apercu", Target: "/structures/" + structureA + "/apercu", Form: form("_body", "*x*"), Want: signedIn(200)},
	{Method: "POST", Route: "/pages/:slug/apercu", Target: "/pages/aide-alimentaire/apercu", Form: form("_body", "*x*"), Want: signedIn(200)},
	{Method: "POST", Route: "/services/:slug/presence", Target: "/services/epicerie-sociale-cluny/presence", Want: editA(200)},
	{Method: "POST", Route: "/structures/:slug/presence", Target: "/structures/" + structureA + "/presence", Want: editA(200)},
	{Method: "POST", Route: "/pages/:slug/presence", Target: "/pages/aide-alimentaire/presence", Want: adminOnly(200)},
	{Method: "POST", Route: "/services/:slug/renommer", Target: "/services/epicerie-sociale-cluny/renommer", Form: form("_slug", "Nom Invalide"), Want: editA(422)},
	{Method: "POST", Route: "/structures/:slug/renommer", Target: "/structures/" + structureA + "/renommer", Form: form("_slug", "Nom Invalide"), Want: editA(422)},
	{Method: "POST", Route: "/pages/:slug/renommer", Target: "/pages/aide-alimentaire/renommer", Form: form("_slug", "Nom Invalide"), Want: adminOnly(422)},
	{Method: "POST", Route: "/services/:slug/supprimer", Target: "/services/epicerie-sociale-cluny/supprimer", Want: editA(400)},
	{Method: "POST", Route: "/structures/:slug/supprimer", Target: "/structures/" + structureA + "/supprimer", Want: editA(400)},
	{Method: "POST", Route: "/pages/:slug/supprimer", Target: "/pages/aide-alimentaire/supprimer", Want: adminOnly(400)},
	{Method: "POST", Route: "/services/:slug/revision/:rev/retablir", Request: revert("/services/epicerie-sociale-cluny"), Want: editA(303)},
	{Method: "POST", Route: "/structures/:slug/revision/:rev/retablir", Request: revert("/structures/" + structureA), Want: editA(303)},
	{Method: "POST", Route: "/pages/:slug/revision/:rev/retablir", Request: revert("/pages/aide-alimentaire"), Want: adminOnly(303)},
	{Method: "POST", Route: "/services/:slug/verifier", Target: "/services/epicerie-sociale-cluny/verifier", Want: editA(303)},
	{Method: "POST", Route: "/structures/:slug/verifier", Target: "/structures/" + structureA + "/verifier", Want: editA(303)},
	{Method: "POST", Route: "/compte/nom", Target: "/compte/nom", Form: form("name", "Nouveau nom"), Want: signedIn(200)},
	{Method: "POST", Route: "/compte/mot-de-passe", Target: "/compte/mot-de-passe", Form: form("password", password, "new_password", password, "confirm", password), Want: signedIn(200)},
	{Method: "POST", Route: "/compte/jetons", Target: "/compte/jetons", Form: form("token_name", "outil"), Want: signedIn(200)},
	{Method: "POST", Route: "/compte/jetons/:id/revoquer", Target: "/compte/jetons/999999/revoquer", Want: signedIn(404)},
	{Method: "POST", Route: "/compte/sessions/:id/revoquer", Target: "/compte/sessions/999999/revoquer", Want: signedIn(404)},
	{Method: "POST", Route: "/invitations", Target: "/invitations", Form: form("email", "invitee@example.org", "role", "editeur", "structure", structureA), Want: [actorCount]int{401, 403, 200, 403, 200}},
	{Method: "POST", Route: "/invitation/:token", Target: "/invitation/lien-inconnu", Form: form("name", "X", "new_password", password, "confirm", password), Want: all(404)},
	{Method: "POST", Route: "/mot-de-passe/:token", Target: "/mot-de-passe/lien-inconnu", Form: form("new_password", password, "confirm", password), Want: all(404)},
	{Method: "POST", Route: "/admin/utilisateurs/:id", Target: "/admin/utilisateurs/{cible}", Form: form("role", "editeur", "structures", structureB), Want: adminOnly(200)},
	{Method: "POST", Route: "/admin/utilisateurs/:id/desactiver", Target: "/admin/utilisateurs/{cible}/desactiver", Want: adminOnly(200)},
	{Method: "POST", Route: "/admin/utilisateurs/:id/activer", Target: "/admin/utilisateurs/{cible}/activer", Want: adminOnly(200)},
	{Method: "POST", Route: "/admin/utilisateurs/:id/reinitialisation", Target: "/admin/utilisateurs/{cible}/reinitialisation", Want: adminOnly(200)},
	{Method: "POST", Route: "/admin/import", Want: adminOnly(200), Request: func(w *authzWorld, actor int) *http.Request {
		return uploadRequest("", "matrice.csv", []byte("Nom;Structure;Thématiques\nService de la matrice;ccas-cluny;Alimentation\n"))
	}},
	{Method: "POST", Route: "/admin/import/confirmer", Target: "/admin/import/confirmer",
		Form: form("import", "0123456789abcdef", "digest", "00"), Want: adminOnly(410)},
	{Method: "PUT", Route: "/api/v1/pages/:kind/:slug", Request: apiPageRequest("PUT"), Want: [actorCount]int{401, 403, 403, 200, 200}},
	{Method: "POST", Route: "/api/v1/pages/:kind", Request: apiPageRequest("POST"), Want: [actorCount]int{401, 403, 403, 201, 201}},
	{Method: "DELETE", Route: "/api/v1/pages/:kind/:slug", Request: apiPageRequest("DELETE"), Want: [actorCount]int{401, 403, 403, 200, 200}},
	{Method: "POST", Route: "/api/v1/pages/:kind/:slug/rename", Request: apiActionRequest("rename"), Want: [actorCount]int{401, 403, 403, 200, 200}},
	{Method: "POST", Route: "/api/v1/pages/:kind/:slug/revert", Request: apiActionRequest("revert"), Want: [actorCount]int{401, 403, 403, 200, 200}},
	{Method: "POST", Route: "/api/v1/pages/:kind/:slug/verify", Request: apiActionRequest("verify"), Want: [actorCount]int{401, 403, 403, 200, 200}},
	// Proposals and reports (the actors: anonymous, agent, editeur A, editeur B, admin).
	{Method: "POST", Route: "/services/:slug/signaler", Request: reportRequest("/services/service-b"), Want: all(303)},
	{Method: "POST", Route: "/structures/:slug/signaler", Request: reportRequest("/structures/structure-b"), Want: all(303)},
	{Method: "POST", Route: "/services/:slug/proposer", Request: proposeRequest("services/service-b"), Want: [actorCount]int{401, 303, 303, 403, 403}},
	{Method: "POST", Route: "/structures/:slug/proposer", Request: proposeRequest("structures/ccas-cluny"), Want: [actorCount]int{401, 303, 403, 303, 403}},
	{Method: "POST", Route: "/pages/:slug/proposer", Request: proposeRequest("pages/aide-alimentaire"), Want: [actorCount]int{401, 303, 303, 303, 403}},
	{Method: "POST", Route: "/propositions/:id/accepter", Request: decideRequest(proposals.Modification, "accepter"), Want: [actorCount]int{401, 403, 404, 303, 303}},
	{Method: "POST", Route: "/propositions/:id/refuser", Request: decideRequest(proposals.Modification, "refuser"), Want: [actorCount]int{401, 403, 404, 303, 303}},
	{Method: "POST", Route: "/propositions/:id/clore", Request: decideRequest(proposals.Report, "clore"), Want: [actorCount]int{401, 403, 404, 303, 303}},
}

// signedIn: 401 for anonymous visitors, status for every signed-in actor.
func signedIn(status int) [actorCount]int {
	w := all(status)
	w[anonymous] = 401
	return w
}

// adminOnly: 401 for anonymous visitors, 403 for other signed-in actors.
func adminOnly(status int) [actorCount]int {
	return [actorCount]int{401, 403, 403, 403, status}
}

// editA is ok for the editors of structure A and the administrator; 401
// for anonymous visitors (a write needs a session) and 403 for the others.
func editA(ok int) [actorCount]int { return [actorCount]int{401, 403, ok, 403, ok} }

// editPreview asks for a preview of an edit form based on the world's tip.
func editPreview(target string) func(*authzWorld, int) *http.Request {
	return func(w *authzWorld, _ int) *http.Request {
		return postForm(target, form("_action", "preview", "_base", string(w.rev), "_mode", "source", "_source", "---\n---\n"))
	}
}

// revert writes a page back as it was at the world's first commit.
func revert(page string) func(*authzWorld, int) *http.Request {
	return func(w *authzWorld, _ int) *http.Request {
		return postForm(page+"/revision/"+string(w.seed)+"/retablir", nil)
	}
}

func postForm(target string, vals url.Values) *http.Request {
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(vals.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// authzWorld is the fixture of the matrix: the test fixture's content plus
// a structure B with a service, an account per actor, and a commit that
// changes the pro note of a service.
type authzWorld struct {
	f         *fixture
	users     [actorCount]*accounts.User // nil for anonymous
	target    *accounts.User             // the account of {cible}
	seed, rev content.Revision           // the first commit, and the one changing the pro note
}

// Pro values of the world: the fixture's, and the one the second commit writes.
const proNoteEdited = "NOTE-PRO-MODIFIEE-quux"

func newAuthzWorld(t *testing.T) *authzWorld {
	t.Helper()
	seed := fixtureFiles()
	seed["structures/"+structureB+".md"] = &fstest.MapFile{Data: []byte("---\nnom: \"Structure B\"\ncommune: \"Mâcon\"\n---\nLa structure B.\n")}
	seed["services/service-b.md"] = &fstest.MapFile{Data: []byte("---\nnom: \"Service de B\"\nstructure: " + structureB +
		"\nthematiques: [equipement-et-alimentation--alimentation]\n---\nLe service de B.\n")}
	w := &authzWorld{f: newFixture(t, options{seed: seed, accounts: true})}
	var err error
	if w.seed, err = w.f.store.Head(t.Context()); err != nil {
		t.Fatal(err)
	}
	w.users[agent] = w.f.newUser("agent@example.org", accounts.RoleAgent)
	w.users[editorA] = w.f.newUser("editeur-a@example.org", accounts.RoleEditor, structureA)
	w.users[editorB] = w.f.newUser("editeur-b@example.org", accounts.RoleEditor, structureB)
	w.users[admin] = w.f.newUser("admin@example.org", accounts.RoleAdmin)
	w.f.newUser("matrice@example.org", accounts.RoleAgent)
	w.target = w.f.newUser("cible@example.org", accounts.RoleAgent)
	svc := fixtureFile("services/epicerie-sociale-cluny.md")
	w.rev = w.f.commit("Nouvelle note pro", map[string]string{
		"services/epicerie-sociale-cluny.md": strings.Replace(svc, proNote, proNoteEdited, 1),
	}).Revision
	w.f.refresh()
	return w
}

// client is a new browser of actor, signed in with a session of its own,
// holding a CSRF token.
func (w *authzWorld) client(actor int) *client { return w.f.as(w.users[actor]) }

func TestAuthzWriteRoutes(t *testing.T) {
	t.Parallel()
	w := newAuthzWorld(t)
	cases := map[string]bool{}
	for _, c := range writeCases {
		cases[c.Method+" "+c.Route] = true
	}
	routes := map[string]bool{}
	for _, r := range w.f.app.GetRoutes(true) {
		if safeMethod(r.Method) {
			continue
		}
		key := r.Method + " " + r.Path
		routes[key] = true
		if !cases[key] {
			t.Errorf("write route %s has no case in writeCases (server/authz_test.go): add one", key)
		}
	}
	for key := range cases {
		if !routes[key] {
			t.Errorf("writeCases has %s, which is not a route", key)
		}
	}
	for _, c := range writeCases {
		for actor := range actorCount {
			cl := w.client(actor)
			var req *http.Request
			if c.Request != nil {
				req = c.Request(w, actor)
			} else {
				req = cl.formRequest(c.Method, strings.ReplaceAll(c.Target, "{cible}", itoa(w.target.ID)), c.Form)
			}
			if req.Header.Get("X-CSRF-Token") == "" && !strings.HasPrefix(req.URL.Path, "/api/") {
				req.Header.Set("X-CSRF-Token", cl.csrf)
			}
			r := cl.send(req, nil)
			if r.status != c.Want[actor] {
				t.Errorf("%s %s as %s: status %d, want %d\n%.300s", c.Method, c.Target, actorNames[actor], r.status, c.Want[actor], r.body)
			}
		}
	}
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions || m == http.MethodTrace
}

// proOutput is a page or API answer that shows a page's content.
type proOutput struct {
	Name   string
	Target func(w *authzWorld) string
	// Shown: signed-in users see the pro value there. Whatever it says,
	// anonymous visitors never do.
	Shown bool
}

func path(p string) func(*authzWorld) string { return func(*authzWorld) string { return p } }

// proOutputs: one line per output. Each must show one of proSecrets to
// signed-in users (when Shown) and none to anonymous visitors.
var proOutputs = []proOutput{
	{"service page", path("/services/epicerie-sociale-cluny"), true},
	{"structure page", path("/structures/ccas-cluny"), true},
	{"printable sheet", path("/services/epicerie-sociale-cluny/fiche"), true},
	{"history", path("/services/epicerie-sociale-cluny/historique"), false},
	{"revision", func(w *authzWorld) string { return "/services/epicerie-sociale-cluny/revision/" + string(w.seed) }, true},
	{"structure revision", func(w *authzWorld) string { return "/structures/ccas-cluny/revision/" + string(w.seed) }, true},
	{"diff", func(w *authzWorld) string {
		return "/services/epicerie-sociale-cluny/diff?de=" + string(w.seed) + "&a=" + string(w.rev)
	}, true},
	{"page API", path("/api/v1/pages/services/epicerie-sociale-cluny"), true},
	{"structure page API", path("/api/v1/pages/structures/ccas-cluny"), true},
	{"page history API", path("/api/v1/pages/services/epicerie-sociale-cluny/history"), false},
	{"search HTML", path("/recherche?q=epicerie"), true},
	{"search API", path("/api/v1/search?q=epicerie"), true},
	{"search API, structures", path("/api/v1/search?q=ccas&type_page=structures"), true},
	{"home", path("/"), false},
	{"recent changes", path("/modifications"), false},
	{"recent changes feed", path("/modifications.atom"), false},
	{"recent changes by structure", path("/modifications?structure=ccas-cluny"), false},
	{"problems", path("/problemes"), false},
	{"data·inclusion structures.json", path("/api/v1/export/data-inclusion/structures.json"), false},
	{"data·inclusion services.json", path("/api/v1/export/data-inclusion/services.json"), false},
	{"data·inclusion structures.csv", path("/api/v1/export/data-inclusion/structures.csv"), false},
	{"data·inclusion services.csv", path("/api/v1/export/data-inclusion/services.csv"), false},
	{"widget", path("/widget?commune=71137&rayon=20&q=epicerie"), false},
	{"sitemap", path("/sitemap.xml"), false},
}

var proSecrets = []string{proNote, proPhone, proMail, proStructure, proNoteEdited}

func TestAuthzProOutputs(t *testing.T) {
	t.Parallel()
	w := newAuthzWorld(t)
	// Anonymous visitors come first and last: what signed-in users were
	// shown must not reach the shared cache.
	order := []int{anonymous, agent, editorA, editorB, admin, anonymous}
	for _, out := range proOutputs {
		target := out.Target(w)
		for _, actor := range order {
			// Twice: the second answer may come from a cache.
			for round := range 2 {
				r := w.client(actor).get(target)
				what := fmt.Sprintf("%s (%s) as %s, round %d", out.Name, target, actorNames[actor], round)
				if r.status != http.StatusOK {
					t.Errorf("%s: status %d", what, r.status)
					continue
				}
				body := decodeJSON(t, r)
				shown := slices.ContainsFunc(proSecrets, func(s string) bool { return strings.Contains(body, s) })
				switch {
				case actor == anonymous && shown:
					t.Errorf("%s: shows pro information", what)
				case actor != anonymous && out.Shown && !shown:
					t.Errorf("%s: does not show the pro information", what)
				}
				if actor != anonymous && r.header.Get("Cache-Control") != "private, no-store" {
					t.Errorf("%s: Cache-Control %q", what, r.header.Get("Cache-Control"))
				}
			}
		}
	}
}

// decodeJSON turns a JSON body into text where escaped characters read as
// themselves; other bodies are returned as they are.
func decodeJSON(t *testing.T, r response) string {
	if !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		return r.body
	}
	var v any
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return b.String()
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
