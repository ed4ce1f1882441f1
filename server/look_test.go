package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/themes"
)

var assetURL = regexp.MustCompile(`href="(/static/theme\.css\?v=[0-9a-f]+)"`)

// themeCSS returns the theme.css the home page links to, fetched.
func (f *fixture) themeCSS() string {
	f.t.Helper()
	m := assetURL.FindStringSubmatch(f.page("/"))
	if m == nil {
		f.t.Fatal("home page links no theme.css")
	}
	r := f.get(m[1])
	if r.status != http.StatusOK {
		f.t.Fatalf("GET %s: %d", m[1], r.status)
	}
	return r.body
}

// TestThemeOverride commits overrides to the content repository and checks
// that they take effect without a restart, and that a broken one is
// reported while the built-in theme keeps the site up.
func TestThemeOverride(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	f := newFixture(t, options{log: &logs})
	if css := f.themeCSS(); strings.Contains(css, "#006400") {
		t.Fatal("override before any commit")
	}

	f.commit("Couleurs du réseau", map[string]string{".aiguillage/theme/static/theme.css": ":root { --accent: #006400; }\n"})
	f.refresh()
	if css := f.themeCSS(); !strings.Contains(css, "#006400") {
		t.Errorf("theme.css after the commit = %q", css)
	}
	if r := f.get("/static/theme.css"); !strings.Contains(r.body, "#006400") {
		t.Errorf("unversioned theme.css = %q", r.body)
	}
	contains(t, "home with override", f.page("/"), "/static/style.css?v=") // the rest is the built-in theme's

	f.commit("Accueil cassé", map[string]string{".aiguillage/theme/templates/home.html": `{{define "content"}}<p>{{.Oops</p>{{end}}`})
	f.refresh()
	home := f.page("/")
	contains(t, "home with a broken override", home, "Annuaire de test", "Services mis à jour récemment")
	if css := f.themeCSS(); strings.Contains(css, "#006400") {
		t.Error("a broken override must leave the whole built-in theme in place")
	}
	problems := f.page("/problemes")
	contains(t, "problems", problems, "<code>.aiguillage/theme/templates/home.html</code>", "le thème intégré reste utilisé")
	contains(t, "log", logs.String(), "theme override not used")

	f.commit("Accueil réparé", map[string]string{".aiguillage/theme/templates/home.html": `{{define "content"}}<h1>{{.Title}}</h1><p class="perso">Bienvenue sur l'annuaire du réseau</p>{{end}}`})
	f.refresh()
	contains(t, "home with a fixed override", f.page("/"), `<p class="perso">Bienvenue sur l'annuaire du réseau</p>`)
	lacks(t, "problems once fixed", f.page("/problemes"), ".aiguillage/theme/")
	if css := f.themeCSS(); !strings.Contains(css, "#006400") {
		t.Error("theme.css override lost")
	}

	// A template that parses but fails when run: its page falls back to
	// the built-in template; a layout like that is caught at the commit.
	f.commit("Fiche cassée", map[string]string{".aiguillage/theme/templates/service.html": `{{define "content"}}{{.Data.NoSuchField}}{{end}}`})
	f.refresh()
	contains(t, "service with a failing override", f.page("/services/epicerie-sociale-cluny"), `<h2 id="quoi">Ce que propose le service</h2>`)
	f.commit("Gabarit cassé", map[string]string{".aiguillage/theme/templates/layout.html": `{{define "layout"}}{{.NoSuchField}}{{end}}`})
	f.refresh()
	contains(t, "home with a failing layout", f.page("/"), "Services mis à jour récemment")
	contains(t, "problems", f.page("/problemes"), "<code>.aiguillage/theme/templates/layout.html</code>")

	f.commit("Retour au thème intégré", nil, ".aiguillage/theme/templates/layout.html", ".aiguillage/theme/templates/service.html",
		".aiguillage/theme/templates/home.html", ".aiguillage/theme/static/theme.css")
	f.refresh()
	lacks(t, "problems after removal", f.page("/problemes"), ".aiguillage/theme/")
	if css := f.themeCSS(); strings.Contains(css, "#006400") {
		t.Error("override still served after its removal")
	}
}

