package server_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestWidget(t *testing.T) {
	f := newFixture(t, options{})
	r := f.get("/widget?commune=71137&rayon=10&thematique=equipement-et-alimentation--alimentation")
	if r.status != http.StatusOK {
		t.Fatalf("widget: %d\n%s", r.status, r.body)
	}
	csp := r.header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors *") || strings.Contains(csp, "frame-ancestors 'self'") || r.header.Get("X-Frame-Options") != "" {
		t.Errorf("widget is not frameable: CSP %q, X-Frame-Options %q", csp, r.header.Get("X-Frame-Options"))
	}
	contains(t, "widget", r.body, "Épicerie sociale et solidaire de Cluny", `target="_blank" rel="noopener"`,
		`<input type="hidden" name="commune" value="71137">`, `<input type="hidden" name="thematique" value="equipement-et-alimentation--alimentation">`,
		`action="/widget"`, "/static/", "theme")
	lacks(t, "widget", r.body, proNote, proPhone, proMail, "<script", `class="entete"`)
	if strings.Contains(r.body, "Vestiaire solidaire") {
		t.Error("a closed service of another thematique is listed")
	}
	// A query keeps the partner's territory.
	r = f.get("/widget?commune=71137&rayon=10&q=" + "epicerie")
	contains(t, "widget with a query", r.body, "Épicerie sociale", `value="epicerie"`, "/recherche?commune=71137")
	// Every other page keeps refusing to be framed.
	for _, path := range []string{"/", "/services/epicerie-sociale-cluny", "/recherche?q=x", "/api/v1/search?q=x", "/nulle-part"} {
		h := f.get(path).header
		if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'self'") || h.Get("X-Frame-Options") != "SAMEORIGIN" {
			t.Errorf("%s is frameable: %q %q", path, h.Get("Content-Security-Policy"), h.Get("X-Frame-Options"))
		}
	}
	// Hostile parameters stay text.
	r = f.get(`/widget?commune=%22%3E%3Cscript%3Ealert(1)%3C/script%3E`)
	lacks(t, "hostile widget", r.body, "<script>alert(1)")
}
