package server_test

import (
	"database/sql"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/accounts"
)

// commitJSON is a commit of the history API, as answered.
type commitJSON struct {
	Revision string            `json:"revision"`
	Parent   string            `json:"parent"`
	Author   map[string]string `json:"author"`
	Date     string            `json:"date"`
	Message  string            `json:"message"`
}

// warnedPage is a page answer with its warnings.
type warnedPage struct {
	pageJSON
	Warnings []struct{ Code, Message string } `json:"warnings"`
}

func wantError(t *testing.T, what string, r response, status int, code string) {
	t.Helper()
	if e := decode[apiErr](t, r); r.status != status || e.Error.Code != code || e.Error.Message == "" {
		t.Errorf("%s: %d %.300s, want %d %s", what, r.status, r.body, status, code)
	}
}

func TestAPIPageRename(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true})
	p := decode[pageJSON](t, f.send("GET", epicerieAPI, "editor", "", nil))
	rename := epicerieAPI + "/rename"
	to := map[string]any{"slug": "epicerie-solidaire-cluny", "summary": "Nouvelle adresse"}
	wantError(t, "anonymous", f.send("POST", rename, "", p.Revision, to), 401, "unauthorized")
	wantError(t, "no If-Match", f.send("POST", rename, "editor", "", to), 428, "if_match_required")
	wantError(t, "agent", f.send("POST", rename, "agent", p.Revision, to), 403, "forbidden")
	wantError(t, "editor of another structure", f.send("POST", rename, "other-editor", p.Revision, to), 403, "forbidden")
	// Rights come first: someone who may not edit the page learns nothing
	// about the name they ask for.
	wantError(t, "agent, bad slug", f.send("POST", rename, "agent", p.Revision, map[string]any{"slug": "Pas Un Slug"}), 403, "forbidden")
	wantError(t, "unknown page", f.send("POST", "/api/v1/pages/services/nulle-part/rename", "admin", p.Revision, to), 404, "not_found")
	wantError(t, "unknown key", f.send("POST", rename, "editor", p.Revision, map[string]any{"nom": "x"}), 400, "bad_json")
	for _, slug := range []string{"Pas Un Slug", "", "../x", "epicerie-sociale-cluny"} {
		wantError(t, "slug "+slug, f.send("POST", rename, "editor", p.Revision, map[string]any{"slug": slug}), 422, "bad_slug")
	}
	wantError(t, "onto an existing page", f.send("POST", rename, "editor", p.Revision, map[string]any{"slug": "domiciliation-cluny"}), 409, "exists")

	// The page changes after the client read it: the rename is refused.
	changed := strings.Replace(fixtureFile("services/epicerie-sociale-cluny.md"), "à petit prix", "à prix réduit", 1)
	f.commit("Texte revu", map[string]string{"services/epicerie-sociale-cluny.md": changed})
	f.refresh()
	wantError(t, "stale If-Match", f.send("POST", rename, "editor", p.Revision, to), 409, "conflict")
	if r := f.get("/services/epicerie-sociale-cluny"); r.status != 200 {
		t.Fatalf("a refused rename moved the page: %d", r.status)
	}

	cur := decode[pageJSON](t, f.send("GET", epicerieAPI, "editor", "", nil))
	r := f.send("POST", rename, "editor", `"`+cur.Revision+`"`, to)
	if r.status != 200 {
		t.Fatalf("rename: %d %s", r.status, r.body)
	}
	moved := decode[warnedPage](t, r)
	if moved.Path != "services/epicerie-solidaire-cluny" || moved.Revision == cur.Revision || !strings.Contains(moved.Body, "à prix réduit") ||
		moved.FrontMatter["nom"] != "Épicerie sociale et solidaire de Cluny" || len(moved.Warnings) != 0 ||
		r.header.Get("Location") != "/api/v1/pages/services/epicerie-solidaire-cluny" || r.header.Get("ETag") != `"`+moved.Revision+`"` {
		t.Fatalf("renamed: %v %+v", r.header, moved)
	}
	if c := f.lastCommit("services/epicerie-solidaire-cluny.md"); c.Author.Email != "editrice@cluny.example.org" || c.Author.Name != "Nom editrice" || c.Message != "Nouvelle adresse" {
		t.Fatalf("commit = %+v", c)
	}
	if r := f.get("/services/epicerie-sociale-cluny"); r.status != 301 || r.header.Get("Location") != "/services/epicerie-solidaire-cluny" {
		t.Fatalf("old web address: %d %q", r.status, r.header.Get("Location"))
	}
	if r := f.send("GET", "/api/v1/pages/services/epicerie-solidaire-cluny", "", "", nil); r.status != 200 {
		t.Fatalf("new API address: %d", r.status)
	}
}

