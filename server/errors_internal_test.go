package server

import (
	"fmt"
	"slices"
	"testing"

	"github.com/aiguillage/aiguillage/accounts"
	"github.com/aiguillage/aiguillage/themes"
)

// TestAccountErrorsShowCatalogueTexts classifies each error of package
// accounts that a handler may pass on: a client error whose message is a
// text of the server's catalogue (here English), never the error's own
// French text, which is for the command line and the logs.
func TestAccountErrorsShowCatalogueTexts(t *testing.T) {
	fsys, err := themes.FS("default")
	if err != nil {
		t.Fatal(err)
	}
	theme, err := themes.Load(fsys, "en")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{cfg: Config{Theme: theme}}
	texts := make([]string, 0, len(theme.Messages()))
	for _, v := range theme.Messages() {
		texts = append(texts, v)
	}
	for _, e := range []error{accounts.ErrNotFound, accounts.ErrExists, accounts.ErrBadCredentials, accounts.ErrWeakPassword,
		accounts.ErrExpired, accounts.ErrDisabled, accounts.ErrForbidden, accounts.ErrInvalid} {
		status, code, msg := s.classify(fmt.Errorf("accounts: some operation: %w", e))
		if status < 400 || status >= 500 || code == "internal" || !slices.Contains(texts, msg) {
			t.Errorf("%q: %d %s %q, want a client error with a text of the catalogue", e, status, code, msg)
		}
	}
}