// TestBranding checks config.yaml's logo, accent colour and footer links,
// and that wrong ones are reported and left out.
func TestBranding(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})
	logo := "\x89PNG\r\n\x1a\nfaux logo"
	f.commit("Identité du réseau", map[string]string{
		"media/logo-reseau.png": logo,
		".aiguillage/config.yaml": `nom: "Réseau du Clunisois"
logo: media/logo-reseau.png
couleurs: {accent: "#00008F"}
pied:
  - {titre: "Mentions légales", lien: pages/mentions-legales}
  - {titre: "Le réseau", lien: "https://reseau.example.org/"}
`,
	})
	f.refresh()
	home := f.page("/")
	contains(t, "home", home, `<span>Réseau du Clunisois</span>`,
		`<li><a href="/pages/mentions-legales">Mentions légales</a></li>`,
		`<li><a href="https://reseau.example.org/">Le réseau</a></li>`)
	logoURL := regexp.MustCompile(`<img class="logo-perso" src="(/static/media/logo-reseau\.png\?v=[0-9a-f]+)" alt="" height="40">`).FindStringSubmatch(home)
	if logoURL == nil {
		t.Fatal("no logo in the header")
	}
	if r := f.get(logoURL[1]); r.status != http.StatusOK || r.body != logo || r.header.Get("Content-Type") != "image/png" {
		t.Errorf("logo: %d %q %q", r.status, r.header.Get("Content-Type"), r.body)
	}
	cssURL := regexp.MustCompile(`<link rel="stylesheet" href="(/static/marque\.css\?v=[0-9a-f]+)">`).FindStringSubmatch(home)
	if cssURL == nil {
		t.Fatal("no colour stylesheet")
	}
	css := f.get(cssURL[1]).body
	contains(t, "marque.css", css, "--accent: #00008f;", "--accent-fond: #e0e0f2;", "button:hover { background: #000072;")

	f.commit("Identité ratée", map[string]string{".aiguillage/config.yaml": `nom: "Réseau du Clunisois"
logo: media/absent.svg
couleurs: {accent: "#ffcc00"}
pied:
  - {titre: "Piège", lien: "javascript:alert(1)"}
`})
	f.refresh()
	home = f.page("/")
	contains(t, "home", home, `<span>Réseau du Clunisois</span>`, `/static/logo.svg?v=`)
	lacks(t, "home", home, "marque.css", "logo-perso", "javascript:", "Piège")
	contains(t, "problems", f.page("/problemes"), "<code>couleurs.accent</code>", "pas assez contrastée",
		"<code>pied[1].lien</code>", "media/absent.svg", "fichier introuvable")
}

// TestThemeChoice commits theme: in config.yaml and checks that the
// built-in theme it names serves at once, without a restart, and that an
// unknown name is reported while the default theme serves.
func TestThemeChoice(t *testing.T) {
	t.Parallel()
	loadShared(t)
	fsys, err := themes.FS("contraste")
	if err != nil {
		t.Fatal(err)
	}
	contrast, err := themes.Load(fsys, "fr")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, options{themes: map[string]*themes.Theme{"default": shared.theme, "contraste": contrast}})
	def := f.themeCSS()
	config := fixtureFile(".aiguillage/config.yaml")

	f.commit("Thème contrasté", map[string]string{".aiguillage/config.yaml": config + "theme: contraste\n"})
	f.refresh()
	if css := f.themeCSS(); css == def {
		t.Error("theme: contraste in config.yaml did not change theme.css")
	}
	lacks(t, "problems with a known theme", f.page("/problemes"), "thème :")

	f.commit("Thème inconnu", map[string]string{".aiguillage/config.yaml": config + "theme: fluo\n"})
	f.refresh()
	if css := f.themeCSS(); css != def {
		t.Error("an unknown theme must leave the default theme in place")
	}
	contains(t, "problems with an unknown theme", f.page("/problemes"), "« fluo » n&#39;existe pas", "contraste, default")
}
