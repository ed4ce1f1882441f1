package themes_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/aiguillage/aiguillage/themes"
)

// axeScript is axe-core, vendored in testdata/axe (see its README).
var axeScript struct {
	once sync.Once
	src  string
	err  error
}

func loadAxe(t *testing.T) string {
	t.Helper()
	axeScript.once.Do(func() {
		b, err := os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
		axeScript.src, axeScript.err = string(b), err
	})
	if axeScript.err != nil {
		t.Fatal(axeScript.err)
	}
	return axeScript.src
}

// axeRun runs the WCAG 2.0 and 2.1, levels A and AA, rules on the whole
// document, plus the best practices about landmarks and headings that
// screen reader users navigate by, and returns only what the tests print:
// each violation with the selectors and a summary of its nodes.
const axeRun = `axe.run(document, {
  runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
  rules: Object.fromEntries([
    'landmark-one-main', 'landmark-unique', 'landmark-no-duplicate-banner', 'landmark-no-duplicate-contentinfo',
    'landmark-no-duplicate-main', 'region', 'page-has-heading-one', 'heading-order', 'empty-heading',
    'aria-allowed-role', 'skip-link'
  ].map(id => [id, {enabled: true}])),
  resultTypes: ['violations']
}).then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
  nodes: v.nodes.map(n => ({target: n.target.map(String), html: n.html, summary: n.failureSummary}))
})))`

type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  []string `json:"target"`
		HTML    string   `json:"html"`
		Summary string   `json:"summary"`
	} `json:"nodes"`
}

func (v axeViolation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s\n    %s", v.ID, v.Impact, v.Help, v.HelpURL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n    - %s\n      %s\n      %s", strings.Join(n.Target, " "), n.HTML,
			strings.ReplaceAll(n.Summary, "\n", "\n      "))
	}
	return b.String()
}

// checkAxe fails the test with every violation axe-core finds in the page
// loaded in ctx.
func checkAxe(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	for _, v := range runAxe(t, ctx, what) {
		t.Errorf("%s: %v", what, v)
	}
}

// runAxe injects axe-core into the page loaded in ctx and runs it.
func runAxe(t *testing.T, ctx context.Context, what string) []axeViolation {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](loadAxe(t))); err != nil {
		t.Fatalf("%s: inject axe: %v", what, err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: axe.run: %v", what, err)
	}
	var violations []axeViolation
	if err := json.Unmarshal(raw, &violations); err != nil {
		t.Fatalf("%s: decode axe results %s: %v", what, raw, err)
	}
	return violations
}

// axePages are the pages checked with axe-core, by name.
func axePages(e *env) []struct{ name, path string } {
	return []struct{ name, path string }{
		{"home", "/"},
		{"search", searchPath},
		{"search-empty", "/recherche"},
		{"search-filters", searchPath + "&frais=gratuit&rayon=20"},
		{"search-page-2", "/recherche?q=aide&page=2"},
		{"service", servicePath},
		{"sheet", servicePath + "/fiche"},
		{"structure", structurePath},
		{"guide", guidePath},
		{"history", servicePath + "/historique"},
		{"revision", servicePath + "/revision/" + string(e.seedRev)},
		{"diff", e.diffPath()},
		{"structures", "/structures"},
		{"guides", "/pages"},
		{"problems", "/problemes"},
		{"changes", "/modifications"},
		{"report", servicePath + "/signaler"},
		{"not-found", "/services/service-inexistant"},
		{"signin", "/connexion"},
		{"signin-redirect", "/compte"}, // the 401 of a page for signed-in users
		{"widget", "/widget?q=aide+alimentaire&commune=71137"},
	}
}

// TestPages checks every kind of page with axe-core, on a desktop and a
// phone-sized viewport, with both built-in themes; at 360 px it also checks
// that the page reflows: no horizontal scrolling (WCAG 1.4.10). The error
// page (500) comes from a server whose repository log fails.
func TestPages(t *testing.T) {
	e := browserEnv(t)
	for _, theme := range themes.Builtin() {
		for _, width := range []int64{1280, 360} {
			t.Run(fmt.Sprintf("%s/%d", theme, width), func(t *testing.T) {
				t.Parallel()
				ctx := e.tab(t, width)
				for _, p := range axePages(e) {
					what := p.name + " " + p.path
					navigate(t, ctx, e.url(theme, p.path))
					checkAxe(t, ctx, what)
					if width == 360 {
						checkReflow(t, ctx, what, int(width))
					}
				}
				// The error page (500), from the server whose log fails.
				const what = "server-error /modifications"
				navigate(t, ctx, e.brokenURL(theme, "/modifications"))
				if got := text(t, ctx, "h1"); got != "Erreur du serveur" {
					t.Errorf("%s: h1 %q", what, got)
				}
				checkAxe(t, ctx, what)
				if width == 360 {
					checkReflow(t, ctx, what, int(width))
				}
			})
		}
	}
}

// checkReflow fails the test if the page in ctx scrolls horizontally at
// width, and names the elements that stick out.
func checkReflow(t *testing.T, ctx context.Context, what string, width int) {
	t.Helper()
	sw := eval[int](t, ctx, `document.documentElement.scrollWidth`)
	if sw <= width {
		return
	}
	// The innermost elements that stick out are the culprits; their
	// ancestors only follow.
	wide := eval[[]string](t, ctx, fmt.Sprintf(`(() => {
	  const out = el => el.getBoundingClientRect().right > %d;
	  return [...document.querySelectorAll('body *')]
	    .filter(el => out(el) && ![...el.children].some(out))
	    .slice(0, 8)
	    .map(el => el.outerHTML.slice(0, 200) + ' (right ' + Math.round(el.getBoundingClientRect().right) + ')');
	})()`, width))
	t.Errorf("%s: scrollWidth %d > %d px, horizontal scrolling; widest elements:\n  %s",
		what, sw, width, strings.Join(wide, "\n  "))
}

// TestAxeFindsViolations makes sure the axe set-up really checks: a page
// with an image without text and an unlabelled field must fail.
func TestAxeFindsViolations(t *testing.T) {
	e := browserEnv(t)
	ctx := e.tab(t, 1280)
	navigate(t, ctx, e.url("default", "/"))
	// The page's CSP forbids style attributes, not styles set from script.
	eval[chromedp.Void](t, ctx, `(() => {
	  const main = document.querySelector('main');
	  main.insertAdjacentHTML('beforeend', '<img src="/static/logo.svg"><input type="text"><p id="pale">pâle</p>');
	  document.getElementById('pale').style.color = '#bbb';
	})()`)
	violations := runAxe(t, ctx, "page built to fail")
	found := map[string]bool{}
	for _, v := range violations {
		found[v.ID] = true
	}
	for _, id := range []string{"image-alt", "label", "color-contrast"} {
		if !found[id] {
			t.Errorf("axe did not report %s on a page built to fail it; got %v", id, violations)
		}
	}
}
