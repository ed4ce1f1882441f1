package themes_test

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/aiguillage/aiguillage/accounts"
)

// Accounts of the browser tests, all with browserPassword.
const (
	browserPassword = "mot de passe des tests"
	adminEmail      = "admin@example.org"
	editorEmail     = "editeur@example.org" // editeur of structurePath's structure
	agentEmail      = "agent@example.org"
)

// openAccounts opens the servers' accounts and makes the test accounts.
func (e *env) openAccounts(ctx context.Context, path string) error {
	store, err := accounts.Open(ctx, accounts.Config{Path: path, Params: accounts.TestParams()})
	if err != nil {
		return err
	}
	e.stop = append(e.stop, func() { _ = store.Close() })
	e.accounts = store
	for _, nu := range []accounts.NewUser{
		{Email: adminEmail, Name: "Camille Admin", Role: accounts.RoleAdmin},
		{Email: editorEmail, Name: "Dominique Éditrice", Role: accounts.RoleEditor, Structures: []string{"ccas-cluny"}},
		{Email: agentEmail, Name: "Sacha Agent", Role: accounts.RoleAgent},
	} {
		nu.Password = browserPassword
		if _, err := store.CreateUser(ctx, nu); err != nil {
			return err
		}
	}
	return nil
}

// privateTab is a tab in a browser context of its own: its cookies (a
// session) are not seen by other tabs, which stay anonymous.
func (e *env) privateTab(t *testing.T, width int64) context.Context {
	t.Helper()
	return e.newTab(t, width, chromedp.WithNewBrowserContext())
}

// signedInTab is a private tab signed in as the account of email, with a
// session made in the store and set as the browser's cookie: tests of
// pages for signed-in users start there without going through the form.
func (e *env) signedInTab(t *testing.T, width int64, email string) context.Context {
	t.Helper()
	ctx := e.privateTab(t, width)
	u, err := e.accounts.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := e.accounts.CreateSession(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Cookies ignore ports: one cookie serves every theme's server.
	httpOnly := true
	if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "aiguillage_session", Value: secret,
		URL: e.urls["default"], HTTPOnly: &httpOnly, SameSite: network.CookieSameSiteLax}); err != nil {
		t.Fatalf("set the session cookie: %v", err)
	}
	return ctx
}
