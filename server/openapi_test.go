package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// openAPIDoc is the served description, decoded twice: as plain JSON for
// walking it, and as a JSON Schema resource for validating answers.
type openAPIDoc struct {
	Paths map[string]map[string]openAPIOperation `json:"-"`
	Raw   struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	Components struct {
		Responses map[string]openAPIResponse `json:"responses"`
	} `json:"components"`
	compiler *jsonschema.Compiler
}

type openAPIOperation struct {
	Responses map[string]openAPIResponse `json:"responses"`
}

type openAPIResponse struct {
	Ref     string         `json:"$ref"`
	Content map[string]any `json:"content"`
}

func loadOpenAPI(t *testing.T, f *fixture) *openAPIDoc {
	t.Helper()
	r := f.get("/api/v1/openapi.json")
	if r.status != http.StatusOK {
		t.Fatalf("openapi.json: %d", r.status)
	}
	var head struct {
		OpenAPI string `json:"openapi"`
	}
	doc := &openAPIDoc{}
	if err := json.Unmarshal([]byte(r.body), &head); err != nil || head.OpenAPI != "3.1.0" {
		t.Fatalf("openapi.json: version %q, %v", head.OpenAPI, err)
	}
	if err := json.Unmarshal([]byte(r.body), doc); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(r.body), &doc.Raw); err != nil {
		t.Fatal(err)
	}
	doc.Paths = map[string]map[string]openAPIOperation{}
	for path, items := range doc.Raw.Paths {
		doc.Paths[path] = map[string]openAPIOperation{}
		for key, raw := range items {
			if key == "parameters" || key == "summary" || key == "description" {
				continue
			}
			var op openAPIOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", key, path, err)
			}
			doc.Paths[path][key] = op
		}
	}
	res, err := jsonschema.UnmarshalJSON(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	doc.compiler = jsonschema.NewCompiler()
	doc.compiler.DefaultDraft(jsonschema.Draft2020) // OpenAPI 3.1 schemas are JSON Schema 2020-12
	doc.compiler.AssertFormat()
	if err := doc.compiler.AddResource("openapi.json", res); err != nil {
		t.Fatal(err)
	}
	return doc
}

// template finds the documented path that a request path matches.
func (d *openAPIDoc) template(path string) (string, bool) {
	segs := strings.Split(path, "/")
	for tmpl := range d.Paths {
		ts := strings.Split(tmpl, "/")
		if len(ts) != len(segs) {
			continue
		}
		match := true
		for i, t := range ts {
			if t != segs[i] && !(strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}")) {
				match = false
			}
		}
		if match {
			return tmpl, true
		}
	}
	return "", false
}

func pointer(parts ...string) string {
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~", "~0"), "/", "~1")
	}
	return "openapi.json#/" + strings.Join(parts, "/")
}

// TestOpenAPIDocumentsEveryRoute fails for any /api/v1 route of the route
// table that the description does not document.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	f := newFixture(t, options{noSearch: true})
	doc := loadOpenAPI(t, f)
	param := regexp.MustCompile(`:([a-z_]+)\??`)
	n := 0
	for _, r := range f.app.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == http.MethodHead || r.Method == http.MethodOptions || r.Method == "USE" {
			continue
		}
		n++
		tmpl := param.ReplaceAllString(r.Path, "{$1}")
		ops, ok := doc.Paths[tmpl]
		if _, has := ops[strings.ToLower(r.Method)]; !ok || !has {
			t.Errorf("route %s %s is not documented in openapi.json (as %s)", r.Method, r.Path, tmpl)
		}
	}
	if n < 4 {
		t.Errorf("only %d API routes found", n)
	}
}

