package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// activeMarkup parses body as HTML and returns what could run script: a
// script element other than the theme's own, an on* attribute, a
// javascript: URL, an embedding element.
func activeMarkup(t testing.TB, body string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse HTML: %v", err)
	}
	var found []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script":
				src := attr(n, "src")
				if (attr(n, "type") == "application/json" || attr(n, "type") == "application/ld+json") && src == "" {
					// A data block (a map's points, structured data): never
					// run, but it must be one JSON value the parser did not
					// cut short.
					if n.FirstChild == nil || n.FirstChild.NextSibling != nil || !json.Valid([]byte(n.FirstChild.Data)) {
						found = append(found, "<script type=application/json> not JSON")
					}
					break
				}
				if !strings.HasPrefix(src, "/static/") || n.FirstChild != nil {
					found = append(found, "<script src="+src+">")
				}
			case "iframe", "object", "embed", "base", "form":
				if n.Data != "form" || !strings.HasPrefix(attr(n, "action"), "/") {
					found = append(found, "<"+n.Data+">")
				}
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				val := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
				switch {
				case strings.HasPrefix(key, "on"):
					found = append(found, n.Data+" "+a.Key+"="+a.Val)
				case (key == "href" || key == "src" || key == "action" || key == "formaction") &&
					(strings.HasPrefix(val, "javascript:") || strings.HasPrefix(val, "data:") || strings.HasPrefix(val, "vbscript:")):
					found = append(found, n.Data+" "+a.Key+"="+a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return found
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func TestHostileMarkupIsInert(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})
	// The hostile service's first commit, for the revision view.
	hist, err := f.store.History(t.Context(), "services/hostile.md", 1)
	if err != nil || len(hist) != 1 {
		t.Fatalf("history: %v, %d commits", err, len(hist))
	}
	rev := string(hist[0].Revision)
	// A second version, for a diff of hostile lines.
	edit := f.commit("Ajout hostile", map[string]string{"services/hostile.md": fixtureFile("services/hostile.md") +
		"\n<iframe src=\"javascript:alert('diff')\"></iframe> <svg onload=alert('svg')>\n"})
	f.refresh()
	pages := []string{
		"/services/hostile",
		"/structures/ccas-cluny",
		"/",
		"/problemes",
		"/recherche?q=atelier+cuisine",
		"/recherche?q=" + url.QueryEscape(`<script>alert(1)</script>`) + "&commune=" + url.QueryEscape(`"><img src=x onerror=alert(1)>`),
		"/services/hostile/historique",
		"/services/hostile/revision/" + rev,
		"/services/hostile/revision/" + string(edit.Revision),
		"/services/hostile/diff?de=" + rev + "&a=" + string(edit.Revision),
	}
	for _, p := range pages {
		r := f.get(p)
		if r.status != http.StatusOK {
			t.Errorf("GET %s: status %d", p, r.status)
			continue
		}
		if found := activeMarkup(t, r.body); len(found) > 0 {
			t.Errorf("GET %s: active markup %q", p, found)
		}
	}

	diff := f.page("/services/hostile/diff?de=" + rev + "&a=" + string(edit.Revision))
	contains(t, "hostile diff", diff, `<tr class="diff-ajout">`, "&lt;iframe src=&#34;javascript:alert(&#39;diff&#39;)&#34;&gt;")

	body := f.page("/services/hostile")
	// Front matter fields are shown as text, escaped.
	contains(t, "hostile service", body,
		`<h1 id="titre-page">Atelier &lt;script&gt;alert(&#39;nom&#39;)&lt;/script&gt; piégé</h1>`,
		`<dd>&lt;img src=x onerror=alert(&#39;conditions&#39;)&gt;</dd>`,
		`&lt;a href=&#34;javascript:alert(&#39;frais&#39;)&#34;&gt;payer&lt;/a&gt;`,
		`: &lt;script&gt;alert(&#39;bandeau&#39;)&lt;/script&gt;</p></div>`,
		// the body keeps its text, without raw HTML or the javascript: link
		`<p>Atelier cuisine pour les familles.</p>`,
		`cliquez ici`,
	)
	lacks(t, "hostile service", body, "alert('corps')", "alert('lien')", "alert('image')", "alert('brut')", "alert('clic')",
		"alert('diff')", "alert('svg')")

	// The hostile name in search results, HTML and JSON.
	results := f.page("/recherche?q=atelier+cuisine")
	contains(t, "search", results, `>Atelier &lt;script&gt;alert(&#39;nom&#39;)&lt;/script&gt; piégé</a>`)
	var api struct {
		Hits []struct{ Nom, Extrait string } `json:"hits"`
	}
	f.json("/api/v1/search?q=atelier+cuisine", &api)
	if len(api.Hits) == 0 || api.Hits[0].Nom != "Atelier <script>alert('nom')</script> piégé" {
		t.Fatalf("API hits = %+v, want the hostile service (nom as plain text, for a JSON client)", api.Hits)
	}
	for _, h := range api.Hits {
		if strings.Contains(h.Extrait, "<script") || strings.Contains(h.Extrait, "javascript:") {
			t.Errorf("extrait is not HTML-safe: %q", h.Extrait)
		}
	}
}

