package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// openAPIDoc is the served description, decoded twice: as plain JSON for
// walking it, and as a JSON Schema resource for validating answers.
type openAPIDoc struct {
	Paths map[string]map[string]struct {
		Responses map[string]openAPIResponse `json:"responses"`
	} `json:"paths"`
	Components struct {
		Responses map[string]openAPIResponse `json:"responses"`
	} `json:"components"`
	compiler *jsonschema.Compiler
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
	f := newFixture(t, options{})
	doc := loadOpenAPI(t, f)
	etag := f.get("/api/v1/export/data-inclusion/services.json").header.Get("ETag")
	samples := []struct {
		url     string
		status  int
		headers []string
	}{
		{"/api/v1/search?q=epicerie&commune=71137&rayon=10", 200, nil},
		{"/api/v1/search?thematique=equipement-et-alimentation--alimentation&ouvert=0&page=1&limit=5&tri=date", 200, nil},
		{"/api/v1/search?limit=x", 400, nil},
		{"/api/v1/search?tri=au-hasard", 400, nil},
		{"/api/v1/communes?q=clun", 200, nil},
		{"/api/v1/communes?limit=x", 400, nil},
		{"/api/v1/export/data-inclusion/services.json", 200, nil},
		{"/api/v1/export/data-inclusion/structures.json", 200, nil},
		{"/api/v1/export/data-inclusion/services.csv", 200, nil},
		{"/api/v1/export/data-inclusion/services.json", 304, []string{"If-None-Match", etag}},
		{"/api/v1/export/data-inclusion/autre.json", 404, nil},
		{"/api/v1/openapi.json", 200, nil},
	}
	covered := map[string]bool{}
	for _, s := range samples {
		req := httptest.NewRequest(http.MethodGet, s.url, nil)
		for i := 0; i+1 < len(s.headers); i += 2 {
			req.Header.Set(s.headers[i], s.headers[i+1])
		}
		r := f.do(req)
		if r.status != s.status {
			t.Errorf("GET %s: status %d, want %d\n%s", s.url, r.status, s.status, r.body)
			continue
		}
		path, _, _ := strings.Cut(s.url, "?")
		tmpl, ok := doc.template(path)
		if !ok {
			t.Errorf("GET %s: no documented path", s.url)
			continue
		}
		code := fmt.Sprint(r.status)
		resp, ok := doc.Paths[tmpl]["get"].Responses[code]
		if !ok {
			t.Errorf("GET %s: status %s not documented", s.url, code)
			continue
		}
		covered["get "+tmpl+" "+code] = true
		base := []string{"paths", tmpl, "get", "responses", code}
		if name, ok := strings.CutPrefix(resp.Ref, "#/components/responses/"); ok {
			resp, base = doc.Components.Responses[name], []string{"components", "responses", name}
		}
		if len(resp.Content) == 0 {
			if r.body != "" {
				t.Errorf("GET %s: documented without a body, got %q", s.url, r.body)
			}
			continue
		}
		ctype, _, _ := strings.Cut(r.header.Get("Content-Type"), ";")
		if _, ok := resp.Content[ctype]; !ok {
			t.Errorf("GET %s: content type %q not documented", s.url, ctype)
			continue
		}
		loc := pointer(append(base, "content", ctype, "schema")...)
		sch, err := doc.compiler.Compile(loc)
		if err != nil {
			t.Fatalf("compile %s: %v", loc, err)
		}
		var body any = r.body
		if ctype == "application/json" {
			if body, err = jsonschema.UnmarshalJSON(bytes.NewReader([]byte(r.body))); err != nil {
				t.Errorf("GET %s: body is not JSON: %v", s.url, err)
				continue
			}
		}
		if err := sch.Validate(body); err != nil {
			t.Errorf("GET %s: answer does not match the description: %v", s.url, err)
		}
	}
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
