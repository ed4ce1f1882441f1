package themes_test

// What a person does in the browser: follow a need from the home page,
// filter results, pick a commune with the keyboard, skip to the content,
// see where the focus is, use the site without JavaScript.

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// follow runs trigger (a click, a key) and waits for the page it loads.
func follow(t *testing.T, ctx context.Context, what string, trigger chromedp.Action[chromedp.Void]) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, trigger)); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// pressEnter presses Enter as a keyboard does, the way Puppeteer sends it:
// one keyDown carrying the text "\r", whose keypress the page can cancel
// in its keydown handler, then keyUp. (chromedp.KeyEvent sends the char
// event apart, which no keydown handler can cancel.)
var pressEnter = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	key := input.DispatchKeyEventParams{Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13}
	down, up := key, key
	down.Type, down.Text, down.UnmodifiedText = input.DispatchKeyEventTypeKeyDown, "\r", "\r"
	up.Type = input.DispatchKeyEventTypeKeyUp
	for _, k := range []input.DispatchKeyEventParams{down, up} {
		if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, k); err != nil {
			return err
		}
	}
	return nil
})

// location is the tab's URL, parsed.
func location(t *testing.T, ctx context.Context) *url.URL {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// resultCount is the number of results listed on a search page.
func resultCount(t *testing.T, ctx context.Context) int {
	t.Helper()
	return eval[int](t, ctx, `document.querySelectorAll('.liste-resultats > li').length`)
}

// text is the text of the first element matching the CSS selector sel.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

// TestNeedFromHome clicks a need on the home page and lands on its results.
func TestNeedFromHome(t *testing.T) {
	e := browserEnv(t)
	ctx := e.tab(t, 1280)
	navigate(t, ctx, e.url("default", "/"))
	need := text(t, ctx, ".grille-besoins li:first-child a")
	follow(t, ctx, "click "+need, chromedp.Click(chromedp.CSS(".grille-besoins li:first-child a")))
	u := location(t, ctx)
	if u.Path != "/recherche" || u.Query().Get("thematique_groupe") == "" {
		t.Fatalf("clicking %q led to %s, want /recherche?thematique_groupe=…", need, u)
	}
	if n := resultCount(t, ctx); n == 0 {
		t.Errorf("%s: no result for %q", u, need)
	}
	// The need is checked in the filters, so the person sees why these
	// results and can uncheck it.
	checked := eval[bool](t, ctx, `[...document.querySelectorAll('input[name=thematique_groupe]')].some(c => c.checked)`)
	if !checked {
		t.Errorf("%s: the need %q is not checked in the filters", u, need)
	}
}

// TestFacetFilter checks a facet and applies the filters, with and without
// JavaScript: the filters are a plain GET form.
func TestFacetFilter(t *testing.T) {
	e := browserEnv(t)
	for _, js := range []bool{true, false} {
		name := "with JavaScript"
		if !js {
			name = "without JavaScript"
		}
		t.Run(name, func(t *testing.T) {
			ctx := e.tab(t, 1280)
			if !js {
				disableScripts(t, ctx)
			}
			navigate(t, ctx, e.url("default", searchPath))
			before := resultCount(t, ctx)
			// "Gratuit" narrows the three results about food aid near Cluny.
			box := `input[name=frais][value=gratuit]`
			do(t, ctx, "check Gratuit", chromedp.Click(chromedp.CSS(box)))
			follow(t, ctx, "apply the filters", chromedp.Click(chromedp.CSS(`.facettes button[type=submit]`)))
			u := location(t, ctx)
			if got := u.Query()["frais"]; len(got) != 1 || got[0] != "gratuit" {
				t.Errorf("after applying: URL %s, want frais=gratuit", u)
			}
			if u.Query().Get("q") != "aide alimentaire" || u.Query().Get("commune") == "" {
				t.Errorf("after applying: URL %s lost the query or the commune", u)
			}
			after := resultCount(t, ctx)
			if after == 0 || after >= before {
				t.Errorf("results: %d before the filter, %d after; want fewer, but some", before, after)
			}
			if !eval[bool](t, ctx, `document.querySelector('`+box+`').checked`) {
				t.Errorf("the Gratuit box is not checked on the filtered page")
			}
		})
	}
}

// disableScripts turns off the page's JavaScript in the tab (DevTools'
// own evaluations still run).
func disableScripts(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("disable JavaScript: %v", err)
	}
}

