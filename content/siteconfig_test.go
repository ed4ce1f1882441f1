package content

import (
	"reflect"
	"testing"
)

func TestParseSiteConfig(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    SiteConfig
		wantErr bool
	}{
		{"empty", "", DefaultSiteConfig(), false},
		{"full", "nom: Réseau\ndescription: Annuaire\nterritoire: [\"71\", \"01\"]\nfraicheur_mois: 12\ntheme: sobre\nbase_url: https://annuaire.example.org/\ninconnu: 1\n",
			SiteConfig{Nom: "Réseau", Description: "Annuaire", Territoire: []string{"71", "01"}, FraicheurMois: 12, Theme: "sobre", BaseURL: "https://annuaire.example.org"}, false},
		{"default freshness", "nom: R\n", SiteConfig{Nom: "R", FraicheurMois: 6}, false},
		{"bad yaml", "nom: [\n", DefaultSiteConfig(), true},
		{"bad freshness", "fraicheur_mois: 500\n", DefaultSiteConfig(), true},
		{"bad type", "fraicheur_mois: six\n", DefaultSiteConfig(), true},
		{"bad base url", "base_url: javascript:alert(1)\n", DefaultSiteConfig(), true},
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
