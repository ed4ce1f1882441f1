package server_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/search"
	"github.com/aiguillage/aiguillage/server"
)

// secretDetail is in the injected errors: the log gets it, never a client.
const secretDetail = "disque plein sur /srv/secret/repo.git"

// brokenHistory is the real store whose history and log fail.
type brokenHistory struct{ server.Store }

func (b brokenHistory) History(context.Context, string, int) ([]content.Commit, error) {
	return nil, errors.New(secretDetail)
}

func (b brokenHistory) Log(context.Context, int) ([]content.Commit, error) {
	return nil, errors.New(secretDetail)
}

// brokenSearch is the real index whose searches fail.
type brokenSearch struct{ server.Searcher }

func (b brokenSearch) Search(context.Context, search.Query) (*search.Results, error) {
	return nil, errors.New(secretDetail)
}

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Internal errors: 500, a French message, the detail in the log only.
func TestInternalErrors(t *testing.T) {
	t.Parallel()
	var log syncBuffer
	f := newFixture(t, options{
		log:        &log,
		wrapStore:  func(s server.Store) server.Store { return brokenHistory{s} },
		wrapSearch: func(s server.Searcher) server.Searcher { return brokenSearch{s} },
	})
	for _, u := range []string{"/modifications", "/services/epicerie-sociale-cluny/historique"} {
		r := f.get(u)
		if r.status != http.StatusInternalServerError {
			t.Errorf("GET %s: status %d, want 500", u, r.status)
			continue
		}
		contains(t, "GET "+u, r.body, `<html lang="fr">`, "<h1>Erreur du serveur</h1>", "Une erreur inattendue s&#39;est produite.")
		lacks(t, "GET "+u, r.body, secretDetail, "/srv/")
		if cc := r.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("GET %s: Cache-Control %q, want no-store", u, cc)
		}
	}
	r := f.get("/api/v1/search?q=aide")
	if r.status != http.StatusInternalServerError {
		t.Fatalf("API: status %d, want 500", r.status)
	}
	e := decodeAPIError(t, "API 500", r)
	if e.Code != "internal" || !strings.Contains(e.Message, "Une erreur inattendue") {
		t.Errorf("API 500: %+v", e)
	}
	lacks(t, "API 500", r.body, secretDetail)

	// The HTML search page shows a French error in place of results.
	page := f.page("/recherche?q=aide")
	contains(t, "search page", page, `<div class="alerte alerte-erreur" role="alert">`)
	lacks(t, "search page", page, secretDetail)

	// Pages that do not need the failing parts still work.
	f.page("/services/epicerie-sociale-cluny")

	if !strings.Contains(log.String(), secretDetail) {
		t.Errorf("the log lacks the error's detail:\n%s", log.String())
	}
}
