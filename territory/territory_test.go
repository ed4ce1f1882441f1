package territory_test

import (
	"math"
	"testing"

	"github.com/aiguillage/aiguillage/territory"
)

func TestLabel(t *testing.T) {
	tests := []struct {
		c    territory.Commune
		want string
	}{
		{territory.Commune{Nom: "Cluny", CodesPostaux: []string{"71250"}, Departement: "71"}, "Cluny (71250)"},
		{territory.Commune{Nom: "Paris", CodesPostaux: []string{"75001", "75002"}, Departement: "75"}, "Paris (75001)"},
		{territory.Commune{Nom: "La Terre-Adélie", Departement: "984"}, "La Terre-Adélie (984)"},
		{territory.Commune{Nom: "Nowhere"}, "Nowhere"},
	}
	for _, tt := range tests {
		if got := tt.c.Label(); got != tt.want {
			t.Errorf("Label() = %q, want %q", got, tt.want)
		}
	}
}

func TestInZone(t *testing.T) {
	d := directory(t)
	cluny, _ := d.ByCode("71137")
	ajaccio, _ := d.ByCode("2A004")
	brehat, _ := d.ByCode("22016") // Île-de-Bréhat belongs to no EPCI
	tests := []struct {
		name string
		c    territory.Commune
		zone []string
		want bool
	}{
		{"commune", cluny, []string{"71137"}, true},
		{"EPCI", cluny, []string{"200040293"}, true},
		{"département", cluny, []string{"71"}, true},
		{"any of several", cluny, []string{"21", "69123", "71"}, true},
		{"surrounding spaces", cluny, []string{" 71 "}, true},
		{"other commune", cluny, []string{"71076"}, false},
		{"other EPCI", cluny, []string{"247100589"}, false},
		{"other département", cluny, []string{"69", "01"}, false},
		{"postal code is not a zone", cluny, []string{"71250"}, false},
		{"département prefix is not the département", cluny, []string{"7"}, false},
		{"empty zone", cluny, nil, false},
		{"empty code", cluny, []string{""}, false},
		{"Corsica", ajaccio, []string{"2A"}, true},
		{"Corsica, lower case", ajaccio, []string{"2a"}, true},
		{"Corsica, other half", ajaccio, []string{"2B", "20"}, false},
		{"commune without EPCI", brehat, []string{""}, false},
		{"commune without EPCI, by département", brehat, []string{"22"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.InZone(tt.zone); got != tt.want {
				t.Errorf("%s.InZone(%q) = %v, want %v", tt.c.Nom, tt.zone, got, tt.want)
			}
		})
	}
}

func TestDistance(t *testing.T) {
	d := directory(t)
	paris, _ := d.ByCode("75056")
	lyon, _ := d.ByCode("69123")
	cluny, _ := d.ByCode("71137")
	chalon, _ := d.ByCode("71076")
	tests := []struct {
		name                   string
		lat1, lon1, lat2, lon2 float64
		want, tolerance        float64
	}{
		{"Paris–Lyon", paris.Lat, paris.Lon, lyon.Lat, lyon.Lon, 392, 5},
		{"Lyon–Paris", lyon.Lat, lyon.Lon, paris.Lat, paris.Lon, 392, 5},
		{"Cluny–Chalon-sur-Saône", cluny.Lat, cluny.Lon, chalon.Lat, chalon.Lon, 40, 3},
		{"same point", 46.43, 4.66, 46.43, 4.66, 0, 1e-9},
		{"one degree on the equator", 0, 0, 0, 1, 111.195, 0.01},
		{"pole to pole", 90, 0, -90, 0, math.Pi * 6371.0088, 0.01},
		{"antipodes", 0, 0, 0, 180, math.Pi * 6371.0088, 0.01},
		{"across the antimeridian", 0, 179.5, 0, -179.5, 111.195, 0.01},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := territory.Distance(tt.lat1, tt.lon1, tt.lat2, tt.lon2)
			if math.Abs(got-tt.want) > tt.tolerance {
				t.Errorf("Distance = %.3f km, want %.3f ± %g", got, tt.want, tt.tolerance)
			}
		})
	}
}
