package themes_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestScreenshots writes PNG screenshots of the main pages, at a desktop
// and a phone width, into the folder named by $AIGUILLAGE_SCREENSHOTS:
//
//	AIGUILLAGE_SCREENSHOTS=$PWD/docs/screenshots go test -run TestScreenshots ./themes/
//
// Each image is clipped to a fixed height (or the page's, if shorter) so the
// files stay small; the
// committed ones were then quantised with pngquant (Debian package):
//
//	pngquant --force --ext .png --quality 80-95 docs/screenshots/*.png
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("AIGUILLAGE_SCREENSHOTS")
	if dir == "" {
		t.Skip("set AIGUILLAGE_SCREENSHOTS=folder to write screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	e := browserEnv(t)
	theme := os.Getenv("AIGUILLAGE_SCREENSHOTS_THEME")
	if theme == "" {
		theme = "default"
	}
	pages := []struct{ name, path, email string }{
		{"accueil", "/", ""},
		{"recherche", searchPath, ""},
		{"service", servicePath, ""},
		{"structure", structurePath, ""},
		{"historique", servicePath + "/historique", ""},
		{"connexion", "/connexion", ""},
		{"modifier", servicePath + "/modifier", editorEmail}, // the edit form, signed in as an editor
		{"propositions", "/propositions", editorEmail},       // the review queue, with one proposal
	}
	e.proposalOn(t, "Permanence supplémentaire le samedi matin.")
	sizes := []struct{ width, height int64 }{{1280, 1600}, {360, 1400}}
	for _, size := range sizes {
		anonymous := e.tab(t, size.width)
		for _, p := range pages {
			ctx := anonymous
			if p.email != "" {
				ctx = e.signedInTab(t, size.width, p.email)
			}
			navigate(t, ctx, e.url(theme, p.path))
			// A short page is shot to its end, not padded with white.
			height := min(size.height, int64(eval[float64](t, ctx, `document.documentElement.scrollHeight`)))
			png, err := chromedp.Run(ctx, clippedScreenshot(size.width, height))
			if err != nil {
				t.Fatalf("%s at %d px: %v", p.name, size.width, err)
			}
			name := filepath.Join(dir, fmt.Sprintf("%s-%d.png", p.name, size.width))
			if theme != "default" {
				name = filepath.Join(dir, fmt.Sprintf("%s-%s-%d.png", p.name, theme, size.width))
			}
			if err := os.WriteFile(name, png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote %s (%d bytes)", name, len(png))
		}
	}
}

// clippedScreenshot captures the top width×height CSS pixels of the page,
// beyond the viewport if the page is longer, at a device scale of 1.
func clippedScreenshot(width, height int64) chromedp.Action[[]byte] {
	return func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		res, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format:                page.CaptureScreenshotFormatPng,
			CaptureBeyondViewport: new(true),
			Clip:                  &page.Viewport{X: 0, Y: 0, Width: float64(width), Height: float64(height), Scale: 1},
		})
		if err != nil {
			return nil, err
		}
		return res.Data, nil
	}
}
