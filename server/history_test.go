package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestHistoryRevisionDiff(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})
	const name = "services/epicerie-sociale-cluny.md"
	const url = "/services/epicerie-sociale-cluny"
	seed, err := f.store.Head(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	v1 := fixtureFile(name)
	v2 := strings.Replace(v1, "pour trois mois renouvelables", "pour six mois renouvelables", 1)
	c1 := f.commit("Durée portée à six mois", map[string]string{name: v2})
	v3 := strings.Replace(v2, "Reste à vivre inférieur au barème du CCAS.", "Sur orientation d'un travailleur social.", 1)
	c2 := f.commit("Nouvelles conditions d'accès", map[string]string{name: v3})
	// Another page's commit is not in this page's history.
	f.commit("Structure : nouveau téléphone", map[string]string{
		"structures/ccas-cluny.md": strings.Replace(fixtureFile("structures/ccas-cluny.md"), "03 85 99 12 34", "03 85 99 12 00", 1),
	})
	f.refresh()

	t.Run("history", func(t *testing.T) {
		body := f.page(url + "/historique")
		contains(t, "history", body,
			"<h1>Historique : Épicerie sociale et solidaire de Cluny</h1>",
			`<td data-label="Auteur">Camille Martin</td>`, `<td data-label="Auteur">aiguillage</td>`,
			`<td data-label="Résumé">Durée portée à six mois</td>`, `<td data-label="Résumé">Nouvelles conditions d&#39;accès</td>`,
			`<a href="`+url+`/revision/`+string(c1.Revision)+`"><code>`+c1.Revision.Short()+`</code></a>`,
			`<a href="`+url+`/diff?de=`+string(c1.Revision)+`&amp;a=`+string(c2.Revision)+`">`,
			`<a href="`+url+`/revision/`+string(seed)+`">`,
		)
		lacks(t, "history", body, "Structure : nouveau téléphone")
		// Newest first, each with its date.
		rows := regexp.MustCompile(`<td data-label="Date">(\d+ novembre 2026 à \d\d:\d\d)</td>\s*<td data-label="Auteur">([^<]+)</td>\s*<td data-label="Résumé">([^<]+)</td>`).FindAllStringSubmatch(body, -1)
		if len(rows) != 3 {
			t.Fatalf("history has %d dated rows, want 3:\n%s", len(rows), body)
		}
		wantMsgs := []string{"Nouvelles conditions d&#39;accès", "Durée portée à six mois", "aiguillage"}
		for i, row := range rows {
			if !strings.Contains(row[2]+row[3], wantMsgs[i]) {
				t.Errorf("row %d = %q, want %q", i, row[0], wantMsgs[i])
			}
			if !strings.HasPrefix(row[1], "23 novembre 2026 à 09:") {
				t.Errorf("row %d date %q, want 23 November 2026 at 09:xx (the commit clock)", i, row[1])
			}
		}
		if rows[0][1] <= rows[2][1] {
			t.Errorf("history not newest first: %q before %q", rows[0][1], rows[2][1])
		}
		// ?limite=1 shows one commit and a link to more.
		one := f.page(url + "/historique?limite=1")
		if n := strings.Count(one, `name="a" value=`); n != 1 {
			t.Errorf("limite=1: %d commits", n)
		}
		contains(t, "limite=1", one, `<a href="?limite=2">`)
	})

	t.Run("revision", func(t *testing.T) {
		body := f.page(url + "/revision/" + string(seed))
		contains(t, "revision", body,
			"pour trois mois renouvelables", // rendered and in the source
			"Vous consultez une ancienne version ("+seed.Short()+"), enregistrée par aiguillage le 23 novembre 2026 à 09:",
			`<pre class="source"><code>---`,
			"Reste à vivre inférieur au barème du CCAS.",
		)
		lacks(t, "revision", body, "six mois", "Sur orientation d&#39;un travailleur social")
		body = f.page(url + "/revision/" + string(c1.Revision))
		contains(t, "revision c1", body, "pour six mois renouvelables", "Camille Martin", "Durée portée à six mois")
	})

	t.Run("diff", func(t *testing.T) {
		body := f.page(url + "/diff?de=" + string(seed) + "&a=" + string(c2.Revision))
		removed := regexp.MustCompile(`<tr class="diff-retrait">.*<code>([^<]*)</code></td></tr>`).FindAllStringSubmatch(body, -1)
		added := regexp.MustCompile(`<tr class="diff-ajout">.*<code>([^<]*)</code></td></tr>`).FindAllStringSubmatch(body, -1)
		joined := func(m [][]string) string {
			var b strings.Builder
			for _, x := range m {
				b.WriteString(x[1] + "\n")
			}
			return b.String()
		}
		contains(t, "removed lines", joined(removed), "Reste à vivre inférieur au barème du CCAS.", "pour trois mois renouvelables")
		contains(t, "added lines", joined(added), "Sur orientation d&#39;un travailleur social.", "pour six mois renouvelables")
		lacks(t, "added lines", joined(added), "trois mois")
		if len(removed) != 2 || len(added) != 2 {
			t.Errorf("diff: %d removed and %d added lines, want 2 and 2", len(removed), len(added))
		}
		// Unchanged lines around give context.
		contains(t, "diff", body, `<tr class="diff-contexte">`)

		same := f.page(url + "/diff?de=" + string(c2.Revision) + "&a=" + string(c2.Revision))
		contains(t, "empty diff", same, "Aucune différence")
	})

	t.Run("deleted page", func(t *testing.T) {
		// Uses its own fixture: deleting a page changes the others.
		g := newFixture(t, options{})
		del := g.commit("Supprimer le vestiaire", nil, "services/vestiaire-cluny.md")
		g.refresh()
		if r := g.get("/services/vestiaire-cluny"); r.status != http.StatusNotFound {
			t.Errorf("deleted page: status %d, want 404", r.status)
		}
		hist := g.page("/services/vestiaire-cluny/historique")
		contains(t, "history of a deleted page", hist, "Supprimer le vestiaire")
		// The deletion commit's revision says the page did not exist, as a 404.
		r := g.get("/services/vestiaire-cluny/revision/" + string(del.Revision))
		if r.status != http.StatusNotFound {
			t.Errorf("revision of a deletion: status %d, want 404", r.status)
		}
		contains(t, "revision of a deletion", r.body, "La page n&#39;existait pas dans cette version.", "Supprimer le vestiaire")
	})

	t.Run("bad revisions", func(t *testing.T) {
		unknown := strings.Repeat("0", 40)
		for _, tc := range []struct {
			url    string
			status int
			text   string
		}{
			{url + "/revision/zzz", http.StatusBadRequest, "Version inconnue"},
			{url + "/revision/" + c1.Revision.Short(), http.StatusBadRequest, "Version inconnue"},
			{url + "/revision/" + strings.ToUpper(string(c1.Revision)), http.StatusBadRequest, "Version inconnue"},
			{url + "/revision/" + unknown, http.StatusNotFound, "Page introuvable"},
			{url + "/revision/" + string(c1.Revision) + "%00", http.StatusBadRequest, "Version inconnue"},
			{url + "/diff", http.StatusBadRequest, "Version inconnue"},
			{url + "/diff?de=" + string(seed), http.StatusBadRequest, "Version inconnue"},
			{url + "/diff?de=" + string(seed) + "&a=HEAD", http.StatusBadRequest, "Version inconnue"},
			{url + "/diff?de=" + unknown + "&a=" + string(c1.Revision), http.StatusNotFound, "Page introuvable"},
			{"/services/nexiste-pas/historique", http.StatusNotFound, "Page introuvable"},
			{"/services/Bad..Slug/historique", http.StatusNotFound, "Page introuvable"},
			{"/services/nexiste-pas/revision/" + string(c1.Revision), http.StatusNotFound, "La page n&#39;existait pas dans cette version."},
		} {
			r := f.get(tc.url)
			if r.status != tc.status {
				t.Errorf("GET %s: status %d, want %d", tc.url, r.status, tc.status)
				continue
			}
			contains(t, "GET "+tc.url, r.body, `<html lang="fr">`, tc.text)
		}
	})

	t.Run("changes", func(t *testing.T) {
		body := f.page("/modifications")
		contains(t, "changes", body, `<td data-label="Auteur">Camille Martin</td>`, `<td data-label="Résumé">Structure : nouveau téléphone</td>`,
			`<td data-label="Résumé">Durée portée à six mois</td>`, `<a href="/structures/ccas-cluny">CCAS de Cluny</a>`)
		if i, j := strings.Index(body, "Structure : nouveau téléphone"), strings.Index(body, "Durée portée à six mois"); i > j {
			t.Error("changes not newest first")
		}
	})
}
