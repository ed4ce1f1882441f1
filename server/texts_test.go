package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/accounts"
	"github.com/aiguillage/aiguillage/proposals"
	"github.com/aiguillage/aiguillage/themes"
)

// TestTextsFollowTheLanguage runs a French and an English server: what
// they write into the repository's history when people give no text of
// their own (default commit messages, decision subjects, the author of an
// anonymous report) and the problems they make up (theme, logo, pro
// values) are in the server's language.
func TestTextsFollowTheLanguage(t *testing.T) {
	t.Parallel()
	loadShared(t)
	for _, tt := range []struct {
		lang                    string
		theme                   *themes.Theme
		save, author            string
		closed, declined        string
		themeProblem, logo, pro string
	}{
		{"fr", shared.theme, "Modification de services/epicerie-sociale-cluny", "Signalement anonyme",
			"Signalement clos : Le téléphone ne répond plus.", "Proposition refusée : Nouveau numéro",
			"thème : « fluo » n&#39;existe pas (thèmes disponibles : default) ; thème par défaut utilisé",
			"logo : « media/absent.svg » : fichier introuvable ; logo par défaut utilisé",
			"pro : une information réservée aux professionnels est incorrecte (valeur masquée ici)."},
		{"en", shared.en, "Edit services/epicerie-sociale-cluny", "Anonymous report",
			"Report closed: Le téléphone ne répond plus.", "Proposal declined: Nouveau numéro",
			"theme: “fluo” does not exist (available themes: default); default theme used",
			"logo: “media/absent.svg”: file not found; default logo used",
			"pro: a piece of information for professionals is incorrect (value hidden here)."},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			t.Parallel()
			clock := &testClock{t: now}
			f := newFixture(t, options{noSearch: true, accounts: true, clock: clock.now, lang: tt.lang,
				themes: map[string]*themes.Theme{"default": tt.theme}})
			admin := f.editor("ada@example.org", accounts.RoleAdmin)

			// A save without a summary.
			vals := admin.form(epicerieURL + "/modifier")
			vals.Set("telephone", "03 85 00 00 01")
			vals.Set("_summary", "")
			if r := admin.post(epicerieURL+"/modifier", vals); r.status != http.StatusSeeOther {
				t.Fatalf("save: %d\n%.800s", r.status, r.body)
			}
			if got := f.lastCommit("services/epicerie-sociale-cluny.md").Message; strings.TrimSpace(got) != tt.save {
				t.Errorf("save's commit message %q, want %q", got, tt.save)
			}

			// An anonymous report, closed.
			cl := f.anonymous()
			form := reportForm(cl, epicerieURL)
			form.Set("texte", "Le téléphone ne répond plus.")
			clock.advance(10 * time.Second)
			if r := cl.post(epicerieURL+"/signaler", form); r.status != http.StatusSeeOther {
				t.Fatalf("report: %d\n%.800s", r.status, r.body)
			}
			reports, err := f.queue.List(context.Background(), proposals.Filter{})
			if err != nil || len(reports) != 1 {
				t.Fatalf("queue = %+v, %v", reports, err)
			}
			if got := reports[0].Author.Name; got != tt.author {
				t.Errorf("report's author %q, want %q", got, tt.author)
			}
			if r := admin.post("/propositions/"+reports[0].ID+"/clore", url.Values{"raison": {"Corrigé."}}); r.status != http.StatusSeeOther {
				t.Fatalf("close: %d\n%.800s", r.status, r.body)
			}
			f.checkSubject(reports[0].ID, tt.closed)

			// A proposal, declined.
			p, err := f.queue.Propose(context.Background(), proposals.Draft{Kind: proposals.Modification, Path: pSvc,
				Base: headOf(t, f), Author: anonymousAuthor, Summary: "Nouveau numéro",
				File: []byte(strings.Replace(fixtureFile(pSvc+".md"), "03 85 99 00 11", "03 85 99 00 22", 1))})
			if err != nil {
				t.Fatal(err)
			}
			if r := admin.post("/propositions/"+p.ID+"/refuser", url.Values{"raison": {"Non."}}); r.status != http.StatusSeeOther {
				t.Fatalf("decline: %d\n%.800s", r.status, r.body)
			}
			f.checkSubject(p.ID, tt.declined)

			// Problems the server makes up.
			f.commit("Réglages ratés", map[string]string{
				".aiguillage/config.yaml": fixtureFile(".aiguillage/config.yaml") + "theme: fluo\nlogo: media/absent.svg\n",
				"services/pro-invalide.md": "---\nnom: Service au courriel pro invalide\nstructure: ccas-cluny\n" +
					"thematiques: [equipement-et-alimentation--alimentation]\npro:\n  courriel: \"pas-un-courriel\"\n---\nTexte.\n",
			})
			f.refresh()
			problems := f.page("/problemes")
			contains(t, "problems", problems, tt.themeProblem, tt.logo, tt.pro)
			lacks(t, "problems", problems, "pas-un-courriel")
		})
	}
}

// checkSubject fails the test unless the last commit of proposal id's ref
// (its decision) has the subject want.
func (f *fixture) checkSubject(id, want string) {
	f.t.Helper()
	p := f.proposal(id)
	c, err := f.store.CommitInfo(context.Background(), p.Tip)
	if err != nil {
		f.t.Fatal(err)
	}
	if got, _, _ := strings.Cut(c.Message, "\n"); got != want {
		f.t.Errorf("decision's subject %q, want %q", got, want)
	}
}
