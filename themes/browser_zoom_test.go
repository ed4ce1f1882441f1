package themes_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/aiguillage/aiguillage/themes"
)

// TestZoom200 shows the service and search pages as a 1280 px wide window
// at 200% zoom does: 640 CSS pixels at two device pixels each. The page
// must reflow (no horizontal scrolling) and clip no text (WCAG 1.4.4 and
// 1.4.10).
func TestZoom200(t *testing.T) {
	e := browserEnv(t)
	for _, theme := range themes.Builtin() {
		t.Run(theme, func(t *testing.T) {
			ctx := e.tab(t, 640)
			if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride,
				emulation.SetDeviceMetricsOverrideParams{Width: 640, Height: 450, DeviceScaleFactor: 2}); err != nil {
				t.Fatalf("zoom: %v", err)
			}
			for _, path := range []string{servicePath, searchPath} {
				navigate(t, ctx, e.url(theme, path))
				if dpr := eval[float64](t, ctx, `devicePixelRatio`); dpr != 2 {
					t.Fatalf("devicePixelRatio %v, want 2", dpr)
				}
				checkReflow(t, ctx, path+" at 200%", 640)
				checkClipped(t, ctx, path+" at 200%")
			}
		})
	}
}

// checkClipped fails the test if an element that hides its overflow has
// text wider or taller than its box: text cut off, not wrapped.
func checkClipped(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	clipped := eval[[]string](t, ctx, `[...document.querySelectorAll('body *')].filter(el => {
	  const s = getComputedStyle(el);
	  if (s.display === 'none' || !el.textContent.trim() || el.closest('.visuellement-cache, [hidden], .leaflet-container')) return false; // a map is a viewport onto a bigger picture
	  const hides = v => v === 'hidden' || v === 'clip';
	  return (hides(s.overflowX) && el.scrollWidth > el.clientWidth + 1) ||
	         (hides(s.overflowY) && el.scrollHeight > el.clientHeight + 1) ||
	         (s.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1);
	}).slice(0, 8).map(el => el.outerHTML.slice(0, 160))`)
	if len(clipped) > 0 {
		t.Errorf("%s: text clipped in:\n  %s", what, strings.Join(clipped, "\n  "))
	}
}
