package server_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestExportDataInclusion(t *testing.T) {
	f := newFixture(t, options{noSearch: true})
	var services []map[string]any
	if st := f.json("/api/v1/export/data-inclusion/services.json", &services); st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	var ids []string
	for _, s := range services {
		ids = append(ids, s["id"].(string))
		if s["source"] != "aiguillage" || !strings.HasPrefix(s["structure_id"].(string), "aiguillage--") {
			t.Errorf("source %v, structure_id %v", s["source"], s["structure_id"])
		}
		if l, _ := s["lien_source"].(string); !strings.HasPrefix(l, "http://") || !strings.Contains(l, "/services/") {
			t.Errorf("lien_source %q", l)
		}
	}
	if len(services) == 0 {
		t.Fatal("no service exported")
	}
	for _, name := range []string{"structures.json", "services.json", "structures.csv", "services.csv"} {
		r := f.get("/api/v1/export/data-inclusion/" + name)
		if r.status != http.StatusOK {
			t.Fatalf("%s: status %d", name, r.status)
		}
		lacks(t, name, r.body, proNote, proPhone, proMail, proStructure)
		if strings.HasSuffix(name, ".csv") {
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.HasPrefix(r.body, "\ufeff") {
				t.Errorf("%s: type %q, no BOM", name, ct)
			}
		}
		etag := r.header.Get("ETag")
		if etag == "" {
			t.Fatalf("%s: no ETag", name)
		}
		if again := f.get("/api/v1/export/data-inclusion/"+name, "If-None-Match", etag); again.status != http.StatusNotModified {
			t.Errorf("%s: If-None-Match gives %d, want 304", name, again.status)
		}
		gz := f.get("/api/v1/export/data-inclusion/"+name, "Accept-Encoding", "gzip")
		if gz.header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(strings.NewReader(gz.body))
			if err != nil {
				t.Fatal(err)
			}
			plain, _ := io.ReadAll(zr)
			if !bytes.Equal(plain, []byte(r.body)) {
				t.Errorf("%s: gzip copy differs", name)
			}
		} else if len(r.body) > 2000 {
			t.Errorf("%s: not compressed", name)
		}
	}
	// A commit makes a new export.
	before := f.get("/api/v1/export/data-inclusion/structures.json")
	f.commit("edit", map[string]string{"structures/ccas-cluny.md": strings.Replace(fixtureFile("structures/ccas-cluny.md"), `"CCAS de Cluny"`, `"CCAS de Cluny <b>&</b>"`, 1)})
	f.refresh()
	after := f.get("/api/v1/export/data-inclusion/structures.json")
	if after.header.Get("ETag") == before.header.Get("ETag") || !strings.Contains(after.body, `"CCAS de Cluny <b>&</b>"`) {
		t.Errorf("export not remade after a commit:\n%s", after.body)
	}
	// Clients reaching the server by different names (no base URL is
	// configured here) each get links to the name they used, in turn.
	for round := range 2 {
		for _, host := range []string{"annuaire.example.org", "127.0.0.1:8080", "intranet.example"} {
			req := httptest.NewRequest(http.MethodGet, "/api/v1/export/data-inclusion/services.json", nil)
			req.Host = host
			r := f.do(req)
			if !strings.Contains(r.body, `"lien_source":"http://`+host+`/services/`) || strings.Count(r.body, `"lien_source":"http://`) != strings.Count(r.body, `"lien_source":"http://`+host+`/`) {
				t.Errorf("round %d, host %s: links to another host", round, host)
			}
		}
	}
	var probe any
	if err := json.Unmarshal([]byte(after.body), &probe); err != nil {
		t.Fatal(err)
	}
	if r := f.get("/api/v1/export/data-inclusion/other.json"); r.status != http.StatusNotFound || !strings.Contains(r.body, `"error"`) {
		t.Errorf("unknown file: %d %s", r.status, r.body)
	}
}
