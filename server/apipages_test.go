package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aiguillage/aiguillage/accounts"
)

// pageJSON is a page of the JSON API, as answered.
type pageJSON struct {
	Path        string         `json:"path"`
	Revision    string         `json:"revision"`
	FrontMatter map[string]any `json:"front_matter"`
	Body        string         `json:"body"`
	Merged      *bool          `json:"merged"`
}

// apiErr is the JSON error shape.
type apiErr struct {
	Error struct {
		Status  int             `json:"status"`
		Code    string          `json:"code"`
		Message string          `json:"message"`
		Details json.RawMessage `json:"details"`
	} `json:"error"`
}

const epicerieAPI = "/api/v1/pages/services/epicerie-sociale-cluny"

// apiTokens holds the personal access token of each fixture's API users.
var apiTokens sync.Map

// authHeader is the Authorization header of an API user of the fixture
// (created with a token on first use): "agent", "editor" (of ccas-cluny),
// "other-editor" (of another structure) or "admin"; nil for "".
func (f *fixture) authHeader(user string) map[string]string {
	f.t.Helper()
	if user == "" {
		return nil
	}
	key := fmt.Sprintf("%p/%s", f, user)
	if tok, ok := apiTokens.Load(key); ok {
		return map[string]string{"Authorization": "Bearer " + tok.(string)}
	}
	var u *accounts.User
	switch user {
	case "agent":
		u = f.newUser("agent-api@example.org", accounts.RoleAgent)
	case "editor":
		u = f.newUser("editrice@cluny.example.org", accounts.RoleEditor, "ccas-cluny")
	case "other-editor":
		u = f.newUser("editeur@macon.example.org", accounts.RoleEditor, "mairie-macon")
	case "admin":
		u = f.newUser("admin-api@example.org", accounts.RoleAdmin)
	default:
		f.t.Fatalf("unknown API user %q", user)
	}
	tok, err := f.accounts.CreateToken(context.Background(), u.ID, "api")
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { apiTokens.Delete(key) })
	apiTokens.Store(key, tok)
	return map[string]string{"Authorization": "Bearer " + tok}
}

// send makes a JSON request as user ("" for anonymous) and returns the
// response.
func (f *fixture) send(method, target, user, ifMatch string, body any) response {
	f.t.Helper()
	var r *http.Request
	if body == nil {
		r = httptest.NewRequest(method, target, nil)
	} else {
		b, err := json.Marshal(body)
		if err != nil {
			f.t.Fatal(err)
		}
		r = httptest.NewRequest(method, target, bytes.NewReader(b))
		r.Header.Set("Content-Type", "application/json")
	}
	if ifMatch != "" {
		r.Header.Set("If-Match", ifMatch)
	}
	for k, v := range f.authHeader(user) {
		r.Header.Set(k, v)
	}
	return f.do(r)
}

func decode[T any](t testing.TB, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
	return v
}

func TestAPIPageGet(t *testing.T) {
	f := newFixture(t, options{accounts: true})
	r := f.send("GET", epicerieAPI, "", "", nil)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	p := decode[pageJSON](t, r)
	if p.Path != "services/epicerie-sociale-cluny" || p.FrontMatter["nom"] != "Épicerie sociale et solidaire de Cluny" ||
		!strings.HasPrefix(p.Body, "Produits alimentaires") || len(p.Revision) != 40 {
		t.Fatalf("page = %+v", p)
	}
	if etag := r.header.Get("ETag"); etag != `"`+p.Revision+`"` {
		t.Fatalf("ETag %q, revision %q", etag, p.Revision)
	}
	lacks(t, "anonymous page API", r.body, proNote, proPhone, proMail)
	for _, user := range []string{"agent", "editor", "admin"} {
		contains(t, user+" page API", f.send("GET", epicerieAPI, user, "", nil).body, proNote, proPhone)
	}
	lacks(t, "anonymous structure API", f.send("GET", "/api/v1/pages/structures/ccas-cluny", "", "", nil).body, proStructure)
	for _, target := range []string{"/api/v1/pages/services/absente", "/api/v1/pages/services/Epicerie", "/api/v1/pages/media/plan", "/api/v1/pages/services/..%2Fstructures%2Fccas-cluny"} {
		if r := f.send("GET", target, "admin", "", nil); r.status != 404 || decode[apiErr](t, r).Error.Code != "not_found" {
			t.Errorf("GET %s: %d %s", target, r.status, r.body)
		}
	}
}

// edited returns the page's front matter with nom changed.
func edited(p pageJSON, key string, value any) map[string]any {
	fm := map[string]any{}
	for k, v := range p.FrontMatter {
		fm[k] = v
	}
	fm[key] = value
	return fm
}

