package themes_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/aiguillage/aiguillage/accounts"
	"github.com/aiguillage/aiguillage/themes"
)

// TestSignInByKeyboard: from a service page, the keyboard reaches « Se
// connecter », fills the form and signs in; the person comes back to the
// page, which now shows their name and the pro information.
func TestSignInByKeyboard(t *testing.T) {
	e := browserEnv(t)
	ctx := e.privateTab(t, 1280)
	navigate(t, ctx, e.url("default", servicePath))
	if eval[bool](t, ctx, `!!document.querySelector('.pro')`) {
		t.Fatal("an anonymous visitor sees the pro block")
	}
	for i := 0; ; i++ {
		if i == 30 {
			t.Fatal("30 Tabs did not reach the sign-in link")
		}
		do(t, ctx, "Tab", chromedp.KeyEvent(kb.Tab))
		if eval[string](t, ctx, `document.activeElement.textContent.trim()`) == "Se connecter" {
			break
		}
	}
	follow(t, ctx, "open the sign-in page", pressEnter)
	if loc := location(t, ctx); loc.Path != "/connexion" || loc.Query().Get("retour") != servicePath {
		t.Fatalf("the link led to %s", loc)
	}
	do(t, ctx, "type the e-mail", chromedp.SendKeys(chromedp.ID("email"), agentEmail))
	do(t, ctx, "Tab to the password", chromedp.KeyEvent(kb.Tab))
	if id := eval[string](t, ctx, `document.activeElement.id`); id != "password" {
		t.Fatalf("Tab from the e-mail went to #%s", id)
	}
	do(t, ctx, "type a wrong password", chromedp.KeyEvent("pas le bon"))
	follow(t, ctx, "submit with Enter", pressEnter)
	if got := text(t, ctx, "[role=alert]"); !strings.Contains(got, "incorrect") {
		t.Fatalf("after a wrong password the alert says %q", got)
	}
	if got := eval[string](t, ctx, `document.getElementById('email').value`); got != agentEmail {
		t.Errorf("the e-mail was not kept: %q", got)
	}
	do(t, ctx, "type the password", chromedp.SendKeys(chromedp.ID("password"), browserPassword))
	follow(t, ctx, "submit with Enter", pressEnter)
	if loc := location(t, ctx); loc.Path != servicePath {
		t.Fatalf("after signing in the browser is on %s, want %s", loc, servicePath)
	}
	if got := text(t, ctx, ".compte-nom"); got != "Sacha Agent" {
		t.Errorf("header shows %q, want the user's name", got)
	}
	if !eval[bool](t, ctx, `!!document.querySelector('.pro')`) {
		t.Error("the signed-in agent does not see the pro block")
	}
	if eval[bool](t, ctx, `document.cookie.includes('aiguillage_session')`) {
		t.Error("the session cookie is readable from JavaScript")
	}
	follow(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`.nav-compte button`)))
	if got := text(t, ctx, ".nav-compte"); !strings.Contains(got, "Se connecter") {
		t.Errorf("after signing out the header says %q", got)
	}
}

// TestAccountPagesAxe checks the pages of accounts with axe-core, in both
// themes at 1280 and 360 px, with the reflow check on phones.
func TestAccountPagesAxe(t *testing.T) {
	e := browserEnv(t)
	pages := []struct{ email, path string }{
		{agentEmail, "/compte"},
		{editorEmail, "/invitations"},
		{adminEmail, "/admin/utilisateurs"},
		{adminEmail, "/invitations"},
	}
	for _, theme := range themes.Builtin() {
		for _, width := range []int64{1280, 360} {
			t.Run(fmt.Sprintf("%s/%d", theme, width), func(t *testing.T) {
				t.Parallel()
				for _, p := range pages {
					ctx := e.signedInTab(t, width, p.email)
					what := p.email + " " + p.path
					navigate(t, ctx, e.url(theme, p.path))
					if got := text(t, ctx, "h1"); got == "" || strings.Contains(got, "Accès refusé") {
						t.Fatalf("%s: h1 %q", what, got)
					}
					checkAxe(t, ctx, what)
					if width == 360 {
						checkReflow(t, ctx, what, int(width))
					}
				}
				// The forms with their errors shown.
				ctx := e.privateTab(t, width)
				navigate(t, ctx, e.url(theme, "/connexion"))
				do(t, ctx, "fill", chromedp.SendKeys(chromedp.ID("email"), "x@example.org"),
					chromedp.SendKeys(chromedp.ID("password"), "faux"))
				follow(t, ctx, "submit", chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
				checkAxe(t, ctx, "sign-in with an error")
				ctx = e.signedInTab(t, width, agentEmail)
				navigate(t, ctx, e.url(theme, "/compte"))
				do(t, ctx, "fill", chromedp.SendKeys(chromedp.ID("password"), "faux mot de passe"),
					chromedp.SendKeys(chromedp.ID("new_password"), "court"), chromedp.SendKeys(chromedp.ID("confirm"), "court"))
				eval[chromedp.Void](t, ctx, `document.getElementById('new_password').removeAttribute('minlength')`)
				follow(t, ctx, "submit", chromedp.Click(chromedp.CSS(`form[action="/compte/mot-de-passe"] button`)))
				if got := text(t, ctx, "#password-erreur"); !strings.Contains(got, "incorrect") {
					t.Errorf("account form error %q", got)
				}
				checkAxe(t, ctx, "account with an error")

				// The pages of an invitation link and of a reset link.
				for _, link := range e.links(t, fmt.Sprintf("invite-%s-%d@example.org", theme, width)) {
					ctx := e.privateTab(t, width)
					navigate(t, ctx, e.url(theme, link))
					if !eval[bool](t, ctx, `!!document.getElementById('new_password')`) {
						t.Fatalf("%s: no password form", link)
					}
					checkAxe(t, ctx, link)
					if width == 360 {
						checkReflow(t, ctx, link, int(width))
					}
				}
			})
		}
	}
}

// links makes an invitation link for email and a reset link of a new
// account, and returns their paths.
func (e *env) links(t *testing.T, email string) []string {
	t.Helper()
	ctx := context.Background()
	admin, err := e.accounts.UserByEmail(ctx, adminEmail)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := e.accounts.CreateInvitation(ctx, admin, accounts.Invitation{Email: email, Role: accounts.RoleEditor, Structures: []string{"ccas-cluny"}})
	if err != nil {
		t.Fatal(err)
	}
	// A reset ends the earlier links of its account: one account per call.
	u, err := e.accounts.CreateUser(ctx, accounts.NewUser{Email: "reset-" + email, Name: "Réinitialisé",
		Role: accounts.RoleAgent, Password: browserPassword})
	if err != nil {
		t.Fatal(err)
	}
	reset, err := e.accounts.CreateReset(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return []string{"/invitation/" + inv, "/mot-de-passe/" + reset}
}