// TestOpenAPIMatchesAnswers sends a real request for every documented
// answer and validates the body against the documented schema.
func TestOpenAPIMatchesAnswers(t *testing.T) {
	f := newFixture(t, options{accounts: true})
	doc := loadOpenAPI(t, f)
	covered := map[string]bool{}
	check := func(method, target string, want int, r response) {
		t.Helper()
		if r.status != want {
			t.Errorf("%s %s: status %d, want %d\n%.400s", method, target, r.status, want, r.body)
			return
		}
		covered[doc.validate(t, method, target, r)] = true
	}
	get := func(target string, want int, headers ...string) response {
		t.Helper()
		r := f.get(target, headers...)
		check("GET", target, want, r)
		return r
	}
	send := func(method, target, user, ifMatch string, body any, want int) response {
		t.Helper()
		r := f.send(method, target, user, ifMatch, body)
		check(method, target, want, r)
		return r
	}

	get("/api/v1/search?q=epicerie&commune=71137&rayon=10", 200)
	get("/api/v1/search?thematique=equipement-et-alimentation--alimentation&ouvert=0&page=1&limit=5&tri=date", 200)
	get("/api/v1/search?limit=x", 400)
	get("/api/v1/search?tri=au-hasard", 400)
	get("/api/v1/communes?q=clun", 200)
	get("/api/v1/communes?limit=x", 400)
	etag := get("/api/v1/export/data-inclusion/services.json", 200).header.Get("ETag")
	get("/api/v1/export/data-inclusion/structures.json", 200)
	get("/api/v1/export/data-inclusion/services.csv", 200)
	get("/api/v1/export/data-inclusion/services.json", 304, "If-None-Match", etag)
	get("/api/v1/export/data-inclusion/autre.json", 404)
	get("/api/v1/openapi.json", 200)

	// The page API, as its editors use it.
	p := decode[pageJSON](t, get(epicerieAPI, 200))
	get("/api/v1/pages/services/nulle-part", 404)
	put := func(fm map[string]any) map[string]any {
		return map[string]any{"front_matter": fm, "body": p.Body, "summary": "test"}
	}
	saved := decode[pageJSON](t, send("PUT", epicerieAPI, "editor", p.Revision, put(edited(p, "nom", "Épicerie solidaire")), 200))
	send("PUT", epicerieAPI, "editor", p.Revision, put(edited(p, "nom", "Épicerie des familles")), 409)
	send("PUT", epicerieAPI, "editor", saved.Revision, put(edited(saved, "code_postal", "7125")), 422)
	send("PUT", epicerieAPI, "editor", "", put(saved.FrontMatter), 428)
	send("PUT", epicerieAPI, "editor", saved.Revision, "pas un objet", 400)
	send("PUT", epicerieAPI, "", saved.Revision, put(saved.FrontMatter), 401)
	send("PUT", epicerieAPI, "agent", saved.Revision, put(saved.FrontMatter), 403)
	create := map[string]any{"slug": "atelier-openapi", "summary": "Nouveau", "body": "Atelier.\n",
		"front_matter": map[string]any{"nom": "Atelier OpenAPI", "structure": "ccas-cluny", "thematiques": []any{"equipement-et-alimentation--alimentation"}}}
	send("POST", "/api/v1/pages/services", "editor", "", create, 201)
	send("POST", "/api/v1/pages/services", "editor", "", create, 409)
	send("POST", "/api/v1/pages/services", "editor", "", map[string]any{"slug": "Pas Un Slug", "front_matter": map[string]any{"nom": "x"}}, 422)
	send("POST", "/api/v1/pages/services", "editor", "", "pas un objet", 400)
	send("POST", "/api/v1/pages/media", "admin", "", create, 404)
	send("POST", "/api/v1/pages/services", "", "", create, 401)
	other := map[string]any{"slug": "atelier-openapi-2", "front_matter": create["front_matter"], "body": "Atelier.\n"}
	send("POST", "/api/v1/pages/services", "agent", "", other, 403)
	send("DELETE", "/api/v1/pages/services/atelier-openapi", "", "", nil, 401)
	send("DELETE", "/api/v1/pages/services/atelier-openapi", "agent", "", nil, 403)
	send("DELETE", "/api/v1/pages/services/atelier-openapi", "editor", "", nil, 200)
	send("DELETE", "/api/v1/pages/services/atelier-openapi", "editor", "", nil, 404)

	// Its actions: history, verify, revert and rename.
	history := epicerieAPI + "/history"
	commits := decode[[]struct{ Revision string }](t, get(history+"?limit=2", 200))
	if len(commits) != 2 || commits[0].Revision != saved.Revision {
		t.Errorf("history: %+v, want %s first", commits, saved.Revision)
	}
	get(history+"?limit=0", 400)
	get("/api/v1/pages/services/nulle-part/history", 404)
	verify := epicerieAPI + "/verify"
	send("POST", verify, "", "", nil, 401)
	send("POST", verify, "agent", "", nil, 403)
	send("POST", verify, "editor", "", "pas un objet", 400)
	send("POST", verify, "editor", p.Revision, nil, 409)
	send("POST", "/api/v1/pages/services/nulle-part/verify", "editor", "", nil, 404)
	send("POST", "/api/v1/pages/pages/aide-alimentaire/verify", "admin", "", nil, 422)
	send("POST", verify, "editor", saved.Revision, map[string]any{"summary": "Vérifiée"}, 200)
	revert := epicerieAPI + "/revert"
	send("POST", revert, "", "", map[string]any{"revision": p.Revision}, 401)
	send("POST", revert, "agent", "", map[string]any{"revision": p.Revision}, 403)
	send("POST", revert, "editor", "", "pas un objet", 400)
	send("POST", revert, "editor", "", map[string]any{"revision": "abc"}, 422)
	send("POST", revert, "editor", "", map[string]any{"revision": strings.Repeat("0", 40)}, 404)
	cur := decode[pageJSON](t, send("POST", revert, "editor", "", map[string]any{"revision": p.Revision, "summary": "Retour"}, 200))
	rename := epicerieAPI + "/rename"
	to := map[string]any{"slug": "epicerie-openapi", "summary": "Nouvelle adresse"}
	send("POST", rename, "", cur.Revision, to, 401)
	send("POST", rename, "agent", cur.Revision, to, 403)
	send("POST", rename, "editor", cur.Revision, "pas un objet", 400)
	send("POST", rename, "editor", "", to, 428)
	send("POST", rename, "editor", cur.Revision, map[string]any{"slug": "Pas Un Slug"}, 422)
	send("POST", rename, "editor", cur.Revision, map[string]any{"slug": "domiciliation-cluny"}, 409)
	send("POST", "/api/v1/pages/services/nulle-part/rename", "editor", cur.Revision, to, 404)
	send("POST", rename, "editor", cur.Revision, to, 200)

	for tmpl, ops := range doc.Paths {
		for method, op := range ops {
			for code := range op.Responses {
				if !covered[method+" "+tmpl+" "+code] {
					t.Errorf("%s %s %s is documented but no request checks it", strings.ToUpper(method), tmpl, code)
				}
			}
		}
	}
}

