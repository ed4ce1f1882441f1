package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
)

// apiPageRequest builds the matrix's request of a page API write, sent
// with a personal access token (none for anonymous). Each actor writes a
// service of structure B of its own, committed beforehand, so that one
// actor's success changes nothing another reads.
func apiPageRequest(method string) func(w *authzWorld, actor int) *http.Request {
	return func(w *authzWorld, actor int) *http.Request {
		slug := fmt.Sprintf("authz-%s-%d", map[string]string{"PUT": "put", "POST": "post", "DELETE": "delete"}[method], actor)
		text := "---\nnom: \"Service " + slug + "\"\nstructure: " + structureB +
			"\nthematiques: [equipement-et-alimentation--alimentation]\n---\nTexte.\n"
		target, body := "/api/v1/pages/services/"+slug, []byte(nil)
		rev := ""
		if method != "POST" {
			rev = string(w.f.commit("page of the matrix", map[string]string{"services/" + slug + ".md": text}).Revision)
			w.f.refresh()
		}
		switch method {
		case "PUT":
			body, _ = json.Marshal(map[string]any{"raw": text + "Ajout.\n"})
		case "POST":
			target = "/api/v1/pages/services"
			body, _ = json.Marshal(map[string]any{"slug": slug, "raw": text})
		}
		req := httptest.NewRequest(method, target, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if rev != "" {
			req.Header.Set("If-Match", `"`+rev+`"`)
		}
		if u := w.users[actor]; u != nil {
			tok, err := w.f.accounts.CreateToken(context.Background(), u.ID, "matrice")
			if err != nil {
				w.f.t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		return req
	}
}

// apiActionRequest builds the matrix's request of a page API action
// (rename, revert or verify), sent with a personal access token (none for
// anonymous), on a service of structure B of the actor's own: committed
// beforehand, then changed once so that a revert has a version to go
// back to.
func apiActionRequest(action string) func(w *authzWorld, actor int) *http.Request {
	return func(w *authzWorld, actor int) *http.Request {
		slug := fmt.Sprintf("authz-%s-%d", action, actor)
		text := "---\nnom: \"Service " + slug + "\"\nstructure: " + structureB +
			"\nthematiques: [equipement-et-alimentation--alimentation]\n---\nTexte.\n"
		first := w.f.commit("page of the matrix", map[string]string{"services/" + slug + ".md": text}).Revision
		rev := w.f.commit("page of the matrix, changed", map[string]string{"services/" + slug + ".md": text + "Ajout.\n"}).Revision
		w.f.refresh()
		var body any
		switch action {
		case "rename":
			body = map[string]any{"slug": slug + "-renomme"}
		case "revert":
			body = map[string]any{"revision": string(first)}
		}
		b, _ := json.Marshal(body)
		req := httptest.NewRequest(http.MethodPost, "/api/v1/pages/services/"+slug+"/"+action, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("If-Match", `"`+string(rev)+`"`)
		if u := w.users[actor]; u != nil {
			tok, err := w.f.accounts.CreateToken(context.Background(), u.ID, "matrice")
			if err != nil {
				w.f.t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		return req
	}
}