// pro: information is for signed-in professionals; there are no accounts
// yet, so no page, search result, history, revision or diff may show it.
func TestProInformationNeverPublic(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})
	seedRev, err := f.store.Head(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	const newNote = "NOUVELLE-NOTE-PRO-plugh"
	const badMail = "pas-un-courriel-SECRET-xyzzy"
	svc := fixtureFile("services/epicerie-sociale-cluny.md")
	edited := strings.Replace(svc, proNote, newNote, 1)
	edited = strings.Replace(edited, "pour trois mois renouvelables", "pour six mois renouvelables", 1)
	cm := f.commit("Six mois et nouvelle note", map[string]string{
		"services/epicerie-sociale-cluny.md": edited,
		// an invalid pro courriel: its problem must not quote it publicly
		"services/pro-invalide.md": "---\nnom: Service au courriel pro invalide\nstructure: ccas-cluny\n" +
			"thematiques: [equipement-et-alimentation--alimentation]\npro:\n  courriel: \"" + badMail + "\"\n---\nTexte.\n",
	})
	f.refresh()
	secrets := []string{proNote, proPhone, proMail, proStructure, newNote, badMail,
		"zorglub", "plugh", "wobble", "xyzzy"}

	svcURL := "/services/epicerie-sociale-cluny"
	urls := []string{
		"/",
		svcURL,
		"/structures/ccas-cluny",
		svcURL + "/historique",
		svcURL + "/revision/" + string(seedRev),
		svcURL + "/revision/" + string(cm.Revision),
		svcURL + "/diff?de=" + string(seedRev) + "&a=" + string(cm.Revision),
		"/structures/ccas-cluny/historique",
		"/structures/ccas-cluny/revision/" + string(seedRev),
		"/services/pro-invalide",
		"/services/pro-invalide/revision/" + string(cm.Revision),
		"/problemes",
		"/modifications",
		"/recherche?q=epicerie",
		"/recherche?q=ccas",
		"/api/v1/search?q=epicerie",
		"/api/v1/search?q=zorglub",
		"/api/v1/search?q=plugh",
		"/api/v1/search?q=" + url.QueryEscape(proMail),
		"/api/v1/search?q=ccas+cluny&type_page=structures,services,pages",
		"/api/v1/search",
	}
	for _, u := range urls {
		r := f.get(u)
		if r.status != http.StatusOK && !(u == "/services/pro-invalide" && r.status == http.StatusNotFound) {
			t.Errorf("GET %s: status %d", u, r.status)
		}
		body := r.body
		if strings.HasPrefix(u, "/api/") { // decode JSON escapes before looking
			var v any
			if err := json.Unmarshal([]byte(body), &v); err != nil {
				t.Fatalf("GET %s: %v", u, err)
			}
			b, _ := json.Marshal(v)
			body = strings.NewReplacer(`\u0026`, "&", `\u003c`, "<", `\u003e`, ">").Replace(string(b))
		}
		lacks(t, "GET "+u, body, secrets...)
	}

	// The pages still show what is public, so the test looks at real pages.
	contains(t, "diff", f.page(urls[6]), "pour six mois renouvelables", "pour trois mois renouvelables")
	contains(t, "revision", f.page(urls[4]), "nom: ", "Épicerie sociale et solidaire de Cluny", "pour trois mois renouvelables")
	contains(t, "problems", f.page("/problemes"), "services/pro-invalide.md", "<code>pro</code>", "valeur masquée")
	// Searching for pro text finds nothing (the page echoes the query
	// itself: look at the results only).
	var res struct {
		Total int `json:"total"`
	}
	for _, q := range []string{"zorglub", "plugh", proNote, proPhone, proMail} {
		f.json("/api/v1/search?q="+url.QueryEscape(q), &res)
		if res.Total != 0 {
			t.Errorf("search %q: %d hits on pro text", q, res.Total)
		}
		body := f.page("/recherche?q=" + url.QueryEscape(q))
		_, results, ok := strings.Cut(body, `id="resultats-titre"`)
		if !ok {
			t.Fatalf("search %q: no results section", q)
		}
		contains(t, "search "+q, results, "0 résultat(s)")
		lacks(t, "search "+q+" results", results, secrets...)
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})
	for _, u := range []string{"/", "/services/epicerie-sociale-cluny", "/services/nope", "/api/v1/search?q=aide", "/static/style.css"} {
		r := f.get(u)
		csp := r.header.Get("Content-Security-Policy")
		for _, d := range []string{"default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'self'", "base-uri 'self'"} {
			if !strings.Contains(csp, d) {
				t.Errorf("GET %s: CSP %q lacks %q", u, csp, d)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("GET %s: CSP allows unsafe code: %q", u, csp)
		}
		want := map[string]string{
			"X-Content-Type-Options": "nosniff",
			"X-Frame-Options":        "SAMEORIGIN",
			"Referrer-Policy":        "same-origin",
		}
		for k, v := range want {
			if got := r.header.Get(k); got != v {
				t.Errorf("GET %s: %s = %q, want %q", u, k, got, v)
			}
		}
		if r.header.Get("Server") != "" || r.header.Get("X-Powered-By") != "" {
			t.Errorf("GET %s: server software advertised", u)
		}
	}
}

