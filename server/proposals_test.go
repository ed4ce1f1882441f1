package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/aiguillage/aiguillage/accounts"
	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/proposals"
)

const pSvc = "services/epicerie-sociale-cluny"

// people are the signed-in clients of the proposal tests: an agent, the
// editor of the épicerie's structure (A), the editor of structure B, an
// administrator, and an anonymous visitor.
type people struct {
	agent, editorA, editorB, admin, nobody *client
	agentUser, editorAUser                 *accounts.User
}

func newPeople(f *fixture) *people {
	ps := &people{
		agentUser:   f.newUser("agnes@example.org", accounts.RoleAgent),
		editorAUser: f.newUser("eric@example.org", accounts.RoleEditor, "ccas-cluny"),
	}
	ps.agent, ps.editorA = f.as(ps.agentUser), f.as(ps.editorAUser)
	ps.editorB = f.as(f.newUser("bea@example.org", accounts.RoleEditor, "structure-b"))
	ps.admin = f.as(f.newUser("ada@example.org", accounts.RoleAdmin))
	ps.nobody = f.as(nil)
	return ps
}

// req sends a GET (form nil) or a POST as cl.
func req(cl *client, method, target string, form url.Values) response {
	cl.f.t.Helper()
	if method == http.MethodGet {
		return cl.get(target)
	}
	return cl.post(target, form)
}

var proposalIDRE = regexp.MustCompile(`^/propositions/([0-9a-f]{16})`)

// propose sends a proposal of text for page as w and returns its id.
func (f *fixture) propose(w *client, page, summary, text string) string {
	f.t.Helper()
	r := req(w, "GET", "/"+page+"/proposer", nil)
	m := regexp.MustCompile(`name="base" value="([0-9a-f]+)"`).FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil {
		f.t.Fatalf("proposal form: %d\n%.500s", r.status, r.body)
	}
	r = req(w, "POST", "/"+page+"/proposer", url.Values{"base": {m[1]}, "resume": {summary}, "texte": {text}})
	id := proposalIDRE.FindStringSubmatch(r.header.Get("Location"))
	if r.status != http.StatusSeeOther || id == nil {
		f.t.Fatalf("propose: %d %s\n%.800s", r.status, r.header.Get("Location"), r.body)
	}
	return id[1]
}

