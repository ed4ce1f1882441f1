package content

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Files of the repository that configure the site.
const (
	ConfigFile   = ".aiguillage/config.yaml"
	SynonymsFile = ".aiguillage/synonymes.txt"
)

// DefaultFraicheurMois is how many months a page stays fresh by default.
const DefaultFraicheurMois = 6

// SiteConfig holds the site settings of .aiguillage/config.yaml.
type SiteConfig struct {
	Nom           string   `yaml:"nom"`
	Description   string   `yaml:"description"`
	Territoire    []string `yaml:"territoire"`     // département or commune codes
	FraicheurMois int      `yaml:"fraicheur_mois"` // months after which a page should be checked again
	Theme         string   `yaml:"theme"`
	BaseURL       string   `yaml:"base_url"`
	Contact       string   `yaml:"contact"` // e-mail of the network's coordination
}

// DefaultSiteConfig is the configuration of a repository without
// config.yaml.
func DefaultSiteConfig() SiteConfig {
	return SiteConfig{Nom: "Aiguillage", FraicheurMois: DefaultFraicheurMois}
}

// ParseSiteConfig reads config.yaml. Unknown keys are ignored. On error it
// returns the defaults with an error in French.
func ParseSiteConfig(data []byte) (SiteConfig, error) {
	c := DefaultSiteConfig()
	if len(strings.TrimSpace(string(data))) == 0 {
		return c, nil
	}
	var parsed SiteConfig
	if err := yaml.Unmarshal(data, &parsed); err != nil {
		return c, fmt.Errorf("configuration illisible : %v", err)
	}
	if parsed.Nom != "" {
		c.Nom = parsed.Nom
	}
	c.Description, c.Territoire, c.Theme, c.Contact = parsed.Description, parsed.Territoire, parsed.Theme, parsed.Contact
	switch {
	case parsed.FraicheurMois < 0 || parsed.FraicheurMois > 120:
		return DefaultSiteConfig(), fmt.Errorf("fraicheur_mois : %d mois n'est pas une durée valide (entre 1 et 120)", parsed.FraicheurMois)
	case parsed.FraicheurMois > 0:
		c.FraicheurMois = parsed.FraicheurMois
	}
	if parsed.BaseURL != "" {
		if !validWebURL(parsed.BaseURL) {
			return DefaultSiteConfig(), fmt.Errorf("base_url : « %s » n'est pas une adresse web (https://...)", parsed.BaseURL)
		}
		c.BaseURL = strings.TrimRight(parsed.BaseURL, "/")
	}
	return c, nil
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