func TestAPIPagePut(t *testing.T) {
	f := newFixture(t, options{accounts: true})
	p := decode[pageJSON](t, f.send("GET", epicerieAPI, "editor", "", nil))
	put := map[string]any{"front_matter": edited(p, "nom", "Épicerie solidaire du CCAS"), "body": p.Body, "summary": "Nouveau nom"}
	checks := []struct {
		user, ifMatch string
		status        int
		code          string
	}{
		{"", `"` + p.Revision + `"`, 401, "unauthorized"},
		{"editor", "", 428, "if_match_required"},
		{"agent", p.Revision, 403, "forbidden"},
		{"other-editor", p.Revision, 403, "forbidden"},
	}
	for _, c := range checks {
		r := f.send("PUT", epicerieAPI, c.user, c.ifMatch, put)
		if e := decode[apiErr](t, r); r.status != c.status || e.Error.Code != c.code || e.Error.Message == "" {
			t.Errorf("PUT as %q If-Match %q: %d %s, want %d %s", c.user, c.ifMatch, r.status, r.body, c.status, c.code)
		}
	}
	r := f.send("PUT", epicerieAPI, "editor", `"`+p.Revision+`"`, put)
	if r.status != 200 {
		t.Fatalf("PUT: %d %s", r.status, r.body)
	}
	saved := decode[pageJSON](t, r)
	if saved.Revision == p.Revision || saved.Merged == nil || *saved.Merged || saved.FrontMatter["date_maj"] != "2026-11-24" ||
		r.header.Get("ETag") != `"`+saved.Revision+`"` || saved.FrontMatter["pro"] == nil {
		t.Fatalf("saved = %+v", saved)
	}
	// Read your writes: the page and the search show the change at once.
	contains(t, "page after save", f.page("/services/epicerie-sociale-cluny"), "Épicerie solidaire du CCAS")
	contains(t, "search after save", f.get("/api/v1/search?q=solidaire+ccas").body, "Épicerie solidaire du CCAS")
	// The author of the commit is the signed-in user, the message the summary.
	log, err := f.store.History(t.Context(), "services/epicerie-sociale-cluny.md", 1)
	if err != nil || log[0].Author.Email != "editrice@cluny.example.org" || log[0].Message != "Nouveau nom" {
		t.Fatalf("history = %+v, %v", log, err)
	}

	// Another edit from the old revision, elsewhere: merged.
	other := map[string]any{"front_matter": edited(p, "frais_precisions", "Moins cher le mardi."), "body": p.Body}
	r = f.send("PUT", epicerieAPI, "admin", p.Revision, other)
	if m := decode[pageJSON](t, r); r.status != 200 || m.Merged == nil || !*m.Merged ||
		m.FrontMatter["nom"] != "Épicerie solidaire du CCAS" || m.FrontMatter["frais_precisions"] != "Moins cher le mardi." {
		t.Fatalf("merge: %d %s", r.status, r.body)
	}

	// The same field from the old revision: 409 with both versions.
	clash := map[string]any{"front_matter": edited(p, "nom", "Épicerie des familles"), "body": p.Body}
	r = f.send("PUT", epicerieAPI, "editor", p.Revision, clash)
	e := decode[apiErr](t, r)
	if r.status != 409 || e.Error.Code != "conflict" {
		t.Fatalf("conflict: %d %s", r.status, r.body)
	}
	var details struct {
		Head, Ours, Theirs string
		Conflicts          []struct{ Field, Ours, Theirs string }
	}
	if err := json.Unmarshal(e.Error.Details, &details); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(details.Ours, "Épicerie des familles") || !strings.Contains(details.Theirs, "Épicerie solidaire du CCAS") ||
		len(details.Conflicts) != 1 || details.Conflicts[0].Field != "nom" || len(details.Head) != 40 {
		t.Fatalf("conflict details = %+v", details)
	}
	// A forged revision is a conflict as well, never an overwrite.
	r = f.send("PUT", epicerieAPI, "editor", strings.Repeat("0", 40), clash)
	if r.status != 409 {
		t.Fatalf("forged revision: %d %s", r.status, r.body)
	}
}

func TestAPIPageInvalid(t *testing.T) {
	f := newFixture(t, options{accounts: true})
	p := decode[pageJSON](t, f.send("GET", epicerieAPI, "editor", "", nil))
	fm := edited(p, "code_postal", "7125")
	fm["thematiques"] = []any{"inconnue"}
	fm["site_web"] = "javascript:alert(1)"
	delete(fm, "nom")
	r := f.send("PUT", epicerieAPI, "editor", p.Revision, map[string]any{"front_matter": fm, "body": p.Body})
	e := decode[apiErr](t, r)
	if r.status != 422 || e.Error.Code != "invalid" {
		t.Fatalf("invalid: %d %s", r.status, r.body)
	}
	var details struct {
		Problems []struct{ Field, Code, Message string }
	}
	if err := json.Unmarshal(e.Error.Details, &details); err != nil {
		t.Fatal(err)
	}
	fields := map[string]bool{}
	for _, pr := range details.Problems {
		fields[pr.Field] = pr.Message != ""
	}
	for _, want := range []string{"nom", "code_postal", "thematiques", "site_web"} {
		if !fields[want] {
			t.Errorf("no French problem on %s: %+v", want, details.Problems)
		}
	}
	for name, body := range map[string]string{
		"not JSON":     "{nom: x",
		"unknown key":  `{"frontmatter": {}}`,
		"no content":   `{"summary": "x"}`,
		"wrong type":   `{"front_matter": "x"}`,
		"huge raw":     `{"raw": "` + strings.Repeat("a", 1<<20+1) + `"}`,
		"bad raw YAML": `{"raw": "---\nnom: [\n---\n"}`,
	} {
		req := httptest.NewRequest("PUT", epicerieAPI, strings.NewReader(body))
		req.Header.Set("If-Match", p.Revision)
		for k, v := range f.authHeader("editor") {
			req.Header.Set(k, v)
		}
		r := f.do(req)
		if r.status != 400 && r.status != 422 && r.status != 413 || !strings.Contains(r.body, `"message"`) {
			t.Errorf("%s: %d %.300s", name, r.status, r.body)
		}
	}
	if now := decode[pageJSON](t, f.send("GET", epicerieAPI, "editor", "", nil)); now.Revision != p.Revision {
		t.Fatal("an invalid write was committed")
	}
}