func (f *fixture) proposal(id string) proposals.Proposal {
	f.t.Helper()
	p, err := f.queue.Get(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

func TestProposalAcceptMerged(t *testing.T) {
	f := newFixture(t, options{noSearch: true, accounts: true, seed: proposalSeed()})
	ps := newPeople(f)
	orig := fixtureFile(pSvc + ".md")
	form := req(ps.agent, "GET", "/"+pSvc+"/proposer", nil)
	contains(t, "proposal form", form.body, "Résumé de votre proposition", `name="telephone" value="03 85 99 00 11"`)
	contains(t, "proposal source form", req(ps.agent, "GET", "/"+pSvc+"/proposer?mode=source", nil).body, `telephone: &#34;03 85 99 00 11&#34;`)
	lacks(t, "proposal form", form.body, "Vous pouvez modifier cette page directement")
	contains(t, "form for its editor", req(ps.editorA, "GET", "/"+pSvc+"/proposer", nil).body, "Vous pouvez modifier cette page directement")

	id := f.propose(ps.agent, pSvc, "Nouveau numéro", strings.Replace(orig, "03 85 99 00 11", "03 85 99 00 22", 1))
	contains(t, "after sending", req(ps.agent, "GET", "/propositions/"+id+"?envoyee=1", nil).body, "Votre proposition a été envoyée", "Nouveau numéro", "03 85 99 00 22")

	// Who sees it: the header counts it for its reviewers only.
	contains(t, "editor's header", req(ps.editorA, "GET", "/structures", nil).body, `href="/propositions"`, "Propositions (1)")
	lacks(t, "agent's header", req(ps.agent, "GET", "/structures", nil).body, "Propositions (")
	lacks(t, "other editor's header", req(ps.editorB, "GET", "/structures", nil).body, "Propositions (")
	contains(t, "proposer's list", req(ps.agent, "GET", "/propositions/mes", nil).body, "Nouveau numéro")
	lacks(t, "agent's queue", req(ps.agent, "GET", "/propositions", nil).body, "Nouveau numéro")
	lacks(t, "other editor's queue", req(ps.editorB, "GET", "/propositions", nil).body, "Nouveau numéro")
	contains(t, "editor's queue", req(ps.editorA, "GET", "/propositions", nil).body, "Nouveau numéro", "/propositions/"+id)
	contains(t, "admin's queue", req(ps.admin, "GET", "/propositions", nil).body, "Nouveau numéro")
	if r := req(ps.editorB, "GET", "/propositions/"+id, nil); r.status != http.StatusNotFound {
		t.Errorf("other editor sees the proposal: %d", r.status)
	}
	detail := req(ps.editorA, "GET", "/propositions/"+id, nil).body
	contains(t, "review page", detail, `action="/propositions/`+id+`/accepter"`, `action="/propositions/`+id+`/refuser"`, "03 85 99 00 22")

	// Nobody but a reviewer accepts.
	for _, w := range []*client{ps.nobody, ps.agent, ps.editorB} {
		if r := req(w, "POST", "/propositions/"+id+"/accepter", url.Values{}); r.status < 400 {
			t.Errorf("accepted by a client without the right: %d", r.status)
		}
	}

	// The page moves on elsewhere meanwhile: accepting merges.
	f.commit("Texte complété", map[string]string{pSvc + ".md": strings.Replace(orig, "Produits alimentaires", "Produits frais, alimentaires", 1)})
	f.refresh()
	contains(t, "moved notice", req(ps.editorA, "GET", "/propositions/"+id, nil).body, "La page a été modifiée depuis cette proposition")
	r := req(ps.editorA, "POST", "/propositions/"+id+"/accepter", url.Values{})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/propositions/"+id+"?fusion=1" {
		t.Fatalf("accept: %d %s\n%.800s", r.status, r.header.Get("Location"), r.body)
	}
	ctx := context.Background()
	head, _ := f.store.Head(ctx)
	cm, _ := f.store.CommitInfo(ctx, head)
	if cm.Author.Name != ps.agentUser.Name || cm.Author.Email != ps.agentUser.Email || !strings.Contains(cm.Message, "Nouveau numéro") ||
		!strings.Contains(cm.Message, ps.editorAUser.Name) {
		t.Errorf("accepted commit = %+v", cm)
	}
	file, _ := f.store.ReadFile(ctx, head, pSvc+".md")
	contains(t, "merged file", string(file.Data), "03 85 99 00 22", "Produits frais, alimentaires")
	p := f.proposal(id)
	if p.Status != proposals.Accepted || p.Decision.Result != head || p.Decision.By.Name != ps.editorAUser.Name {
		t.Errorf("proposal after accept = %+v %+v", p, p.Decision)
	}
	contains(t, "the page shows it", f.page("/"+pSvc), "03 85 99 00 22")
	contains(t, "proposer sees the decision", req(ps.agent, "GET", "/propositions/"+id, nil).body, "Acceptée", ps.editorAUser.Name)
	if r := req(ps.editorA, "POST", "/propositions/"+id+"/accepter", url.Values{}); r.status != http.StatusConflict || !strings.Contains(r.body, "déjà été traitée") {
		t.Errorf("second accept: %d", r.status)
	}
}

// TestProposalDecidedOnce has two reviewers accept and decline one
// proposal at the same time, many times over: each proposal gets exactly
// one decision, and the branch holds its change if and only if that
// decision is an accept.
func TestProposalDecidedOnce(t *testing.T) {
	f := newFixture(t, options{noSearch: true, accounts: true, seed: proposalSeed()})
	ps := newPeople(f)
	admin := f.newUser("alix@example.org", accounts.RoleAdmin)
	ctx := context.Background()
	for round := range 8 {
		head, _ := f.store.Head(ctx)
		cur, _ := f.store.ReadFile(ctx, head, pSvc+".md")
		number := fmt.Sprintf("03 85 99 %02d %02d", round, round)
		id := f.propose(ps.agent, pSvc, "Numéro "+number, regexp.MustCompile(`telephone: "[^"]*"`).ReplaceAllString(string(cur.Data), `telephone: "`+number+`"`))
		// A client is one browser: one each, as they are not shared.
		clients := []*client{f.as(ps.editorAUser), f.as(admin), f.as(ps.editorAUser), f.as(admin)}
		var wg sync.WaitGroup
		statuses := make([]int, len(clients))
		for i, who := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				action, form := "accepter", url.Values{}
				if i%2 == 1 {
					action, form = "refuser", url.Values{"raison": {"Doublon."}}
				}
				statuses[i] = req(who, "POST", "/propositions/"+id+"/"+action, form).status
			}()
		}
		wg.Wait()
		won := 0
		for _, st := range statuses {
			switch st {
			case http.StatusSeeOther:
				won++
			case http.StatusConflict:
			default:
				t.Errorf("round %d: a decision answered %d (%v)", round, st, statuses)
			}
		}
		p := f.proposal(id)
		head, _ = f.store.Head(ctx)
		file, _ := f.store.ReadFile(ctx, head, pSvc+".md")
		applied := strings.Contains(string(file.Data), number)
		if won != 1 || p.Status == proposals.Open || applied != (p.Status == proposals.Accepted) {
			t.Fatalf("round %d: %d decisions won (%v), proposal %s, change applied %v", round, won, statuses, p.Status, applied)
		}
	}
}

