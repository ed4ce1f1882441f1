package content

import (
	"fmt"
	"net/url"
	"path"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Files of the repository that configure the site.
const (
	settingsDir  = ".aiguillage/"
	ConfigFile   = settingsDir + "config.yaml"
	SynonymsFile = ".aiguillage/synonymes.txt"
	// ThemeDir holds a content repository's theme overrides: templates/*.html
	// and static/* replace the built-in theme's files of the same name.
	ThemeDir = ".aiguillage/theme/"
)

// DefaultFraicheurMois is how many months a page stays fresh by default.
const DefaultFraicheurMois = 6

// Map tiles used when config.yaml names none: OpenStreetMap's, which ask
// for their attribution to link to their copyright page.
const (
	DefaultTiles           = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
	DefaultAttribution     = "© les contributeurs d'OpenStreetMap"
	DefaultAttributionLink = "https://www.openstreetmap.org/copyright"
)

// maxFooterLinks bounds pied: a footer is not a site map.
const maxFooterLinks = 12

// SiteConfig holds the site settings of .aiguillage/config.yaml.
type SiteConfig struct {
	Nom           string       `yaml:"nom"`
	Description   string       `yaml:"description"`
	Territoire    []string     `yaml:"territoire"`     // département or commune codes
	FraicheurMois int          `yaml:"fraicheur_mois"` // months after which a page should be checked again
	Theme         string       `yaml:"theme"`
	BaseURL       string       `yaml:"base_url"`
	Contact       string       `yaml:"contact"` // e-mail of the network's coordination
	Logo          string       `yaml:"logo"`    // a file under media/ or .aiguillage/theme/static/
	Couleurs      Couleurs     `yaml:"couleurs"`
	Pied          []FooterLink `yaml:"pied"` // links of the footer: legal notice, partners...
	Carte         MapSettings  `yaml:"carte"`
}

// Couleurs are the site's brand colours, as "#rrggbb" or "#rgb".
type Couleurs struct {
	// Accent colours links, buttons and the current menu entry: it must
	// reach a contrast of 4.5:1 against white (WCAG 2.1 AA for text).
	Accent string `yaml:"accent"`
}

// FooterLink is one link of the footer.
type FooterLink struct {
	Titre string `yaml:"titre"`
	Lien  string `yaml:"lien"` // a page ("pages/mentions-legales") or an http(s) address
}

// URL returns where the link leads: the page's URL path, or the address.
func (l FooterLink) URL() string {
	if p, err := ParsePath(l.Lien); err == nil {
		return p.URL()
	}
	return l.Lien
}

// MapSettings choose the map tiles of service and search pages.
type MapSettings struct {
	Tuiles          string `yaml:"tuiles"`           // https URL template with {z}, {x} and {y}
	Attribution     string `yaml:"attribution"`      // plain text, shown on the map
	AttributionLien string `yaml:"attribution_lien"` // optional https address the attribution links to
}

// DefaultSiteConfig is the configuration of a repository without
// config.yaml.
func DefaultSiteConfig() SiteConfig {
	return SiteConfig{Nom: "Aiguillage", FraicheurMois: DefaultFraicheurMois, Carte: defaultMap()}
}

func defaultMap() MapSettings {
	return MapSettings{Tuiles: DefaultTiles, Attribution: DefaultAttribution, AttributionLien: DefaultAttributionLink}
}

// ParseSiteConfig reads config.yaml. Unknown keys are ignored. On error it
// returns the defaults with an error in French. A setting that is wrong on
// its own (a colour, a footer link, the logo, the map tiles) is left out
// without an error: the catalogue reports it as a warning.
func ParseSiteConfig(data []byte) (SiteConfig, error) {
	c, _, err := readSiteConfig(data)
	return c, err
}

// readSiteConfig is ParseSiteConfig with the warnings of the settings it
// left out, as problems of config.yaml.
func readSiteConfig(data []byte) (SiteConfig, []Problem, error) {
	c := DefaultSiteConfig()
	if len(strings.TrimSpace(string(data))) == 0 {
		return c, nil, nil
	}
	var parsed SiteConfig
	if err := yaml.Unmarshal(data, &parsed); err != nil {
		return c, nil, fmt.Errorf("configuration illisible : %v", err)
	}
	if parsed.Nom != "" {
		c.Nom = parsed.Nom
	}
	c.Description, c.Territoire, c.Theme, c.Contact = parsed.Description, parsed.Territoire, parsed.Theme, parsed.Contact
	switch {
	case parsed.FraicheurMois < 0 || parsed.FraicheurMois > 120:
		return DefaultSiteConfig(), nil, fmt.Errorf("fraicheur_mois : %d mois n'est pas une durée valide (entre 1 et 120)", parsed.FraicheurMois)
	case parsed.FraicheurMois > 0:
		c.FraicheurMois = parsed.FraicheurMois
	}
	if parsed.BaseURL != "" {
		if !validWebURL(parsed.BaseURL) {
			return DefaultSiteConfig(), nil, fmt.Errorf("base_url : « %s » n'est pas une adresse web (https://...)", parsed.BaseURL)
		}
		c.BaseURL = strings.TrimRight(parsed.BaseURL, "/")
	}
	w := configWarnings{data: data}
	c.Logo = w.logo(parsed.Logo)
	c.Couleurs.Accent = w.accent(parsed.Couleurs.Accent)
	c.Pied = w.footer(parsed.Pied)
	if m, ok := w.mapSettings(parsed.Carte); ok {
		c.Carte = m
	}
	return c, w.problems, nil
}

// configWarnings collects the settings left out of config.yaml.
type configWarnings struct {
	data     []byte
	problems []Problem
}

func (w *configWarnings) add(key, field, format string, args ...any) {
	w.problems = append(w.problems, Problem{File: ConfigFile, Line: keyLine(w.data, key), Field: field,
		Code: CodeConfig, Warning: true, Message: field + " : " + fmt.Sprintf(format, args...)})
}

// logoExts are the image formats a logo may have.
var logoExts = map[string]bool{".svg": true, ".png": true, ".jpg": true, ".jpeg": true, ".webp": true, ".gif": true}

func (w *configWarnings) logo(name string) string {
	if name == "" {
		return ""
	}
	clean := path.Clean(name)
	inMedia := strings.HasPrefix(clean, "media/")
	inTheme := strings.HasPrefix(clean, ThemeDir+"static/")
	if clean != name || !(inMedia || inTheme) || strings.Contains(name, "..") {
		w.add("logo", "logo", "« %s » : le logo doit être un fichier du dépôt sous media/ ou %sstatic/ ; logo par défaut utilisé", name, ThemeDir)
		return ""
	}
	if !logoExts[strings.ToLower(path.Ext(name))] {
		w.add("logo", "logo", "« %s » : format d'image non pris en charge (svg, png, jpg, webp ou gif) ; logo par défaut utilisé", name)
		return ""
	}
	return name
}

func (w *configWarnings) accent(s string) string {
	if s == "" {
		return ""
	}
	col, ok := ParseColour(s)
	if !ok {
		w.add("couleurs", "couleurs.accent", "« %s » n'est pas une couleur (#rrggbb) ; couleur par défaut utilisée", s)
		return ""
	}
	if r := col.Contrast(White); r < MinContrast {
		w.add("couleurs", "couleurs.accent", "%s n'est pas assez contrastée sur fond blanc (%.1f:1, il faut au moins 4,5:1) ; couleur par défaut utilisée", s, r)
		return ""
	}
	return col.String()
}

func (w *configWarnings) footer(links []FooterLink) []FooterLink {
	var out []FooterLink
	for i, l := range links {
		field := fmt.Sprintf("pied[%d]", i+1)
		l.Titre, l.Lien = strings.TrimSpace(l.Titre), strings.TrimSpace(l.Lien)
		switch {
		case i >= maxFooterLinks:
			w.add("pied", field, "%d liens au plus ; les suivants sont ignorés", maxFooterLinks)
			return out
		case l.Titre == "" || utf8.RuneCountInString(l.Titre) > 80:
			w.add("pied", field+".titre", "un titre de 1 à 80 caractères est attendu ; lien ignoré")
			continue
		case !validFooterLink(l.Lien):
			w.add("pied", field+".lien", "« %s » n'est ni une page (pages/mentions-legales) ni une adresse web (https://...) ; lien ignoré", l.Lien)
			continue
		}
		out = append(out, l)
	}
	return out
}

func validFooterLink(s string) bool {
	if _, err := ParsePath(s); err == nil {
		return true
	}
	return validWebURL(s)
}

// mapSettings checks carte: the whole setting is ignored when any part of
// it is wrong, as tiles without their attribution may not be shown.
func (w *configWarnings) mapSettings(m MapSettings) (MapSettings, bool) {
	if m == (MapSettings{}) {
		return m, false
	}
	m.Attribution = strings.TrimSpace(m.Attribution)
	switch {
	case !validTiles(m.Tuiles):
		w.add("carte", "carte.tuiles", "« %s » n'est pas une adresse https de tuiles avec {z}, {x} et {y} ; carte OpenStreetMap utilisée", m.Tuiles)
	case m.Attribution == "" || utf8.RuneCountInString(m.Attribution) > 200 || strings.ContainsAny(m.Attribution, "<>"):
		w.add("carte", "carte.attribution", "le texte d'attribution des tuiles (1 à 200 caractères, sans balises) est obligatoire ; carte OpenStreetMap utilisée")
	case m.AttributionLien != "" && !(strings.HasPrefix(m.AttributionLien, "https://") && validWebURL(m.AttributionLien)):
		w.add("carte", "carte.attribution_lien", "« %s » n'est pas une adresse https ; carte OpenStreetMap utilisée", m.AttributionLien)
	default:
		return m, true
	}
	return m, false
}

// validTiles accepts an https URL template whose placeholders are Leaflet's
// ({z}, {x}, {y}, {s} for subdomains, {r} for retina), with the first three.
func validTiles(s string) bool {
	if !strings.HasPrefix(s, "https://") || strings.ContainsAny(s, " \t\r\n<>\"'\\") {
		return false
	}
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(s, p) {
			return false
		}
	}
	filled := strings.NewReplacer("{z}", "1", "{x}", "1", "{y}", "1", "{s}", "a", "{r}", "").Replace(s)
	if strings.ContainsAny(filled, "{}") {
		return false
	}
	u, err := url.Parse(filled)
	return err == nil && u.Host != "" && u.User == nil
}

// ParseSynonyms reads synonymes.txt: one group a line, comma-separated,
// trimmed and lower-cased; '#' comments and blank lines are skipped, as are
// groups of fewer than two words.
func ParseSynonyms(data []byte) [][]string {
	var groups [][]string
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		var g []string
		for _, w := range strings.Split(line, ",") {
			if w = strings.ToLower(strings.TrimSpace(w)); w != "" {
				g = append(g, w)
			}
		}
		if len(g) >= 2 {
			groups = append(groups, g)
		}
	}
	return groups
}
