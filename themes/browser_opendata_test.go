package themes_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/aiguillage/aiguillage/themes"
)

// TestOpenDataPagesAxe checks the admin import page (the form, then a plan
// with invalid rows) and the embeddable widget in both themes at both
// widths: axe finds no violation, and nothing scrolls sideways on a phone.
func TestOpenDataPagesAxe(t *testing.T) {
	e := browserEnv(t)
	csv := filepath.Join(t.TempDir(), "partenaire.csv")
	rows := "Nom;Structure;Thématiques;Code postal\n" +
		"Jardin partagé du navigateur;ccas-cluny;Alimentation;71250\n" +
		"Ligne fautive;ccas-cluny;alimentaton;7125\n"
	if err := os.WriteFile(csv, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, theme := range themes.Builtin() {
		for _, width := range []int64{1280, 360} {
			t.Run(fmt.Sprintf("%s/%d", theme, width), func(t *testing.T) {
				t.Parallel()
				ctx := e.signedInTab(t, width, adminEmail)
				navigate(t, ctx, e.url(theme, "/admin/import"))
				checkAxe(t, ctx, "import form")
				do(t, ctx, "choose the file", chromedp.SetUploadFiles(chromedp.ID("fichier"), []string{csv}))
				follow(t, ctx, "preview", chromedp.Click(chromedp.CSS(`form[action="/admin/import"] button`)))
				if got := text(t, ctx, "main"); !strings.Contains(got, "1 fiche(s) à créer") || !strings.Contains(got, "Ligne fautive") {
					t.Fatalf("preview: %.400s", got)
				}
				checkAxe(t, ctx, "import plan")
				if width == 360 {
					checkReflow(t, ctx, "import plan", int(width))
				}

				ctx = e.privateTab(t, width)
				navigate(t, ctx, e.url(theme, "/widget?commune=71137&rayon=20&q=aide"))
				checkAxe(t, ctx, "widget")
				if width == 360 {
					checkReflow(t, ctx, "widget", int(width))
				}
			})
		}
	}
}
