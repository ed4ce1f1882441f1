package server_test

import "testing"

func TestRenamedPageRedirects(t *testing.T) {
	f := newFixture(t, options{})
	f.commit("renommage", map[string]string{
		"services/epicerie-solidaire-cluny.md": fixtureFile("services/epicerie-sociale-cluny.md"),
		".aiguillage/redirections.txt":         "# pages renommées\nservices/epicerie-sociale-cluny services/epicerie-solidaire-cluny\n",
	}, "services/epicerie-sociale-cluny.md")
	f.refresh()
	r := f.get("/services/epicerie-sociale-cluny")
	if r.status != 301 || r.header.Get("Location") != "/services/epicerie-solidaire-cluny" {
		t.Fatalf("old path: %d %q", r.status, r.header.Get("Location"))
	}
	// The guide's wiki link to the old path still leads to the page.
	contains(t, "guide", f.page("/pages/aide-alimentaire"), `href="/services/epicerie-sociale-cluny"`)
}