// TestAPIRenameStructureMovesRights checks that a structure renamed through
// the API keeps its editor, who then saves its pages under the new slug,
// and that a failure to move the rights is told in warnings, the page
// renamed all the same.
func TestAPIRenameStructureMovesRights(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true})
	f.authHeader("editor") // the editor of ccas-cluny exists before the rename
	st := decode[pageJSON](t, f.send("GET", "/api/v1/pages/structures/ccas-cluny", "admin", "", nil))
	r := f.send("POST", "/api/v1/pages/structures/ccas-cluny/rename", "admin", st.Revision, map[string]any{"slug": "ccas-de-cluny"})
	if w := decode[warnedPage](t, r); r.status != 200 || w.Path != "structures/ccas-de-cluny" || len(w.Warnings) != 0 {
		t.Fatalf("rename: %d %s", r.status, r.body)
	}
	svc := decode[pageJSON](t, f.send("GET", epicerieAPI, "editor", "", nil))
	if svc.FrontMatter["structure"] != "ccas-de-cluny" {
		t.Fatalf("service's structure after rename: %v", svc.FrontMatter["structure"])
	}
	put := map[string]any{"front_matter": edited(svc, "nom", "Épicerie après renommage"), "body": svc.Body}
	if r := f.send("PUT", epicerieAPI, "editor", svc.Revision, put); r.status != 200 {
		t.Fatalf("the editor saves a service of the renamed structure: %d %s", r.status, r.body)
	}
	st = decode[pageJSON](t, f.send("GET", "/api/v1/pages/structures/ccas-de-cluny", "editor", "", nil))
	put = map[string]any{"front_matter": edited(st, "telephone", "03 85 99 12 35"), "body": st.Body}
	if r := f.send("PUT", "/api/v1/pages/structures/ccas-de-cluny", "editor", st.Revision, put); r.status != 200 {
		t.Fatalf("the editor saves the renamed structure: %d %s", r.status, r.body)
	}

	// The accounts store refuses to move rights: the rename stands, and
	// says so.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(filepath.Dir(f.repo), "accounts.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TRIGGER refuse_moves BEFORE UPDATE ON user_structures BEGIN SELECT RAISE(ABORT, 'injected failure'); END`); err != nil {
		t.Fatal(err)
	}
	st = decode[pageJSON](t, f.send("GET", "/api/v1/pages/structures/ccas-de-cluny", "admin", "", nil))
	r = f.send("POST", "/api/v1/pages/structures/ccas-de-cluny/rename", "admin", st.Revision, map[string]any{"slug": "ccas-clunisois"})
	w := decode[warnedPage](t, r)
	if r.status != 200 || w.Path != "structures/ccas-clunisois" || len(w.Warnings) != 1 || w.Warnings[0].Code != "rights_not_moved" ||
		!strings.Contains(w.Warnings[0].Message, "ccas-clunisois") {
		t.Fatalf("rename whose rights cannot move: %d %s", r.status, r.body)
	}
	if r := f.get("/structures/ccas-clunisois"); r.status != 200 {
		t.Fatalf("renamed structure: %d", r.status)
	}
}