// TestSearchWithoutJavaScript searches from the home page and by commune
// with JavaScript turned off.
func TestSearchWithoutJavaScript(t *testing.T) {
	e := browserEnv(t)
	ctx := e.tab(t, 360)
	disableScripts(t, ctx)
	navigate(t, ctx, e.url("default", "/"))
	do(t, ctx, "type a need", chromedp.SendKeys(chromedp.ID("q-accueil"), "domiciliation"))
	follow(t, ctx, "submit", pressEnter)
	if n := resultCount(t, ctx); n == 0 {
		t.Fatalf("%s: no result", location(t, ctx))
	}
	if eval[bool](t, ctx, `document.getElementById('commune').hasAttribute('role')`) {
		t.Fatal("app.js ran although JavaScript is off: this test checks nothing")
	}
	do(t, ctx, "type a commune", chromedp.SendKeys(chromedp.ID("commune"), "Cluny"))
	follow(t, ctx, "submit", pressEnter)
	if got := text(t, ctx, "#resultats-titre"); !strings.Contains(got, "autour de Cluny") {
		t.Errorf("results title %q, want it to say « autour de Cluny »", got)
	}
}

// TestCommuneKeyboard picks a commune among the suggestions with the
// keyboard alone, then submits.
func TestCommuneKeyboard(t *testing.T) {
	e := browserEnv(t)
	ctx := e.tab(t, 360)
	navigate(t, ctx, e.url("default", "/recherche?q=aide+alimentaire"))
	do(t, ctx, "type clun", chromedp.SendKeys(chromedp.ID("commune"), "clun"))
	do(t, ctx, "wait for suggestions", chromedp.WaitVisible(chromedp.CSS(`#communes-liste [role=option]`)))
	if got := eval[string](t, ctx, `document.getElementById('commune').getAttribute('aria-expanded')`); got != "true" {
		t.Errorf("aria-expanded = %q with the list open", got)
	}
	if got := text(t, ctx, "#communes-etat"); !strings.Contains(got, "proposée") {
		t.Errorf("status %q, want the number of suggestions for screen readers", got)
	}
	do(t, ctx, "ArrowDown", chromedp.KeyEvent(kb.ArrowDown))
	active := eval[string](t, ctx, `(() => {
	  const id = document.getElementById('commune').getAttribute('aria-activedescendant');
	  const el = id && document.getElementById(id);
	  return el && el.getAttribute('aria-selected') === 'true' ? el.textContent : '';
	})()`)
	if active != "Cluny (71250)" {
		t.Fatalf("after ArrowDown the active suggestion is %q, want Cluny (71250)", active)
	}
	do(t, ctx, "Enter", pressEnter)
	if got := eval[string](t, ctx, `document.getElementById('commune').value`); got != "Cluny (71250)" {
		t.Fatalf("after Enter the field holds %q, want Cluny (71250)", got)
	}
	if loc := location(t, ctx); loc.Query().Get("commune") != "" {
		t.Fatalf("Enter on a suggestion submitted the form (%s); it must only fill the field", loc)
	}
	if eval[bool](t, ctx, `!document.getElementById('communes-liste').hidden`) {
		t.Error("the list stays open after a choice")
	}
	follow(t, ctx, "submit with Enter", pressEnter)
	if got := location(t, ctx).Query().Get("commune"); got != "Cluny (71250)" {
		t.Errorf("submitted commune %q, want Cluny (71250)", got)
	}
	if got := text(t, ctx, "#resultats-titre"); !strings.Contains(got, "autour de Cluny") {
		t.Errorf("results title %q, want it to say « autour de Cluny »", got)
	}
	if n := resultCount(t, ctx); n == 0 {
		t.Error("no result around Cluny")
	}
}

