package territory_test

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/territory"
)

func TestLoad(t *testing.T) {
	d := directory(t)
	rows := rawRows(t)
	if d.Len() <= 34000 || d.Len() != len(rows) {
		t.Fatalf("Len() = %d, want %d rows of the file (> 34,000)", d.Len(), len(rows))
	}
	for _, r := range rows {
		c, ok := d.ByCode(r.code)
		if !ok || c.Nom != r.nom || strings.Join(c.CodesPostaux, " ") != r.postal {
			t.Errorf("ByCode(%q) = %+v, %v; want %s %q (%s)", r.code, c, ok, r.code, r.nom, r.postal)
		}
	}
}

func TestByCode(t *testing.T) {
	d := directory(t)
	cluny := territory.Commune{
		Code: "71137", Nom: "Cluny", CodesPostaux: []string{"71250"},
		Departement: "71", NomDepartement: "Saône-et-Loire",
		EPCI: "200040293", NomEPCI: "CC du Clunisois",
		Population: 4942, Lat: 46.4346, Lon: 4.6677,
	}
	if got, ok := d.ByCode("71137"); !ok || !reflect.DeepEqual(got, cluny) {
		t.Errorf("ByCode(71137) = %+v, %v; want %+v", got, ok, cluny)
	}
	if got, _ := d.ByCode("71137"); math.Abs(got.Lat-46.43) > 0.01 || math.Abs(got.Lon-4.66) > 0.01 {
		t.Errorf("Cluny at %v,%v, want near 46.43,4.66", got.Lat, got.Lon)
	}
	tests := []struct {
		code, nom, dep string
		ok             bool
	}{
		{"2A004", "Ajaccio", "2A", true},
		{"2B033", "Bastia", "2B", true},
		{"75056", "Paris", "75", true},
		{"97411", "Saint-Denis", "974", true}, // also a postal code of Saint-Paul
		{"01001", "L'Abergement-Clémenciat", "01", true},
		{"98901", "Île de Clipperton", "989", true},
		{"20004", "", "", false}, // Corsica has no 20xxx INSEE code since 1976
		{"71250 ", "", "", false},
		{"7113", "", "", false},
		{"", "", "", false},
		{"2a004", "", "", false}, // codes are upper case, as INSEE writes them
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			c, ok := d.ByCode(tt.code)
			if ok != tt.ok || c.Nom != tt.nom || c.Departement != tt.dep {
				t.Errorf("ByCode(%q) = %q (%s), %v; want %q (%s), %v", tt.code, c.Nom, c.Departement, ok, tt.nom, tt.dep, tt.ok)
			}
		})
	}
}

func TestLocated(t *testing.T) {
	d := directory(t)
	missing := 0
	for _, r := range rawRows(t) {
		if c, _ := d.ByCode(r.code); !c.Located() {
			missing++
		}
	}
	if missing != 106 { // SOURCE.md: communes created after 2021
		t.Errorf("%d communes without coordinates, want 106", missing)
	}
}

func TestLabels(t *testing.T) {
	d := directory(t)
	tests := []struct{ code, dep, depName, epci, epciName string }{
		{"71137", "71", "Saône-et-Loire", "200040293", "CC du Clunisois"},
		{"2A004", "2A", "Corse-du-Sud", "242010056", "CA du Pays Ajaccien"},
		{"97411", "974", "La Réunion", "249740119", "CA Intercommunale du Nord de la Réunion (CINOR)"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			if got, ok := d.Departement(tt.dep); !ok || got != tt.depName {
				t.Errorf("Departement(%q) = %q, %v; want %q", tt.dep, got, ok, tt.depName)
			}
			if got, ok := d.EPCIName(tt.epci); !ok || got != tt.epciName {
				t.Errorf("EPCIName(%q) = %q, %v; want %q", tt.epci, got, ok, tt.epciName)
			}
		})
	}
	if got, ok := d.Departement("2a"); !ok || got != "Corse-du-Sud" {
		t.Errorf(`Departement("2a") = %q, %v`, got, ok)
	}
	for _, code := range []string{"", "20", "96", "71137"} {
		if got, ok := d.Departement(code); ok {
			t.Errorf("Departement(%q) = %q, true; want false", code, got)
		}
	}
	for _, siren := range []string{"", "71", "000000000"} {
		if got, ok := d.EPCIName(siren); ok {
			t.Errorf("EPCIName(%q) = %q, true; want false", siren, got)
		}
	}
}

const sampleHeader = "code_insee,nom,codes_postaux,departement,nom_departement,epci_siren,nom_epci,population,latitude,longitude\n"

