package server_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

const epicerie = "services/epicerie-sociale-cluny.md"

// waitFor polls url until its body contains want, or fails after a deadline.
func (f *fixture) waitFor(url, want string) string {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := f.get(url)
		if r.status == http.StatusOK && strings.Contains(r.body, want) {
			return r.body
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("GET %s: %q did not appear within 10 s (status %d)", url, want, r.status)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A commit made outside the server (another process, the CLI) is picked up
// by the poll: the page and the search index follow.
func TestPollPicksUpOutsideCommit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{poll: 10 * time.Millisecond})
	const url = "/services/epicerie-sociale-cluny"
	contains(t, "before", f.page(url), "pour trois mois renouvelables")
	f.commit("Six mois", map[string]string{
		epicerie: strings.Replace(fixtureFile(epicerie), "pour trois mois renouvelables", "pour six mois renouvelables, quinoa compris", 1),
	})
	body := f.waitFor(url, "pour six mois renouvelables")
	lacks(t, "after", body, "trois mois")

	// The index follows the catalogue right after.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var res struct {
			Total int `json:"total"`
			Hits  []struct {
				Path string `json:"path"`
			} `json:"hits"`
		}
		f.json("/api/v1/search?q=quinoa", &res)
		if res.Total == 1 && res.Hits[0].Path == "services/epicerie-sociale-cluny" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("search for the new word: %+v after 10 s", res)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The page cache serves the old page until the server sees the commit, and
// never after: pages that depend on the changed one change too.
func TestCommitInvalidatesPageCache(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})
	urls := map[string]string{
		"service":   "/services/epicerie-sociale-cluny",
		"structure": "/structures/ccas-cluny",
		"home":      "/",
		"wiki":      "/pages/aide-alimentaire",
		"list":      "/structures",
	}
	before := map[string]response{}
	for name, u := range urls {
		first, second := f.get(u), f.get(u)
		if first.body != second.body || first.header.Get("ETag") != second.header.Get("ETag") {
			t.Errorf("%s: two views differ", name)
		}
		before[name] = second
	}
	contains(t, "service before", before["service"].body, "pour trois mois renouvelables")

	// One commit changes the service's text and name and adds a service.
	edited := strings.Replace(fixtureFile(epicerie), "pour trois mois renouvelables", "pour six mois renouvelables", 1)
	edited = strings.Replace(edited, `nom: "Épicerie sociale et solidaire de Cluny"`, `nom: "Épicerie solidaire de Cluny"`, 1)
	cm := f.commit("Six mois, nouveau nom, nouveau service", map[string]string{
		epicerie: edited,
		"services/laverie-cluny.md": "---\nnom: \"Laverie solidaire\"\nstructure: ccas-cluny\n" +
			"thematiques: [equipement-et-alimentation--habillement]\n---\nMachines à laver.\n",
	})

	// The server has not seen it yet: the cached pages stay as they were.
	if r := f.get(urls["service"]); r.body != before["service"].body {
		t.Error("service page changed before the server saw the commit")
	}
	f.refresh()

	after := map[string]response{}
	for name, u := range urls {
		after[name] = f.get(u)
		if after[name].body == before[name].body {
			t.Errorf("%s: page unchanged after the commit", name)
		}
		if after[name].header.Get("ETag") == before[name].header.Get("ETag") {
			t.Errorf("%s: ETag unchanged after the commit", name)
		}
		if !strings.Contains(after[name].body, "<code>"+cm.Revision.Short()+"</code>") {
			t.Errorf("%s: footer does not show the new revision %s", name, cm.Revision.Short())
		}
		if got, want := after[name].header.Get("Last-Modified"), cm.When.UTC().Format(http.TimeFormat); got != want {
			t.Errorf("%s: Last-Modified %q, want the commit's time %q", name, got, want)
		}
	}
	contains(t, "service after", after["service"].body, "pour six mois renouvelables", "<h1 id=\"titre-page\">Épicerie solidaire de Cluny</h1>")
	lacks(t, "service after", after["service"].body, "trois mois")
	// Pages the commit did not touch show what it changed.
	contains(t, "structure after", after["structure"].body, `>Épicerie solidaire de Cluny</a>`, `>Laverie solidaire</a>`)
	contains(t, "home after", after["home"].body, "5 services", `>Laverie solidaire</a>`)
	contains(t, "wiki backlinks after", after["wiki"].body, `<li><a href="/services/epicerie-sociale-cluny">Épicerie solidaire de Cluny</a></li>`)
	lacks(t, "structure after", after["structure"].body, "Épicerie sociale et solidaire de Cluny")

	// Deleting a page: its URL is a 404 at once, and its links go red.
	f.commit("Supprimer l'épicerie", nil, epicerie)
	f.refresh()
	if r := f.get(urls["service"]); r.status != http.StatusNotFound {
		t.Errorf("deleted service: status %d, want 404", r.status)
	}
	contains(t, "wiki after delete", f.page(urls["wiki"]), `class="lien-rouge">l&#39;épicerie sociale</a>`)
}

// Page views in parallel with commits and refreshes, foreground and
// background: run with -race. Every view succeeds and shows one whole
// version; once done, the pages show the last commit.
func TestConcurrentViewsAndCommits(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{poll: 5 * time.Millisecond})
	urls := []string{
		"/", "/services/epicerie-sociale-cluny", "/structures/ccas-cluny", "/pages/aide-alimentaire",
		"/structures", "/pages", "/modifications", "/recherche?q=epicerie", "/api/v1/search?q=epicerie+cluny",
		"/services/epicerie-sociale-cluny/historique", "/healthz", "/static/style.css",
	}
	const commits = 8
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for {
				select {
				case <-stop:
					return
				default:
				}
				u := urls[rng.IntN(len(urls))]
				var r response
				if rng.IntN(2) == 0 { // cached bodies go through the compressor too
					r = f.get(u, "Accept-Encoding", "gzip")
				} else {
					r = f.get(u)
				}
				if r.status != http.StatusOK {
					errs <- fmt.Errorf("GET %s: status %d", u, r.status)
					return
				}
				if u == "/services/epicerie-sociale-cluny" && r.header.Get("Content-Encoding") == "" && !strings.Contains(r.body, "</html>") {
					errs <- fmt.Errorf("GET %s: truncated page", u)
					return
				}
			}
		}()
	}
	base := fixtureFile(epicerie)
	for i := 1; i <= commits; i++ {
		f.commit(fmt.Sprintf("Version %d", i), map[string]string{
			epicerie: strings.Replace(base, "pour trois mois renouvelables", fmt.Sprintf("version numéro %d", i), 1),
		})
		if i%2 == 0 {
			f.refresh() // races with the background poll
		}
	}
	f.refresh()
	// Readers still run while the last version is checked.
	for range 20 {
		body := f.page("/services/epicerie-sociale-cluny")
		contains(t, "final", body, fmt.Sprintf("version numéro %d", commits))
		lacks(t, "final", body, fmt.Sprintf("version numéro %d.", commits-1))
	}
	contains(t, "final history", f.page("/services/epicerie-sociale-cluny/historique"), fmt.Sprintf(`<td data-label="Résumé">Version %d</td>`, commits))
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