func TestAPIPageRevert(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true})
	old := decode[pageJSON](t, f.send("GET", epicerieAPI, "editor", "", nil))
	put := map[string]any{"front_matter": edited(old, "nom", "Épicerie renommée"), "body": "Autre texte.\n", "summary": "Essai"}
	if r := f.send("PUT", epicerieAPI, "editor", old.Revision, put); r.status != 200 {
		t.Fatalf("PUT: %d %s", r.status, r.body)
	}
	revert := epicerieAPI + "/revert"
	back := map[string]any{"revision": old.Revision, "summary": "Retour à la fiche d'origine"}
	wantError(t, "anonymous", f.send("POST", revert, "", "", back), 401, "unauthorized")
	wantError(t, "agent", f.send("POST", revert, "agent", "", back), 403, "forbidden")
	wantError(t, "editor of another structure", f.send("POST", revert, "other-editor", "", back), 403, "forbidden")
	wantError(t, "not an object", f.send("POST", revert, "editor", "", "x"), 400, "bad_json")
	for _, rev := range []string{"", "abc", old.Revision[:12], strings.ToUpper(old.Revision)} {
		wantError(t, "revision "+rev, f.send("POST", revert, "editor", "", map[string]any{"revision": rev}), 422, "bad_revision")
	}
	wantError(t, "unknown revision", f.send("POST", revert, "editor", "", map[string]any{"revision": strings.Repeat("0", 40)}), 404, "not_found")

	r := f.send("POST", revert, "editor", "", back)
	if r.status != 200 {
		t.Fatalf("revert: %d %s", r.status, r.body)
	}
	// The file is the old revision's, stamped with today's date_maj.
	want := strings.Replace(fixtureFile("services/epicerie-sociale-cluny.md"), "date_maj: 2026-10-02", "date_maj: 2026-11-24", 1)
	if got := f.file("services/epicerie-sociale-cluny.md"); got != want {
		t.Fatalf("reverted file:\n%s\nwant:\n%s", got, want)
	}
	if p := decode[pageJSON](t, r); p.FrontMatter["nom"] != old.FrontMatter["nom"] || p.Body != old.Body || p.Revision == old.Revision {
		t.Fatalf("revert answer: %+v", p)
	}
	if c := f.lastCommit("services/epicerie-sociale-cluny.md"); c.Author.Email != "editrice@cluny.example.org" || c.Message != "Retour à la fiche d'origine" {
		t.Fatalf("commit = %+v", c)
	}

	// A page created later did not exist at the old revision: 404. Once
	// deleted, it comes back by a revert to a revision that holds it.
	create := map[string]any{"slug": "atelier-revert", "body": "Atelier.\n",
		"front_matter": map[string]any{"nom": "Atelier", "structure": "ccas-cluny", "thematiques": []any{"equipement-et-alimentation--alimentation"}}}
	created := decode[pageJSON](t, f.send("POST", "/api/v1/pages/services", "editor", "", create))
	atelier := "/api/v1/pages/services/atelier-revert"
	wantError(t, "revision without the page", f.send("POST", atelier+"/revert", "editor", "", map[string]any{"revision": old.Revision}), 404, "not_found")
	if r := f.send("DELETE", atelier, "editor", "", nil); r.status != 200 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if r := f.send("POST", atelier+"/revert", "editor", "", map[string]any{"revision": created.Revision}); r.status != 200 {
		t.Fatalf("restore a deleted page: %d %s", r.status, r.body)
	}
	if r := f.get("/services/atelier-revert"); r.status != 200 {
		t.Fatalf("restored page: %d", r.status)
	}
}

