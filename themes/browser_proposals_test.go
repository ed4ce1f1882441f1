package themes_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/proposals"
	"github.com/aiguillage/aiguillage/themes"
)

// proposalOn stores an open proposal by the agent that adds a sentence to
// the structure page, and returns its id.
func (e *env) proposalOn(t *testing.T, sentence string) string {
	t.Helper()
	ctx := context.Background()
	page := strings.TrimPrefix(structurePath, "/")
	u, err := e.accounts.UserByEmail(ctx, agentEmail)
	if err != nil {
		t.Fatal(err)
	}
	base, text := e.headFile(t, page)
	p, err := e.queue.Propose(ctx, proposals.Draft{Kind: proposals.Modification, Path: content.Path(page), Base: base,
		Author: content.Author{Name: u.Name, Email: u.Email}, Account: fmt.Sprint(u.ID), Summary: sentence,
		File: append(text, []byte("\n"+sentence+"\n")...)})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// headFile is a page file at the queue's view of the branch tip.
func (e *env) headFile(t *testing.T, page string) (content.Revision, []byte) {
	t.Helper()
	ctx := context.Background()
	head, err := e.store.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f, err := e.store.ReadFile(ctx, head, page+".md")
	if err != nil {
		t.Fatal(err)
	}
	return head, f.Data
}

// TestProposeReviewAccept: an agent proposes a change of a structure page
// in the source mode; its editor finds it in the queue (counted in the
// header), reads the diff and accepts it; the page shows the change.
func TestProposeReviewAccept(t *testing.T) {
	e := browserEnv(t)
	agent := e.signedInTab(t, 1280, agentEmail)
	navigate(t, agent, e.url("default", structurePath+"/proposer"))
	follow(t, agent, "switch to the source mode", chromedp.Click(chromedp.CSS(`.modes-edition a[href$="?mode=source"]`)))
	const sentence = "Permanence supplémentaire le samedi matin, proposée par le navigateur."
	do(t, agent, "write the proposal",
		chromedp.SendKeys(chromedp.ID("resume"), "Permanence du samedi"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('champ-source').value += "\n`+sentence+`\n"`))
	follow(t, agent, "send it", chromedp.Click(chromedp.CSS(`form[action$="/proposer"] button[value=send]`)))
	loc := location(t, agent)
	if !strings.HasPrefix(loc.Path, "/propositions/") {
		t.Fatalf("after proposing the browser is on %s: %s", loc, text(t, agent, "main"))
	}
	if got := text(t, agent, "[role=status]"); !strings.Contains(got, "Votre proposition a été envoyée") {
		t.Errorf("notice %q", got)
	}

	editor := e.signedInTab(t, 1280, editorEmail)
	navigate(t, editor, e.url("default", "/"))
	follow(t, editor, "open the queue from the header", chromedp.Click(chromedp.CSS(`.nav-compte a[href="/propositions"]`)))
	follow(t, editor, "open the proposal", chromedp.Click(chromedp.CSS(`a[href="`+loc.Path+`"]`)))
	if got := eval[string](t, editor, `[...document.querySelectorAll("table.diff .diff-ajout")].map(r => r.textContent).join(" ")`); !strings.Contains(got, sentence) {
		t.Errorf("the diff shows %q", got)
	}
	follow(t, editor, "accept", chromedp.Click(chromedp.CSS(`form[action$="/accepter"] button`)))
	if got := text(t, editor, "main"); !strings.Contains(got, "Acceptée") || !strings.Contains(got, "Dominique Éditrice") {
		t.Errorf("after accepting: %q", got)
	}
	navigate(t, editor, e.url("default", structurePath))
	if got := text(t, editor, "main"); !strings.Contains(got, sentence) {
		t.Errorf("the page does not show the accepted change")
	}
	navigate(t, agent, e.url("default", "/propositions/mes?statut=acceptee"))
	if got := text(t, agent, "main"); !strings.Contains(got, "Permanence du samedi") {
		t.Errorf("the agent's accepted proposals: %q", got)
	}
}

// TestProposeWithTheForm: an agent proposes a change of a structure page
// with the structured form, no YAML in sight. Sent first without a
// summary, the form comes back with the error tied to the field and the
// change kept; sent again, it reaches the structure's editor, who accepts
// it from the queue; the page shows the change.
func TestProposeWithTheForm(t *testing.T) {
	e := browserEnv(t)
	agent := e.signedInTab(t, 1280, agentEmail)
	navigate(t, agent, e.url("default", structurePath+"/proposer"))
	if n := eval[int](t, agent, `document.querySelectorAll('#champ-source, textarea[name=texte]').length`); n != 0 {
		t.Errorf("the proposal form opens on the source text")
	}
	const entrance = "Entrée par la rue Mercière, porte verte"
	setValue(t, agent, "champ-complement_adresse", entrance)
	// The live reading of the hours works here too.
	setValue(t, agent, "champ-horaires_accueil", "Mo-Fr 08:30-12:00; Tu,Th 14:00-17:00; PH off")
	do(t, agent, "wait for the hours read back", chromedp.Poll[chromedp.Void](
		`[...document.querySelectorAll('#lecture-horaires-jours td')].some(td => td.textContent.includes('08:30'))`))
	setValue(t, agent, "champ-horaires_accueil", "Mo-Fr 09:00-12:00; Tu,Th 14:00-17:00; PH off")
	follow(t, agent, "send without a summary", chromedp.Click(chromedp.CSS(`button[value=send]`)))
	if got := text(t, agent, "#resume-erreur"); !strings.Contains(got, "Résumez votre proposition") {
		t.Errorf("summary error %q", got)
	}
	if got := eval[string](t, agent, `document.getElementById('resume').getAttribute('aria-describedby')`); got != "resume-aide resume-erreur" {
		t.Errorf("summary aria-describedby %q", got)
	}
	if got := value(t, agent, "champ-complement_adresse"); got != entrance {
		t.Errorf("the change was lost: %q", got)
	}
	checkAxe(t, agent, "proposal form with an error")
	setValue(t, agent, "resume", "Nouvelle entrée")
	follow(t, agent, "send", chromedp.Click(chromedp.CSS(`button[value=send]`)))
	loc := location(t, agent)
	if !strings.HasPrefix(loc.Path, "/propositions/") {
		t.Fatalf("after proposing the browser is on %s: %s", loc, text(t, agent, "main"))
	}

	editor := e.signedInTab(t, 1280, editorEmail)
	navigate(t, editor, e.url("default", "/propositions"))
	follow(t, editor, "open the proposal", chromedp.Click(chromedp.CSS(`a[href="`+loc.Path+`"]`)))
	if got := eval[string](t, editor, `[...document.querySelectorAll("table.diff .diff-ajout")].map(r => r.textContent).join(" ")`); !strings.Contains(got, entrance) ||
		strings.Contains(got, "08:30") {
		t.Errorf("the diff shows %q", got)
	}
	follow(t, editor, "accept", chromedp.Click(chromedp.CSS(`form[action$="/accepter"] button`)))
	if got := text(t, editor, "main"); !strings.Contains(got, "Acceptée") {
		t.Errorf("after accepting: %q", got)
	}
	navigate(t, editor, e.url("default", structurePath))
	if got := text(t, editor, "main"); !strings.Contains(got, entrance) {
		t.Errorf("the page does not show the accepted change")
	}
}

// TestProposalPagesAxe checks the proposal form, the review queue, a
// proposal under review, the freshness dashboard and the report form with
// its errors with axe-core, in both themes at 1280 and 360 px.
func TestProposalPagesAxe(t *testing.T) {
	e := browserEnv(t)
	id := e.proposalOn(t, "Une phrase proposée pour le contrôle d'accessibilité.")
	pages := []struct{ email, path, h1 string }{
		{agentEmail, servicePath + "/proposer", "Proposer une modification"},
		{editorEmail, "/propositions", "Propositions à examiner"},
		{editorEmail, "/propositions/" + id, "Proposition"},
		{agentEmail, "/propositions/mes", "Mes propositions"},
		{editorEmail, "/fraicheur", "Pages à vérifier"},
		{adminEmail, "/fraicheur", "Pages à vérifier"},
	}
	for _, theme := range themes.Builtin() {
		for _, width := range []int64{1280, 360} {
			t.Run(fmt.Sprintf("%s/%d", theme, width), func(t *testing.T) {
				t.Parallel()
				for _, p := range pages {
					ctx := e.signedInTab(t, width, p.email)
					what := p.email + " " + p.path
					navigate(t, ctx, e.url(theme, p.path))
					if got := text(t, ctx, "h1"); !strings.Contains(got, p.h1) {
						t.Fatalf("%s: h1 %q", what, got)
					}
					checkAxe(t, ctx, what)
					if width == 360 {
						checkReflow(t, ctx, what, int(width))
					}
				}
				// The report form refused (sent at once: too fast), and
				// the decline form without a reason.
				ctx := e.privateTab(t, width)
				navigate(t, ctx, e.url(theme, servicePath+"/signaler"))
				follow(t, ctx, "send at once", chromedp.Click(chromedp.CSS(`form[action$="/signaler"] button`)))
				if got := text(t, ctx, "[role=alert]"); !strings.Contains(got, "trop vite") {
					t.Errorf("report refused with %q", got)
				}
				checkAxe(t, ctx, "report refused")
				ctx = e.signedInTab(t, width, editorEmail)
				navigate(t, ctx, e.url(theme, "/propositions/"+id))
				eval[chromedp.Void](t, ctx, `document.getElementById('raison').removeAttribute('required')`)
				follow(t, ctx, "decline without a reason", chromedp.Click(chromedp.CSS(`form[action$="/refuser"] button`)))
				if got := text(t, ctx, "#raison-erreur"); !strings.Contains(got, "Indiquez une raison") {
					t.Errorf("decline error %q", got)
				}
				checkAxe(t, ctx, "decline with an error")
			})
		}
	}
}