func TestProposalConflictAndDecline(t *testing.T) {
	f := newFixture(t, options{noSearch: true, accounts: true, seed: proposalSeed()})
	ps := newPeople(f)
	orig := fixtureFile(pSvc + ".md")
	id := f.propose(ps.agent, pSvc, "Autre numéro", strings.Replace(orig, "03 85 99 00 11", "03 85 99 00 33", 1))
	f.commit("Numéro changé", map[string]string{pSvc + ".md": strings.Replace(orig, "03 85 99 00 11", "03 85 99 00 44", 1)})
	f.refresh()
	ctx := context.Background()
	before, _ := f.store.Head(ctx)
	r := req(ps.admin, "POST", "/propositions/"+id+"/accepter", url.Values{})
	if r.status != http.StatusConflict {
		t.Fatalf("conflicting accept: %d\n%.500s", r.status, r.body)
	}
	contains(t, "conflict page", r.body, "Rien n&#39;a été enregistré", "<code>telephone</code>", "03 85 99 00 33", "03 85 99 00 44")
	if after, _ := f.store.Head(ctx); after != before {
		t.Error("a conflicting accept committed")
	}
	if p := f.proposal(id); p.Status != proposals.Open {
		t.Errorf("proposal after conflict = %s", p.Status)
	}

	r = req(ps.editorA, "POST", "/propositions/"+id+"/refuser", url.Values{"raison": {"  "}})
	if r.status != http.StatusUnprocessableEntity {
		t.Errorf("decline without reason: %d", r.status)
	}
	contains(t, "decline without reason", r.body, "Indiquez une raison", `aria-describedby="raison-aide raison-erreur"`)
	if r := req(ps.editorB, "POST", "/propositions/"+id+"/refuser", url.Values{"raison": {"Non."}}); r.status != http.StatusNotFound {
		t.Errorf("decline by another editor: %d", r.status)
	}
	if r := req(ps.editorA, "POST", "/propositions/"+id+"/refuser", url.Values{"raison": {"Le numéro a déjà changé."}}); r.status != http.StatusSeeOther {
		t.Fatalf("decline: %d", r.status)
	}
	p := f.proposal(id)
	if p.Status != proposals.Declined || p.Decision.Reason != "Le numéro a déjà changé." {
		t.Errorf("declined = %+v", p.Decision)
	}
	contains(t, "proposer's declined list", req(ps.agent, "GET", "/propositions/mes?statut=refusee", nil).body, "Autre numéro")
	contains(t, "proposer sees why", req(ps.agent, "GET", "/propositions/"+id, nil).body, "Le numéro a déjà changé.")
}