func TestAPIPageVerify(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true})
	p := decode[pageJSON](t, f.send("GET", epicerieAPI, "editor", "", nil))
	verify := epicerieAPI + "/verify"
	wantError(t, "anonymous", f.send("POST", verify, "", "", nil), 401, "unauthorized")
	wantError(t, "agent", f.send("POST", verify, "agent", "", nil), 403, "forbidden")
	wantError(t, "editor of another structure", f.send("POST", verify, "other-editor", "", nil), 403, "forbidden")
	wantError(t, "unknown key", f.send("POST", verify, "editor", "", map[string]any{"verifie_le": "2030-01-01"}), 400, "bad_json")
	wantError(t, "guide page", f.send("POST", "/api/v1/pages/pages/aide-alimentaire/verify", "admin", "", nil), 422, "not_verifiable")
	wantError(t, "guide page, agent", f.send("POST", "/api/v1/pages/pages/aide-alimentaire/verify", "agent", "", nil), 403, "forbidden")
	wantError(t, "unknown page", f.send("POST", "/api/v1/pages/services/nulle-part/verify", "admin", "", nil), 404, "not_found")

	// Someone changes the page: a confirmation of the text read before is
	// refused, one without If-Match confirms the page as it is.
	changed := strings.Replace(fixtureFile("services/epicerie-sociale-cluny.md"), "à petit prix", "à prix réduit", 1)
	f.commit("Texte revu", map[string]string{"services/epicerie-sociale-cluny.md": changed})
	f.refresh()
	wantError(t, "stale If-Match", f.send("POST", verify, "editor", p.Revision, nil), 409, "conflict")
	if p.FrontMatter["verifie_le"] != "2026-09-15" {
		t.Fatalf("verifie_le before: %v", p.FrontMatter["verifie_le"])
	}
	r := f.send("POST", verify, "editor", "", nil)
	v := decode[pageJSON](t, r)
	if r.status != 200 || v.FrontMatter["verifie_le"] != "2026-11-24" || !strings.Contains(v.Body, "à prix réduit") {
		t.Fatalf("verify: %d %s", r.status, r.body)
	}
	contains(t, "file after verify", f.file("services/epicerie-sociale-cluny.md"), "verifie_le: 2026-11-24\n")
	if c := f.lastCommit("services/epicerie-sociale-cluny.md"); c.Author.Email != "editrice@cluny.example.org" || c.Message != "Informations vérifiées : services/epicerie-sociale-cluny" {
		t.Fatalf("commit = %+v", c)
	}
	// With the current revision and a summary of one's own.
	st := decode[pageJSON](t, f.send("GET", "/api/v1/pages/structures/ccas-cluny", "editor", "", nil))
	r = f.send("POST", "/api/v1/pages/structures/ccas-cluny/verify", "editor", st.Revision, map[string]any{"summary": "Vérifié au téléphone"})
	if v := decode[pageJSON](t, r); r.status != 200 || v.FrontMatter["verifie_le"] != "2026-11-24" {
		t.Fatalf("verify a structure: %d %s", r.status, r.body)
	}
	if c := f.lastCommit("structures/ccas-cluny.md"); c.Message != "Vérifié au téléphone" {
		t.Fatalf("message %q", c.Message)
	}
}