// TestCommuneEscape closes the suggestions with Escape and keeps the text.
func TestCommuneEscape(t *testing.T) {
	e := browserEnv(t)
	ctx := e.tab(t, 1280)
	navigate(t, ctx, e.url("default", "/recherche"))
	do(t, ctx, "type mac", chromedp.SendKeys(chromedp.ID("commune"), "mac"),
		chromedp.WaitVisible(chromedp.CSS(`#communes-liste [role=option]`)),
		chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Escape))
	if !eval[bool](t, ctx, `document.getElementById('communes-liste').hidden`) {
		t.Error("Escape did not close the suggestions")
	}
	if got := eval[string](t, ctx, `document.getElementById('commune').value`); got != "mac" {
		t.Errorf("after Escape the field holds %q, want what was typed", got)
	}
	if eval[bool](t, ctx, `document.getElementById('commune').hasAttribute('aria-activedescendant')`) {
		t.Error("aria-activedescendant stays after the list closed")
	}
}

// TestSkipLink: the first Tab reaches the skip link, visible, and following
// it moves the focus to the main content.
func TestSkipLink(t *testing.T) {
	e := browserEnv(t)
	for _, width := range []int64{1280, 360} {
		ctx := e.tab(t, width)
		navigate(t, ctx, e.url("default", servicePath))
		do(t, ctx, "Tab", chromedp.KeyEvent(kb.Tab))
		got := eval[string](t, ctx, `(() => {
		  const a = document.activeElement, r = a.getBoundingClientRect();
		  const onScreen = r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth;
		  return a.tagName + ' ' + (a.getAttribute('href') || '') + (onScreen ? ' visible' : ' hidden');
		})()`)
		if got != "A #contenu visible" {
			t.Errorf("%d px: first Tab focuses %q, want the visible skip link (A #contenu visible)", width, got)
		}
		do(t, ctx, "follow the skip link", pressEnter)
		if got := eval[string](t, ctx, `document.activeElement.id`); got != "contenu" {
			t.Errorf("%d px: after the skip link the focus is on #%s, want #contenu", width, got)
		}
		// The next Tab goes on from the content, not from the top.
		do(t, ctx, "Tab", chromedp.KeyEvent(kb.Tab))
		if eval[bool](t, ctx, `!document.getElementById('contenu').contains(document.activeElement)`) {
			t.Errorf("%d px: Tab after the skip link left the content for %s", width,
				eval[string](t, ctx, `document.activeElement.outerHTML.slice(0, 120)`))
		}
	}
}

// TestFocusVisible tabs through the search page in both themes and checks
// that every focused element shows a focus indicator: an outline or a
// shadow of at least 2 px, distinct from the element's look unfocused.
func TestFocusVisible(t *testing.T) {
	e := browserEnv(t)
	for _, theme := range []string{"default", "contraste"} {
		t.Run(theme, func(t *testing.T) {
			ctx := e.tab(t, 1280)
			navigate(t, ctx, e.url(theme, searchPath))
			seen := map[string]bool{}
			for i := 0; i < 60; i++ {
				do(t, ctx, "Tab", chromedp.KeyEvent(kb.Tab))
				f := eval[struct {
					Element string
					Visible bool
					Style   string
				}](t, ctx, `(() => {
				  const a = document.activeElement, s = getComputedStyle(a);
				  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
				  const shadow = s.boxShadow !== 'none';
				  return {element: a.tagName.toLowerCase() + (a.id ? '#' + a.id : '') + (a.name ? '[name=' + a.name + ']' : '') +
				      ' ' + (a.textContent || a.value || '').trim().slice(0, 40),
				    visible: a.matches(':focus-visible') && (outline || shadow),
				    style: 'outline ' + s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor + ', box-shadow ' + s.boxShadow};
				})()`)
				if seen[f.Element] {
					break // wrapped around
				}
				seen[f.Element] = true
				if !f.Visible {
					t.Errorf("no visible focus on %s (%s)", f.Element, f.Style)
				}
			}
			if len(seen) < 20 {
				t.Errorf("only %d elements reached with Tab: %v", len(seen), seen)
			}
		})
	}
}