// validate checks an answer against the description and returns its key
// ("get /api/v1/x 200"), or "" when it is not documented.
func (doc *openAPIDoc) validate(t *testing.T, method, target string, r response) string {
	t.Helper()
	path, _, _ := strings.Cut(target, "?")
	tmpl, ok := doc.template(path)
	if !ok {
		t.Errorf("%s %s: no documented path", method, target)
		return ""
	}
	method = strings.ToLower(method)
	code := fmt.Sprint(r.status)
	resp, ok := doc.Paths[tmpl][method].Responses[code]
	if !ok {
		t.Errorf("%s %s: status %s not documented", method, target, code)
		return ""
	}
	base := []string{"paths", tmpl, method, "responses", code}
	if name, ok := strings.CutPrefix(resp.Ref, "#/components/responses/"); ok {
		resp, base = doc.Components.Responses[name], []string{"components", "responses", name}
	}
	key := method + " " + tmpl + " " + code
	if len(resp.Content) == 0 {
		if r.body != "" {
			t.Errorf("%s %s: documented without a body, got %q", method, target, r.body)
		}
		return key
	}
	ctype, _, _ := strings.Cut(r.header.Get("Content-Type"), ";")
	if _, ok := resp.Content[ctype]; !ok {
		t.Errorf("%s %s: content type %q not documented", method, target, ctype)
		return key
	}
	loc := pointer(append(base, "content", ctype, "schema")...)
	sch, err := doc.compiler.Compile(loc)
	if err != nil {
		t.Fatalf("compile %s: %v", loc, err)
	}
	var body any = r.body
	if ctype == "application/json" {
		if body, err = jsonschema.UnmarshalJSON(bytes.NewReader([]byte(r.body))); err != nil {
			t.Errorf("%s %s: body is not JSON: %v", method, target, err)
			return key
		}
	}
	if err := sch.Validate(body); err != nil {
		t.Errorf("%s %s: answer does not match the description: %v", method, target, err)
	}
	return key
}
