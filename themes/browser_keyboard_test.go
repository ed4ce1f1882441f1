package themes_test

// Keyboard alone: the search filters, the paging links and the editor, in
// the order Tab takes, each focused element showing its focus.

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// focusedJS describes the focused element and whether its focus shows (an
// outline of 2 px or more, or a shadow), as TestFocusVisible requires.
const focusedJS = `(() => {
  const a = document.activeElement, s = getComputedStyle(a);
  // Chromium matches neither :focus nor :focus-visible on a date field whose parts have
  // the focus, only :focus-within.
  const kb = a.matches(':focus-visible') || a.matches('input[type=date]:focus-within, input[type=time]:focus-within');
  const shows = kb && ((s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none');
  return {element: a.tagName.toLowerCase() + (a.id ? '#' + a.id : '') + (a.name ? '[name=' + a.name + ']' : ''), visible: shows};
})()`

type focused struct {
	Element string
	Visible bool
}

// tabTo presses Tab until the focused element matches the CSS selector sel,
// at most max times, failing the test if it never does or if an element
// on the way shows no focus. It returns the elements it went through.
func tabTo(t *testing.T, ctx context.Context, sel string, max int) []string {
	t.Helper()
	var path []string
	for i := 0; i < max; i++ {
		do(t, ctx, "Tab", chromedp.KeyEvent(kb.Tab))
		f := eval[focused](t, ctx, focusedJS)
		path = append(path, f.Element)
		if !f.Visible {
			t.Errorf("no visible focus on %s", f.Element)
		}
		if eval[bool](t, ctx, fmt.Sprintf(`document.activeElement.matches(%q)`, sel)) {
			return path
		}
	}
	t.Fatalf("%s not reached with %d Tabs; went through %v", sel, max, path)
	return nil
}

// TestFacetsByKeyboard checks a filter with Space and applies the filters
// with Enter, then moves to the next page of results with the keyboard.
func TestFacetsByKeyboard(t *testing.T) {
	e := browserEnv(t)
	for _, theme := range []string{"default", "contraste"} {
		t.Run(theme, func(t *testing.T) {
			ctx := e.tab(t, 1280)
			navigate(t, ctx, e.url(theme, searchPath))
			box := `input[name=frais][value=gratuit]`
			tabTo(t, ctx, box, 80)
			do(t, ctx, "Space", chromedp.KeyEvent(" "))
			if !eval[bool](t, ctx, `document.activeElement.checked`) {
				t.Fatal("Space did not check the focused filter")
			}
			tabTo(t, ctx, `.facettes button[type=submit]`, 80)
			follow(t, ctx, "apply with Enter", pressEnter)
			if got := location(t, ctx).Query()["frais"]; len(got) != 1 || got[0] != "gratuit" {
				t.Errorf("after Enter: URL %s, want frais=gratuit", location(t, ctx))
			}

			// Paging: a broad search has more than one page.
			navigate(t, ctx, e.url(theme, "/recherche?q=aide"))
			tabTo(t, ctx, `.pagination a[rel=next]`, 200)
			follow(t, ctx, "next page with Enter", pressEnter)
			if got := location(t, ctx).Query().Get("page"); got != "2" {
				t.Fatalf("after Enter on the next link: URL %s, want page=2", location(t, ctx))
			}
			tabTo(t, ctx, `.pagination a[rel=prev]`, 200)
			follow(t, ctx, "previous page with Enter", pressEnter)
			if got := location(t, ctx).Query().Get("page"); got != "" && got != "1" {
				t.Errorf("after Enter on the previous link: URL %s, want the first page", location(t, ctx))
			}
		})
	}
}

// TestEditorByKeyboard tabs through the whole edit form: the focus goes
// down the page in document order, shows on every field, reaches the
// commune combobox (used by keyboard) and the save button; the live
// preview is a polite live region.
func TestEditorByKeyboard(t *testing.T) {
	e := browserEnv(t)
	ctx := e.privateTab(t, 1280)
	signIn(t, ctx, editURL(t, e, "/"), "editeur")
	navigate(t, ctx, editURL(t, e, servicePath+"/modifier"))
	if got := eval[string](t, ctx, `document.getElementById('apercu-contenu').getAttribute('aria-live')`); got != "polite" {
		t.Errorf("the preview's aria-live is %q, want polite", got)
	}
	// One fieldset per section, each with its own legend: a screen reader
	// announces the section's name once, on entering it.
	legends := eval[[]string](t, ctx, `[...document.querySelectorAll('fieldset.section-edition > legend')].map(l => l.textContent.trim())`)
	seen := map[string]bool{}
	for _, l := range legends {
		if seen[l] {
			t.Errorf("two sections titled %q: %v", l, legends)
			break
		}
		seen[l] = true
	}
	if len(legends) < 4 {
		t.Errorf("sections %v, want the form's sections", legends)
	}
	// Start from the form's first field, then Tab down to the save button
	// and check that each step goes further down the document.
	eval[chromedp.Void](t, ctx, `document.querySelector('#edition input:not([type=hidden]), #edition textarea').focus()`)
	path := tabTo(t, ctx, `#edition button[value=save]`, 150)
	if !containsPrefix(path, "input#commune") {
		t.Errorf("the commune field is not in the Tab order: %v", path)
	}
	// Walk again, checking the order this time.
	eval[chromedp.Void](t, ctx, `document.querySelector('#edition input:not([type=hidden]), #edition textarea').focus()`)
	for i := 0; i < 150; i++ {
		eval[chromedp.Void](t, ctx, `window.__p = document.activeElement`)
		do(t, ctx, "Tab", chromedp.KeyEvent(kb.Tab))
		// A date field keeps the focus while Tab goes through its parts.
		order := eval[string](t, ctx, `(() => {
		  const a = document.activeElement;
		  return a === window.__p || window.__p.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING ? '' : a.outerHTML.slice(0, 120);
		})()`)
		if order != "" {
			t.Errorf("Tab went back up the page to %s", order)
		}
		if eval[bool](t, ctx, `document.activeElement.matches('#edition button[value=save]')`) {
			break
		}
	}
	// The commune combobox by keyboard alone.
	eval[chromedp.Void](t, ctx, `document.querySelector('#edition input:not([type=hidden]), #edition textarea').focus()`)
	tabTo(t, ctx, `input#commune`, 150)
	do(t, ctx, "select the commune's text", chromedp.KeyEvent("a", chromedp.KeyModifiers(2))) // Ctrl+A
	do(t, ctx, "type macon", chromedp.KeyEvent(kb.Delete), chromedp.KeyEvent("macon"),
		chromedp.WaitVisible(chromedp.CSS(`#communes-liste [role=option]`)), chromedp.KeyEvent(kb.ArrowDown), pressEnter)
	if got := value(t, ctx, "commune"); got != "Mâcon" {
		t.Errorf("commune %q after the keyboard choice, want Mâcon", got)
	}
	if loc := location(t, ctx); !strings.HasSuffix(loc.Path, "/modifier") {
		t.Errorf("Enter on a suggestion submitted the form: at %s", loc)
	}
}

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}