func TestAPIPageCreateDelete(t *testing.T) {
	f := newFixture(t, options{accounts: true})
	script := "<script>alert('api')</script>"
	img := `<img src=x onerror="alert('api')">`
	hostile := map[string]any{"nom": "Atelier " + script, "structure": "ccas-cluny",
		"thematiques": []any{"equipement-et-alimentation--alimentation"}, "code_postal": "71250", "age_min": 16,
		"publics_precisions": script, "conditions_acces": img, "frais_precisions": script, "adresse": script,
		"complement_adresse": img, "commune": script, "telephone": script, "horaires_accueil": script,
		"justificatifs": []any{script, img}, "pro": map[string]any{"notes": script, "telephone": img},
		"infos_temporaires": []any{map[string]any{"du": "2026-11-20", "au": "2026-11-30", "type": "message", "message": script}}}
	create := map[string]any{"slug": "atelier-cuisine-cluny", "summary": script, "front_matter": hostile,
		"body": "Atelier " + script + "\n\n" + img + "\n\n[lien](javascript:alert('api'))\n"}
	if r := f.send("POST", "/api/v1/pages/services", "other-editor", "", create); r.status != 403 {
		t.Fatalf("create for another structure: %d %s", r.status, r.body)
	}
	r := f.send("POST", "/api/v1/pages/services", "editor", "", create)
	if r.status != 201 || r.header.Get("Location") != "/api/v1/pages/services/atelier-cuisine-cluny" {
		t.Fatalf("create: %d %v %s", r.status, r.header, r.body)
	}
	created := decode[pageJSON](t, r)
	if created.FrontMatter["code_postal"] != "71250" || created.FrontMatter["age_min"] != float64(16) {
		t.Fatalf("created = %+v", created)
	}
	if created.FrontMatter["publics_precisions"] != script || !strings.Contains(created.Body, img) {
		t.Fatalf("hostile text not stored as written: %+v", created)
	}
	for _, cl := range []*client{f.anonymous(), f.as(f.newUser("lecteur@example.org", accounts.RoleAgent))} {
		for _, target := range []string{"/services/atelier-cuisine-cluny", "/services/atelier-cuisine-cluny/fiche",
			"/recherche?q=atelier", "/services/atelier-cuisine-cluny/historique", "/modifications"} {
			r := cl.get(target)
			if r.status != 200 || strings.Contains(r.body, script) || strings.Contains(r.body, img) ||
				strings.Contains(r.body, "javascript:alert") || strings.Contains(r.body, "<img src=x") {
				t.Errorf("%s: status %d, or a script written through the API is served as markup", target, r.status)
			}
		}
	}
	if r := f.send("POST", "/api/v1/pages/services", "editor", "", create); r.status != 409 || decode[apiErr](t, r).Error.Code != "exists" {
		t.Fatalf("create twice: %d %s", r.status, r.body)
	}
	for _, slug := range []string{"../x", "Atelier", "a/b", "", "a b"} {
		create["slug"] = slug
		if r := f.send("POST", "/api/v1/pages/services", "editor", "", create); r.status != 422 {
			t.Errorf("create slug %q: %d %s", slug, r.status, r.body)
		}
	}
	if r := f.send("POST", "/api/v1/pages/media", "admin", "", create); r.status != 404 {
		t.Errorf("create in media: %d %s", r.status, r.body)
	}
	target := "/api/v1/pages/services/atelier-cuisine-cluny"
	if r := f.send("DELETE", target, "other-editor", "", nil); r.status != 403 {
		t.Fatalf("delete by another structure: %d %s", r.status, r.body)
	}
	if r := f.send("DELETE", target, "editor", created.Revision, nil); r.status != 200 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if r := f.send("GET", target, "editor", "", nil); r.status != 404 {
		t.Fatalf("after delete: %d", r.status)
	}
	if r := f.get("/services/atelier-cuisine-cluny"); r.status != 404 {
		t.Fatalf("page after delete: %d", r.status)
	}
}
