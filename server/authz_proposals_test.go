package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/proposals"
)

// Requests of the proposal routes for the authorization matrix.

// formPost is a POST of form to target (the matrix adds the CSRF token).
func formPost(target string, form url.Values) *http.Request {
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// reportRequest is a genuine report of page: a time stamp ten seconds old.
func reportRequest(page string) func(*authzWorld, int) *http.Request {
	return func(w *authzWorld, actor int) *http.Request {
		return formPost(page+"/signaler", url.Values{"texte": {"Le numéro a changé."}, "horodatage": {reportStamp(now.Add(-10 * time.Second))}})
	}
}

// headFile is the text of a page's file at the branch's tip.
func (w *authzWorld) headFile(page string) (content.Revision, string) {
	w.f.t.Helper()
	ctx := context.Background()
	head, err := w.f.store.Head(ctx)
	if err != nil {
		w.f.t.Fatal(err)
	}
	f, err := w.f.store.ReadFile(ctx, head, page+".md")
	if err != nil {
		w.f.t.Fatal(err)
	}
	return head, string(f.Data)
}

// proposeRequest proposes a change of page of the actor's own.
func proposeRequest(page string) func(*authzWorld, int) *http.Request {
	return func(w *authzWorld, actor int) *http.Request {
		head, text := w.headFile(page)
		text += "\nProposé par " + actorNames[actor] + ".\n"
		return formPost("/"+page+"/proposer", url.Values{"base": {string(head)}, "resume": {"Précision"}, "texte": {text}})
	}
}

// decideRequest makes a new proposal (or report) by the agent on structure
// B's service, and decides on it with action.
func decideRequest(kind proposals.Kind, action string) func(*authzWorld, int) *http.Request {
	return func(w *authzWorld, actor int) *http.Request {
		const page = "services/service-b"
		head, text := w.headFile(page)
		d := proposals.Draft{Kind: kind, Path: page, Base: head, Summary: "Précision",
			Author: content.Author{Name: w.users[agent].Name, Email: w.users[agent].Email}, Account: strconv.FormatInt(w.users[agent].ID, 10)}
		if kind == proposals.Report {
			d.Text = "Le service a fermé."
		} else {
			d.File = []byte(text + "\nPrécision pour " + action + " par " + actorNames[actor] + ".\n")
		}
		p, err := w.f.queue.Propose(context.Background(), d)
		if err != nil {
			w.f.t.Fatal(err)
		}
		return formPost("/propositions/"+p.ID+"/"+action, url.Values{"raison": {"Déjà fait."}})
	}
}
