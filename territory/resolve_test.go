package territory_test

import (
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/territory"
)

func TestResolve(t *testing.T) {
	d := directory(t)
	tests := []struct {
		q, want string // want: INSEE code, "" for none
	}{
		{"71137", "71137"},                         // INSEE code
		{"2A004", "2A004"},                         // Corsican INSEE code
		{"2a004", "2A004"},                         //
		{"71250", "71137"},                         // postal code → the most populous commune with it
		{"75013", "75056"},                         // Paris by an arrondissement's postal code
		{"97411", "97415"},                         // postal code of Saint-Paul before INSEE code of Saint-Denis
		{"71870", "71235"},                         // shared by Laizé and Hurigny, the larger
		{"Cluny", "71137"},                         // name
		{"cluny", "71137"},                         //
		{" CLUNY ", "71137"},                       //
		{"Cluny (71250)", "71137"},                 // label
		{"Cluny(71250)", "71137"},                  //
		{"Cluny 71250", "71137"},                   //
		{"Cluny (71)", "71137"},                    // département
		{"Cluny (71137)", "71137"},                 // INSEE code as qualifier
		{"Saint-Malo", "35288"},                    //
		{"saint malo", "35288"},                    //
		{"St-Malo", "35288"},                       //
		{"reims", "51454"},                         //
		{"Évian-les-Bains", "74119"},               //
		{"evian les bains", "74119"},               //
		{"Chalon", "38066"},                        // an exact name, even small, not Chalon-sur-Saône
		{"Saint-Denis", "97411"},                   // ambiguous → most populous (Réunion, 155,634)
		{"Saint-Denis (93200)", "93066"},           // the label picks the other one
		{"Saint-Denis (93)", "93066"},              //
		{"Ajaccio (2A)", "2A004"},                  //
		{"Bors (Canton de Charente-Sud)", "16053"}, // parentheses that are part of the name
		{"Bors (Canton de Charente-Sud) (16360)", "16053"},
		{"Château-Chinon (Ville) (58120)", "58062"},
		{"Château-Chinon (Campagne)", "58063"},
		{"Cluny (69)", ""},    // wrong département
		{"Cluny (71000)", ""}, // wrong postal code
		{"Clun", ""},          // a prefix is not a name
		{"", ""},
		{"   ", ""},
		{"99999", ""},
		{"Atlantis", ""},
		{"(71250)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			c, ok := d.Resolve(tt.q)
			if ok != (tt.want != "") || c.Code != tt.want {
				t.Errorf("Resolve(%q) = %s %q, %v; want %q", tt.q, c.Code, c.Nom, ok, tt.want)
			}
		})
	}
}

// TestResolveLabels checks on every commune that what the autocomplete
// displays resolves back to that commune.
func TestResolveLabels(t *testing.T) {
	d := directory(t)
	for _, r := range rawRows(t) {
		c, _ := d.ByCode(r.code)
		if got, ok := d.Resolve(c.Label()); !ok || got.Code != c.Code {
			t.Errorf("Resolve(%q) = %s %q, %v; want %s", c.Label(), got.Code, got.Nom, ok, c.Code)
		}
		if s := d.Suggest(c.Label(), 10); len(s) != 1 || s[0].Code != c.Code {
			t.Errorf("Suggest(%q) = %v, want [%s]", c.Label(), codesOf(s), c.Code)
		}
	}
}

// TestResolveSharedPostalCode checks that a label names its own commune when
// a more populous namesake also has that postal code, though not first.
func TestResolveSharedPostalCode(t *testing.T) {
	d, err := territory.Parse(strings.NewReader(sampleHeader +
		"00001,Saint-Pierre,00100 00200,01,A,,,5000,,\n" +
		"00002,Saint-Pierre,00200,01,A,,,100,,\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ q, want string }{
		{"Saint-Pierre", "00001"},
		{"Saint-Pierre (00100)", "00001"},
		{"Saint-Pierre (00200)", "00002"}, // the label of 00002
		{"00200", "00001"},
		{"Saint-Pierre (01)", "00001"},
	}
	for _, tt := range tests {
		if c, ok := d.Resolve(tt.q); !ok || c.Code != tt.want {
			t.Errorf("Resolve(%q) = %s, %v; want %s", tt.q, c.Code, ok, tt.want)
		}
	}
}
