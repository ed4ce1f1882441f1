package content

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestParseSiteConfig(t *testing.T) {
	withMap := func(c SiteConfig) SiteConfig { c.Carte = defaultMap(); return c }
	tests := []struct {
		name    string
		in      string
		want    SiteConfig
		wantErr bool
	}{
		{"empty", "", DefaultSiteConfig(), false},
		{"full", "nom: Réseau\ndescription: Annuaire\nterritoire: [\"71\", \"01\"]\nfraicheur_mois: 12\ntheme: sobre\nbase_url: https://annuaire.example.org/\ninconnu: 1\n",
			withMap(SiteConfig{Nom: "Réseau", Description: "Annuaire", Territoire: []string{"71", "01"}, FraicheurMois: 12, Theme: "sobre", BaseURL: "https://annuaire.example.org"}), false},
		{"default freshness", "nom: R\n", withMap(SiteConfig{Nom: "R", FraicheurMois: 6}), false},
		{"bad yaml", "nom: [\n", DefaultSiteConfig(), true},
		{"bad freshness", "fraicheur_mois: 500\n", DefaultSiteConfig(), true},
		{"bad type", "fraicheur_mois: six\n", DefaultSiteConfig(), true},
		{"bad base url", "base_url: javascript:alert(1)\n", DefaultSiteConfig(), true},
		{"branding", `nom: Réseau
logo: media/logo-reseau.png
couleurs: {accent: "#00008F"}
pied:
  - {titre: "Mentions légales", lien: pages/mentions-legales}
  - {titre: "Le réseau", lien: "https://reseau.example.org/"}
carte:
  tuiles: "https://{s}.tuiles.example.org/{z}/{x}/{y}{r}.png"
  attribution: "© Exemple"
`, SiteConfig{Nom: "Réseau", FraicheurMois: 6, Logo: "media/logo-reseau.png",
			Couleurs: Couleurs{Accent: "#00008f"},
			Pied:     []FooterLink{{"Mentions légales", "pages/mentions-legales"}, {"Le réseau", "https://reseau.example.org/"}},
			Carte:    MapSettings{Tuiles: "https://{s}.tuiles.example.org/{z}/{x}/{y}{r}.png", Attribution: "© Exemple"},
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSiteConfig([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestSiteConfigWarnings checks that a wrong brand setting is left out
// with a warning naming its field and line, while the rest is kept.
func TestSiteConfigWarnings(t *testing.T) {
	tests := []struct {
		name, in, field, message string
		check                    func(SiteConfig) bool
	}{
		{"not a colour", "couleurs:\n  accent: bleu\n", "couleurs.accent", "n'est pas une couleur",
			func(c SiteConfig) bool { return c.Couleurs.Accent == "" }},
		{"colour too pale", "couleurs:\n  accent: \"#7fb3ff\"\n", "couleurs.accent", "pas assez contrastée",
			func(c SiteConfig) bool { return c.Couleurs.Accent == "" }},
		{"javascript link", "pied:\n  - {titre: Mentions, lien: pages/mentions}\n  - {titre: Piège, lien: \"javascript:alert(1)\"}\n", "pied[2].lien", "ni une page",
			func(c SiteConfig) bool { return len(c.Pied) == 1 && c.Pied[0].URL() == "/pages/mentions" }},
		{"relative link", "pied:\n  - {titre: Ailleurs, lien: \"../../etc/passwd\"}\n", "pied[1].lien", "ni une page",
			func(c SiteConfig) bool { return len(c.Pied) == 0 }},
		{"untitled link", "pied:\n  - {lien: pages/mentions}\n", "pied[1].titre", "titre",
			func(c SiteConfig) bool { return len(c.Pied) == 0 }},
		{"logo outside", "logo: structures/ccas.md\n", "logo", "sous media/",
			func(c SiteConfig) bool { return c.Logo == "" }},
		{"logo climbing", "logo: media/../.git/config.png\n", "logo", "sous media/",
			func(c SiteConfig) bool { return c.Logo == "" }},
		{"logo format", "logo: media/logo.exe\n", "logo", "format",
			func(c SiteConfig) bool { return c.Logo == "" }},
		{"http tiles", "carte: {tuiles: \"http://t.example.org/{z}/{x}/{y}.png\", attribution: X}\n", "carte.tuiles", "https",
			func(c SiteConfig) bool { return c.Carte == defaultMap() }},
		{"tiles without placeholders", "carte: {tuiles: \"https://t.example.org/tile.png\", attribution: X}\n", "carte.tuiles", "{z}",
			func(c SiteConfig) bool { return c.Carte == defaultMap() }},
		{"tiles without attribution", "carte: {tuiles: \"https://t.example.org/{z}/{x}/{y}.png\"}\n", "carte.attribution", "obligatoire",
			func(c SiteConfig) bool { return c.Carte == defaultMap() }},
		{"attribution markup", "carte: {tuiles: \"https://t.example.org/{z}/{x}/{y}.png\", attribution: \"<img src=x>\"}\n", "carte.attribution", "sans balises",
			func(c SiteConfig) bool { return c.Carte == defaultMap() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := "nom: Réseau\n" + tt.in
			c, warnings, err := readSiteConfig([]byte(in))
			if err != nil {
				t.Fatalf("err = %v: a wrong brand setting must not reject the file", err)
			}
			if c.Nom != "Réseau" {
				t.Errorf("nom = %q: the rest of the file must be kept", c.Nom)
			}
			if !tt.check(c) {
				t.Errorf("setting kept: %+v", c)
			}
			if len(warnings) != 1 {
				t.Fatalf("warnings = %v, want one", warnings)
			}
			w := warnings[0]
			if w.Field != tt.field || !w.Warning || w.Code != CodeConfig || w.Line != 2 || !strings.Contains(w.Message, tt.message) {
				t.Errorf("warning = %+v, want field %s, line 2, message with %q", w, tt.field, tt.message)
			}
		})
	}
}

func TestCatalogReportsConfigWarnings(t *testing.T) {
	files := []File{{Name: ConfigFile, Data: []byte("nom: Réseau\ncouleurs: {accent: \"#ffff00\"}\n")}}
	c := NewCatalog("r", files, testRefs(t))
	problems := c.FileProblems(ConfigFile)
	if len(problems) != 1 || !problems[0].Warning || problems[0].Field != "couleurs.accent" {
		t.Fatalf("problems = %+v, want one warning on couleurs.accent", problems)
	}
	if cfg := c.Config(); cfg.Nom != "Réseau" || cfg.Couleurs.Accent != "" {
		t.Errorf("config = %+v: the name is kept, the colour left out", cfg)
	}
}

func TestColourContrast(t *testing.T) {
	tests := []struct {
		in   string
		ok   bool
		want float64 // contrast on white
	}{
		{"#000000", true, 21},
		{"#fff", true, 1},
		{"#000091", true, 14.91}, // the default accent
		{"#767676", true, 4.54},  // the palest grey that passes
		{"#777777", true, 4.48},
		{"#00008F", true, 15.04},
		{"000091", false, 0},
		{"#12345", false, 0},
		{"#ggg", false, 0},
		{"#+1234f", false, 0},
	}
	for _, tt := range tests {
		c, ok := ParseColour(tt.in)
		if ok != tt.ok {
			t.Errorf("ParseColour(%q) ok = %v", tt.in, ok)
			continue
		}
		if !ok {
			continue
		}
		if got := c.Contrast(White); math.Abs(got-tt.want) > 0.05 {
			t.Errorf("contrast of %s on white = %.2f, want %.2f", tt.in, got, tt.want)
		}
	}
	if c, _ := ParseColour("#8080ff"); c.Darker(0.5).String() != "#404080" {
		t.Errorf("Darker = %s", c.Darker(0.5))
	}
}

func TestThemeFiles(t *testing.T) {
	files := []File{
		{Name: ThemeDir + "static/theme.css", Data: []byte(":root{}")},
		{Name: ThemeDir + "templates/home.html", Data: []byte("x")},
		{Name: ConfigFile, Data: []byte("nom: R\n")},
		{Name: "media/logo.png", Data: []byte("PNG")},
		// Not read: reported, never used as an empty override.
		{Name: ThemeDir + "templates/layout.html", Hash: "e1", Unread: Symlink},
		{Name: ThemeDir + "static/enorme.png", Hash: "e2", Unread: TooLarge, Size: 9 << 20},
		{Name: ConfigFile + ".bak", Hash: "e3", Unread: Symlink},
	}
	c := NewCatalog("r", files, testRefs(t))
	got := c.ThemeFiles()
	if len(got) != 2 || got[0].Name != ThemeDir+"static/theme.css" || string(got[1].Data) != "x" || got[0].Hash == "" {
		t.Fatalf("ThemeFiles = %+v", got)
	}
	for name, code := range map[string]string{ThemeDir + "templates/layout.html": CodeSymlink, ThemeDir + "static/enorme.png": CodeTooLarge, ConfigFile + ".bak": CodeSymlink} {
		if p := c.FileProblems(name); len(p) != 1 || p[0].Code != code {
			t.Errorf("%s: problems %+v, want one %s", name, p, code)
		}
	}
	next := c.Apply("s", nil, []string{ThemeDir + "templates/home.html"})
	if got := next.ThemeFiles(); len(got) != 1 {
		t.Errorf("after delete: %+v", got)
	}
}