func TestReportClosed(t *testing.T) {
	f := newFixture(t, options{noSearch: true, accounts: true, seed: proposalSeed()})
	ps := newPeople(f)
	p, err := f.queue.Propose(context.Background(), proposals.Draft{Kind: proposals.Report, Path: pSvc,
		Base: headOf(t, f), Author: anonymousAuthor, Text: "Fermé le lundi.", Contact: "contact-secret@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	detail := req(ps.editorA, "GET", "/propositions/"+p.ID, nil).body
	contains(t, "report for its editor", detail, "Fermé le lundi.", "contact-secret@example.org", `/clore"`)
	lacks(t, "report", detail, `/accepter"`)
	if r := req(ps.editorA, "POST", "/propositions/"+p.ID+"/accepter", url.Values{}); r.status != http.StatusForbidden {
		t.Errorf("accepting a report: %d", r.status)
	}
	if r := req(ps.editorA, "POST", "/propositions/"+p.ID+"/clore", url.Values{"raison": {"Horaires corrigés."}}); r.status != http.StatusSeeOther {
		t.Fatalf("close: %d\n%.500s", r.status, r.body)
	}
	if got := f.proposal(p.ID); got.Status != proposals.Closed || got.Decision.Reason != "Horaires corrigés." {
		t.Errorf("closed = %+v", got.Decision)
	}
}

func TestFreshnessPage(t *testing.T) {
	f := newFixture(t, options{noSearch: true, accounts: true, seed: proposalSeed()})
	ps := newPeople(f)
	// The fixture's clock is 24 November 2026 and its period 6 months:
	// ccas-cluny and its épicerie were verified on 15 September (fresh),
	// its other services never; structure B's service never either.
	contains(t, "editor's header", req(ps.editorA, "GET", "/", nil).body, `href="/fraicheur"`)
	lacks(t, "agent's header", req(ps.agent, "GET", "/", nil).body, `href="/fraicheur"`)
	a := req(ps.editorA, "GET", "/fraicheur", nil)
	if a.status != http.StatusOK {
		t.Fatalf("/fraicheur: %d", a.status)
	}
	contains(t, "editor A", a.body, "Domiciliation administrative", "Vestiaire solidaire", "jamais")
	lacks(t, "editor A", a.body, "Service de B", ">Épicerie sociale et solidaire de Cluny<")
	contains(t, "admin", req(ps.admin, "GET", "/fraicheur", nil).body, "Service de B", "Domiciliation administrative")
	if r := req(ps.agent, "GET", "/fraicheur", nil); r.status != http.StatusForbidden {
		t.Errorf("agent: %d", r.status)
	}
	// The page's mark follows the same rule.
	contains(t, "stale mark", f.page("/services/domiciliation-cluny"), "À vérifier")
	lacks(t, "fresh page", f.page("/"+pSvc), "À vérifier")
}

var anonymousAuthor = content.Author{Name: "Signalement anonyme"}

func headOf(t *testing.T, f *fixture) content.Revision {
	t.Helper()
	h, err := f.store.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// proposalSeed is the fixture with a structure B and its service.
func proposalSeed() fstest.MapFS {
	seed := fixtureFiles()
	seed["structures/structure-b.md"] = &fstest.MapFile{Data: []byte("---\nnom: \"Structure B\"\ncommune: \"Mâcon\"\nverifie_le: 2026-11-01\n---\nLa structure B.\n")}
	seed["services/service-b.md"] = &fstest.MapFile{Data: []byte("---\nnom: \"Service de B\"\nstructure: structure-b\n" +
		"thematiques: [equipement-et-alimentation--alimentation]\n---\nLe service de B.\n")}
	return seed
}