// TestPrint prints a service page and the service's sheet to hand over:
// the screen's header, navigation and search forms are hidden, the title
// and the opening hours are printed, and the demo sheet fits one A4 page.
func TestPrint(t *testing.T) {
	e := browserEnv(t)
	for _, path := range []string{servicePath, servicePath + "/fiche"} {
		ctx := e.tab(t, 1280)
		navigate(t, ctx, e.url("default", path))
		setMedia(t, ctx, "print")
		shown := eval[map[string]bool](t, ctx, `(() => {
		  const seen = sel => [...document.querySelectorAll(sel)].some(el => el.getClientRects().length > 0);
		  return {header: seen('header.entete'), nav: seen('nav'), forms: seen('form'), footer: seen('footer.pied'),
		    skip: seen('.evitement'), title: seen('h1'), hours: seen('.horaires')};
		})()`)
		for what, seen := range shown {
			want := what == "title" || what == "hours"
			if seen != want {
				t.Errorf("%s printed: %s shown = %v, want %v", path, what, seen, want)
			}
		}
		setMedia(t, ctx, "")
		pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize()))
		if err != nil {
			t.Fatalf("print %s to PDF: %v", path, err)
		}
		if n := pdfPages(pdf); n != 1 {
			t.Errorf("%s printed on %d A4 pages, want 1", path, n)
		}
	}
}

// pdfPages counts the page objects of a PDF written by Chromium (Skia
// writes them uncompressed: "/Type /Page" for each page, "/Pages" for the
// tree).
func pdfPages(pdf []byte) int {
	return len(pageObject.FindAll(pdf, -1))
}

var pageObject = regexp.MustCompile(`/Type\s*/Page[^s]`)

// TestMapKeyboard opens a marker's popup with the keyboard: the focus
// moves to its link, and Escape closes it and returns to the marker.
func TestMapKeyboard(t *testing.T) {
	e := browserEnv(t)
	ctx := e.tab(t, 1280)
	navigate(t, ctx, e.url("default", searchPath))
	do(t, ctx, "wait for the map's markers", chromedp.WaitVisible(chromedp.CSS(`#carte .leaflet-marker-icon[tabindex]`)))
	do(t, ctx, "focus the first marker", chromedp.Focus(chromedp.CSS(`#carte .leaflet-marker-icon[tabindex]`)))
	do(t, ctx, "Enter on the marker", pressEnter)
	do(t, ctx, "wait for the popup", chromedp.WaitVisible(chromedp.CSS(`#carte .leaflet-popup-content a`)))
	if got := eval[string](t, ctx, `document.activeElement.closest('.leaflet-popup-content') ? document.activeElement.tagName : document.activeElement.className`); got != "A" {
		t.Fatalf("after opening the popup the focus is on %q, want the popup's link", got)
	}
	// Leaflet fades a closed popup out for 200 ms before removing it.
	do(t, ctx, "Escape closes the popup", chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(chromedp.CSS(`#carte .leaflet-popup`)))
	if !eval[bool](t, ctx, `document.activeElement.classList.contains('leaflet-marker-icon')`) {
		t.Errorf("after Escape the focus is on %q, want the marker", eval[string](t, ctx, `document.activeElement.outerHTML.slice(0, 120)`))
	}
}