func TestParse(t *testing.T) {
	tests := []struct {
		name, csv string
		wantLen   int
		wantErr   string
	}{
		{"ok", sampleHeader +
			"71137,Cluny,71250,71,Saône-et-Loire,200040293,CC du Clunisois,4942,46.4346,4.6677\n" +
			"2A004,Ajaccio,20000 20090,2A,Corse-du-Sud,242010056,CA du Pays Ajaccien,76320,41.932,8.6694\n" +
			"98412,Archipel des Kerguelen,,984,TAAF,,,,,\n", 3, ""},
		{"columns in another order, extra column",
			"nom,extra,code_insee,codes_postaux,departement,nom_departement,epci_siren,nom_epci,population,latitude,longitude\n" +
				"Cluny,x,71137,71250,71,Saône-et-Loire,200040293,CC du Clunisois,4942,46.4346,4.6677\n", 1, ""},
		{"header only", sampleHeader, 0, ""},
		{"empty", "", 0, "parse header"},
		{"missing column", "code_insee,nom\n71137,Cluny\n", 0, `missing column "codes_postaux"`},
		{"short code", sampleHeader + "7113,Cluny,71250,71,S,,,1,,\n", 0, "invalid INSEE code"},
		{"no name", sampleHeader + "71137, - ,71250,71,S,,,1,,\n", 0, "empty name"},
		{"bad population", sampleHeader + "71137,Cluny,71250,71,S,,,many,,\n", 0, "line 2: commune 71137: population"},
		{"bad latitude", sampleHeader + "71137,Cluny,71250,71,S,,,1,north,\n", 0, "latitude"},
		{"bad longitude", sampleHeader + "71137,Cluny,71250,71,S,,,1,1,east\n", 0, "longitude"},
		{"duplicate", sampleHeader + "71137,Cluny,71250,71,S,,,1,,\n71137,Cluny,71250,71,S,,,1,,\n", 0, "duplicate INSEE code 71137"},
		{"wrong field count", sampleHeader + "71137,Cluny\n", 0, "wrong number of fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := territory.Parse(strings.NewReader(tt.csv))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "territory: ") {
					t.Fatalf("Parse error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.Len() != tt.wantLen {
				t.Errorf("Len() = %d, want %d", d.Len(), tt.wantLen)
			}
		})
	}
}

func TestParseSample(t *testing.T) {
	d, err := territory.Parse(strings.NewReader(sampleHeader +
		"71137,Cluny,71250,71,Saône-et-Loire,200040293,CC du Clunisois,4942,46.4346,4.6677\n" +
		"2a004, Ajaccio ,20000 20090,2a,Corse-du-Sud,242010056,CA du Pays Ajaccien,76320,41.932,8.6694\n" +
		"98412,Archipel des Kerguelen,,984,TAAF,,,,,\n"))
	if err != nil {
		t.Fatal(err)
	}
	aj, ok := d.ByCode("2A004")
	want := territory.Commune{Code: "2A004", Nom: "Ajaccio", CodesPostaux: []string{"20000", "20090"},
		Departement: "2A", NomDepartement: "Corse-du-Sud", EPCI: "242010056", NomEPCI: "CA du Pays Ajaccien",
		Population: 76320, Lat: 41.932, Lon: 8.6694}
	if !ok || !reflect.DeepEqual(aj, want) {
		t.Errorf("ByCode(2A004) = %+v, %v; want %+v", aj, ok, want)
	}
	k, _ := d.ByCode("98412")
	if k.Population != 0 || k.Located() || k.EPCI != "" || len(k.CodesPostaux) != 0 || k.Label() != "Archipel des Kerguelen (984)" {
		t.Errorf("Kerguelen = %+v, label %q", k, k.Label())
	}
	if got := d.Suggest("20090", 5); len(got) != 1 || got[0].Code != "2A004" {
		t.Errorf("Suggest(20090) = %v", got)
	}
	if got, ok := d.Resolve("Archipel des Kerguelen (984)"); !ok || got.Code != "98412" {
		t.Errorf("Resolve(Kerguelen label) = %v, %v", got, ok)
	}
}

// errReader fails after the header, as a broken pipe would.
type errReader struct{ done bool }

func (r *errReader) Read(p []byte) (int, error) {
	if r.done {
		return 0, errors.New("broken")
	}
	r.done = true
	return copy(p, sampleHeader), nil
}

func TestParseReadError(t *testing.T) {
	if _, err := territory.Parse(&errReader{}); err == nil || !strings.Contains(err.Error(), "broken") {
		t.Errorf("Parse error = %v, want the reader's", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sampleHeader + "71137,Cluny,71250,71,Saône-et-Loire,200040293,CC du Clunisois,4942,46.4346,4.6677\n")
	f.Add(sampleHeader + "2A004,\"A, \"\"B\"\"\",20000 20090,2A,C,,,,,\n")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := territory.Parse(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, q := range []string{"a", "7", "st", s} {
			for _, c := range d.Suggest(q, 3) {
				if got, ok := d.ByCode(c.Code); !ok || got.Code != c.Code {
					t.Errorf("Suggest(%q) gave %q, unknown to ByCode", q, c.Code)
				}
			}
			d.Resolve(q)
		}
	})
}