// Missing pages, malformed slugs and path tricks get the French 404 page.
func TestNotFound(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})
	long := strings.Repeat("a", 2000)
	for _, u := range []string{
		"/services/nexiste-pas",
		"/structures/nexiste-pas",
		"/pages/nexiste-pas",
		"/services/Epicerie-Sociale-Cluny",
		"/services/epicerie_sociale",
		"/services/..%2f..%2fetc%2fpasswd",
		"/services/..%2F.aiguillage%2Fconfig.yaml",
		"/services/%2e%2e",
		"/services/a%00b",
		"/services/a%0ab",
		"/services/" + long,
		"/services/" + long + "/historique",
		"/services/epicerie-sociale-cluny.md",
		"/services/epicerie-sociale-cluny/inconnu",
		"/media/plan.pdf",
		"/.aiguillage/config.yaml",
		"/.git/HEAD",
		"/static/../server.go",
		"/static/%2e%2e/templates/layout.html",
		"/static/nexiste.css",
		"/nimporte/quoi",
	} {
		r := f.get(u)
		if r.status != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", u, r.status)
			continue
		}
		if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			t.Errorf("GET %s: Content-Type %q, want HTML", u, r.header.Get("Content-Type"))
		}
		contains(t, "GET "+u, r.body, `<html lang="fr">`, "<h1>Page introuvable</h1>", "Cette page n&#39;existe pas",
			`<meta name="robots" content="noindex">`)
		lacks(t, "GET "+u, r.body, "root:", "nom: \"Annuaire de test\"", "{{define")
	}

	// Under /api/, errors are JSON, in the one error shape.
	for _, u := range []string{"/api/v1/nexiste", "/api/v2/search", "/api/v1/search/plus"} {
		r := f.get(u)
		if r.status != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", u, r.status)
			continue
		}
		e := decodeAPIError(t, u, r)
		if e.Status != 404 || e.Code != "not_found" || !strings.Contains(e.Message, "n'existe pas") {
			t.Errorf("GET %s: error %+v", u, e)
		}
	}
}

type apiErrorBody struct {
	Status  int    `json:"status"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// decodeAPIError checks a response is a JSON error of the one shape
// {"error": {"status", "code", "message"}} and returns it.
func decodeAPIError(t testing.TB, what string, r response) apiErrorBody {
	t.Helper()
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: Content-Type %q, want JSON", what, ct)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.body), &raw); err != nil {
		t.Fatalf("%s: %v in %q", what, err, r.body)
	}
	if len(raw) != 1 || raw["error"] == nil {
		t.Errorf("%s: body %s, want one key \"error\"", what, r.body)
	}
	var e apiErrorBody
	dec := json.NewDecoder(strings.NewReader(string(raw["error"])))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Errorf("%s: error body %s: %v", what, raw["error"], err)
	}
	if e.Status != r.status || e.Code == "" || e.Message == "" {
		t.Errorf("%s: error %+v with status %d", what, e, r.status)
	}
	return e
}
