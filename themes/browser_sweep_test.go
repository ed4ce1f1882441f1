package themes_test

// The accessibility sweep across features: the pages axePages cannot reach
// with an anonymous GET (pages for signed-in users, the error pages that a
// refused form or a too large body lead to), checked with axe-core in both
// themes at 1280 and 360 px.

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/aiguillage/aiguillage/themes"
)

// TestSweepAxe checks the edit form, the administration pages, the 403
// page, the page of a refused (forged) form and the 413 page.
func TestSweepAxe(t *testing.T) {
	e := browserEnv(t)
	signed := []struct{ email, path, h1 string }{
		{editorEmail, servicePath + "/modifier", ""},
		{editorEmail, structurePath + "/modifier", ""},
		{adminEmail, "/admin/import", ""},
		{agentEmail, "/admin/utilisateurs", "Accès refusé"}, // 403
	}
	for _, theme := range themes.Builtin() {
		for _, width := range []int64{1280, 360} {
			t.Run(fmt.Sprintf("%s/%d", theme, width), func(t *testing.T) {
				t.Parallel()
				check := func(ctx context.Context, what string) {
					t.Helper()
					checkAxe(t, ctx, what)
					if width == 360 {
						checkReflow(t, ctx, what, int(width))
					}
				}
				for _, p := range signed {
					ctx := e.signedInTab(t, width, p.email)
					what := p.email + " " + p.path
					navigate(t, ctx, e.url(theme, p.path))
					if got := text(t, ctx, "h1"); got == "" || (p.h1 == "") == strings.Contains(got, "Accès refusé") {
						t.Fatalf("%s: h1 %q", what, got)
					}
					check(ctx, what)
				}
				// A form sent without its token: the CSRF refusal.
				ctx := e.privateTab(t, width)
				navigate(t, ctx, e.url(theme, "/connexion"))
				eval[chromedp.Void](t, ctx, `document.querySelectorAll('main input[name=_csrf]').forEach(el => el.remove())`)
				do(t, ctx, "fill", chromedp.SendKeys(chromedp.ID("email"), "x@example.org"),
					chromedp.SendKeys(chromedp.ID("password"), "faux"))
				follow(t, ctx, "submit without token", chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
				if got := text(t, ctx, "main"); !strings.Contains(got, "le formulaire a expiré") {
					t.Errorf("forged form: page says %q", got)
				}
				check(ctx, "CSRF refusal")
				// A body over the server's limit (2 MiB): the 413 page.
				ctx = e.privateTab(t, width)
				navigate(t, ctx, e.url(theme, "/connexion"))
				eval[chromedp.Void](t, ctx, `(() => { const f = document.querySelector('main form'), i = document.createElement('input');
				  i.type = 'hidden'; i.name = 'remplissage'; i.value = 'x'.repeat(3 << 20); f.append(i); })()`)
				do(t, ctx, "fill", chromedp.SendKeys(chromedp.ID("email"), "x@example.org"),
					chromedp.SendKeys(chromedp.ID("password"), "faux"))
				follow(t, ctx, "submit too large", chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
				if got := eval[string](t, ctx, `document.body.innerText.slice(0, 400)`); !strings.Contains(got, "trop volumineux") {
					t.Errorf("too large form: page %q", got)
				}
				check(ctx, "413 page")
			})
		}
	}
}