func TestAPIPageHistory(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true})
	p := decode[pageJSON](t, f.send("GET", epicerieAPI, "editor", "", nil))
	var revs []string
	for i, name := range []string{"Épicerie un", "Épicerie deux", "Épicerie trois"} {
		r := f.send("PUT", epicerieAPI, "editor", p.Revision, map[string]any{"front_matter": edited(p, "nom", name), "body": p.Body, "summary": "Modification " + string(rune('A'+i))})
		if r.status != 200 {
			t.Fatalf("PUT: %d %s", r.status, r.body)
		}
		p = decode[pageJSON](t, r)
		revs = append(revs, p.Revision)
	}
	f.commit("Autre page", map[string]string{"pages/autre.md": "---\ntitre: Autre\n---\nTexte.\n"})
	f.refresh()

	history := epicerieAPI + "/history"
	r := f.get(history)
	if r.status != 200 {
		t.Fatalf("history: %d %s", r.status, r.body)
	}
	lacks(t, "anonymous history", r.body, "@", "example.org", proNote, proPhone)
	commits := decode[[]commitJSON](t, r)
	if len(commits) != 4 {
		t.Fatalf("%d commits, want 4 (the seed and three saves): %s", len(commits), r.body)
	}
	for i, want := range []string{"Modification C", "Modification B", "Modification A"} {
		c := commits[i]
		if c.Revision != revs[2-i] || c.Message != want || c.Author["name"] != "Nom editrice" || len(c.Author) != 1 {
			t.Errorf("commit %d = %+v, want %s %s", i, c, revs[2-i], want)
		}
		if i < 2 && c.Parent != revs[1-i] {
			t.Errorf("commit %d: parent %s, want %s", i, c.Parent, revs[1-i])
		}
	}
	for i := range commits {
		d, err := time.Parse(time.RFC3339, commits[i].Date)
		if err != nil {
			t.Fatalf("date %q: %v", commits[i].Date, err)
		}
		if i > 0 {
			if prev, _ := time.Parse(time.RFC3339, commits[i-1].Date); !d.Before(prev) {
				t.Errorf("commit %d (%s) is not older than the one before (%s)", i, d, prev)
			}
		}
	}
	if c := decode[[]commitJSON](t, f.get(history+"?limit=2")); len(c) != 2 || c[0].Revision != revs[2] || c[1].Revision != revs[1] {
		t.Fatalf("limit=2: %+v", c)
	}
	if c := decode[[]commitJSON](t, f.get(history+"?limit=100000")); len(c) != 4 {
		t.Fatalf("limit=100000: %d commits", len(c))
	}
	for _, bad := range []string{"0", "-1", "x"} {
		wantError(t, "limit="+bad, f.get(history+"?limit="+bad), 400, "bad_limit")
	}
	wantError(t, "unknown page", f.get("/api/v1/pages/services/nulle-part/history"), 404, "not_found")
	// Signed-in readers get the same names, and no e-mail either (as on
	// the web history).
	lacks(t, "editor's history", f.send("GET", history, "editor", "", nil).body, "@")
}

// TestAPIPageActionsCSRF checks that the new write routes of the API,
// called with the session cookie rather than a token, need the CSRF token:
// a forged cross-site request cannot rename, revert or verify a page.
func TestAPIPageActionsCSRF(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true, noSearch: true})
	cl := f.as(f.newUser("navigateur@cluny.example.org", accounts.RoleEditor, "ccas-cluny"))
	p := decode[pageJSON](t, f.send("GET", epicerieAPI, "", "", nil))
	// A cross-site form can send text/plain that reads as JSON.
	forged := func(action, body string, headers ...string) response {
		req, _ := http.NewRequest(http.MethodPost, epicerieAPI+"/"+action, strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("If-Match", p.Revision)
		return cl.send(req, headers)
	}
	actions := map[string]string{
		"rename": `{"slug":"pirate","summary":"="}`,
		"revert": `{"revision":"` + p.Revision + `","summary":"="}`,
		"verify": `{"summary":"="}`,
	}
	for action, body := range actions {
		wantError(t, action+" without a token", forged(action, body), 403, "bad_csrf")
		wantError(t, action+" from another site", forged(action, body, "Sec-Fetch-Site", "cross-site", "X-CSRF-Token", cl.csrf), 403, "cross_site")
	}
	if now := decode[pageJSON](t, f.send("GET", epicerieAPI, "", "", nil)); now.Revision != p.Revision {
		t.Fatal("a forged request changed the page")
	}
	// The same requests with the session's token pass.
	for _, action := range []string{"verify", "revert"} {
		if r := forged(action, actions[action], "X-CSRF-Token", cl.csrf); r.status != 200 {
			t.Errorf("%s with the token: %d %s", action, r.status, r.body)
		}
	}
}
