package territory_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/territory"
)

func TestSuggest(t *testing.T) {
	d := directory(t)
	tests := []struct {
		q     string
		limit int
		first string   // INSEE code of the first result; "" for no result
		among []string // INSEE codes that must also be in the results
	}{
		{"cluny", 10, "71137", nil},
		{"CLUNY", 10, "71137", nil},
		{"Cluny ", 10, "71137", nil},
		{"  clUny", 10, "71137", nil},
		{"clu", 10, "", []string{"71137"}},
		{"chalon", 10, "71076", []string{"51108", "38066"}},     // Chalon-sur-Saône, Châlons-en-Champagne, Chalon (Isère)
		{"chalon sur", 10, "71076", nil},                        // "sur" is part of the name here
		{"Chalon-sur-Saône", 10, "71076", nil},                  // full name with accents
		{"st malo", 10, "35288", []string{"35289", "44176"}},    // Saint-Malo then Saint-Malo-de-*
		{"saint-malo", 10, "35288", []string{"35289", "44176"}}, //
		{"Saint Malo", 10, "35288", nil},                        //
		{"st-malo", 10, "35288", nil},                           //
		{"ste foy les lyon", 10, "69202", nil},                  // Sainte-Foy-lès-Lyon
		{"st", 10, "67482", []string{"42218"}},                  // Strasbourg, and Saint-Étienne through "saint"
		{"evian", 10, "74119", nil},                             // Évian-les-Bains
		{"Évian", 10, "74119", nil},                             //
		{"l'abergement", 10, "", []string{"01001", "01002"}},    //
		{"l abergement clem", 10, "01001", nil},                 //
		{"reims", 10, "51454", nil},                             //
		{"paris", 10, "75056", nil},                             //
		{"lyon", 10, "69123", nil},                              //
		{"mars", 10, "13055", []string{"42141"}},                // Marseille before Mars (Loire), which stays listed
		{"saint lo", 10, "50502", []string{"68297"}},            // Saint-Lô (19,471) exact beats Saint-Louis (54,941)
		{"malo", 20, "", []string{"35288"}},                     // word start: Saint-Malo, below names starting with "malo"
		{"havre", 10, "76351", nil},                             // Le Havre through its second word
		{"71250", 10, "71137", []string{"71250"}},               // Cluny, then the commune whose INSEE code is 71250
		{"97411", 10, "97415", []string{"97411"}},               // postal code of Saint-Paul, INSEE code of Saint-Denis
		{"2A004", 10, "2A004", nil},                             // Ajaccio by INSEE code
		{"2a004", 10, "2A004", nil},                             //
		{"Cluny (71250)", 10, "71137", nil},                     // a label suggests its commune
		{"Saint-Denis (97400)", 10, "97411", nil},               //
		{"", 10, "", nil},                                       //
		{"   ", 10, "", nil},                                    //
		{"'-.", 10, "", nil},                                    //
		{"cluny", 0, "", nil},                                   // no room
		{"cluny", -1, "", nil},                                  //
		{"zzzzzz", 10, "", nil},                                 //
		{".*", 10, "", nil},                                     //
		{"(71250", 10, "71137", nil},                            // read as the postal code
		{"[a-z]+$^", 10, "", []string{}},                        // regexp characters are plain text
		{"99999", 10, "", nil},                                  //
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			got := d.Suggest(tt.q, tt.limit)
			codes := codesOf(got)
			if len(got) > max(tt.limit, 0) {
				t.Errorf("Suggest(%q, %d) returned %d communes", tt.q, tt.limit, len(got))
			}
			if tt.first == "" && tt.among == nil && len(got) != 0 {
				t.Errorf("Suggest(%q) = %v, want none", tt.q, codes)
			}
			if tt.first != "" && (len(got) == 0 || got[0].Code != tt.first) {
				t.Errorf("Suggest(%q) = %v, want %s first", tt.q, codes, tt.first)
			}
			for _, c := range tt.among {
				if !slices.Contains(codes, c) {
					t.Errorf("Suggest(%q) = %v, want %s among them", tt.q, codes, c)
				}
			}
			if len(slices.Compact(slices.Sorted(slices.Values(codes)))) != len(codes) {
				t.Errorf("Suggest(%q) = %v has duplicates", tt.q, codes)
			}
		})
	}
}

func TestSuggestPostalPrefix(t *testing.T) {
	d := directory(t)
	got := d.Suggest("712", 50)
	if len(got) != 50 {
		t.Fatalf("Suggest(712, 50) returned %d communes", len(got))
	}
	for i, c := range got {
		if !slices.ContainsFunc(c.CodesPostaux, func(p string) bool { return strings.HasPrefix(p, "712") }) {
			t.Errorf("Suggest(712)[%d] = %s %v: no postal code 712xx", i, c.Nom, c.CodesPostaux)
		}
		if i > 0 && c.Population > got[i-1].Population {
			t.Errorf("Suggest(712)[%d] = %s (%d) more populous than %s (%d)", i, c.Nom, c.Population, got[i-1].Nom, got[i-1].Population)
		}
	}
	if got[0].Code != "71153" { // Le Creusot, 71200
		t.Errorf("Suggest(712)[0] = %s, want Le Creusot", got[0].Nom)
	}
}

// TestSuggestRanking checks the tiers on a sample where each is present:
// exact name, names starting with the query by population, then names with a
// later word starting with it.
func TestSuggestRanking(t *testing.T) {
	d, err := territory.Parse(strings.NewReader(sampleHeader +
		"00001,Bourg,00100,01,A,,,5000,,\n" +
		"00002,Bourg-en-Bresse,00200,01,A,,,40000,,\n" +
		"00003,Bourges,00300,01,A,,,60000,,\n" +
		"00004,Bourgueil,00400,01,A,,,4000,,\n" +
		"00005,Saint-Bourg,00500,01,A,,,900000,,\n" +
		"00006,Petit-Bourg-sur-Bourg,00600,01,A,,,10,,\n" +
		"00007,Bourg,00700,02,B,,,300,,\n" +
		"00008,Bour,00800,02,B,,,100000,,\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		q     string
		limit int
		want  []string
	}{
		// Bourg exact (5000×10) beats Bourg-en-Bresse (40000), not Bourges
		// (60000); the other Bourg (300×10) stays below Bourgueil (4000).
		{"bourg", 10, []string{"00003", "00001", "00002", "00004", "00007", "00005", "00006"}},
		{"bourg", 3, []string{"00003", "00001", "00002"}},
		{"bourg ", 10, []string{"00001", "00002", "00007", "00005", "00006"}}, // a complete word
		{"bourg-", 10, []string{"00001", "00002", "00007", "00005", "00006"}},
		{"bourg en", 10, []string{"00002"}},
		{"en bresse", 10, []string{"00002"}},
		{"bour", 2, []string{"00008", "00003"}},
		{"00", 3, []string{"00005", "00008", "00003"}},
		{"00100", 10, []string{"00001"}},
	}
	for _, tt := range tests {
		got := codesOf(d.Suggest(tt.q, tt.limit))
		if !slices.Equal(got, tt.want) {
			t.Errorf("Suggest(%q, %d) = %v, want %v", tt.q, tt.limit, got, tt.want)
		}
	}
}

func TestSuggestJunk(t *testing.T) {
	d := directory(t)
	junk := []string{
		strings.Repeat("a", 10<<10),
		strings.Repeat("st ", 4<<10),
		strings.Repeat("7", 10<<10),
		strings.Repeat("(.*)[]{}|\\^$?+", 800),
		strings.Repeat("\xff\x00é", 4<<10),
		"Cluny (" + strings.Repeat("1", 10<<10) + ")",
	}
	for _, q := range junk {
		if got := d.Suggest(q, 10); len(got) != 0 {
			t.Errorf("Suggest(%.20q…) = %v, want none", q, codesOf(got))
		}
		if c, ok := d.Resolve(q); ok {
			t.Errorf("Resolve(%.20q…) = %s, want none", q, c.Code)
		}
	}
}

// TestSuggestConcurrent runs Suggest from several goroutines, for the race
// detector.
func TestSuggestConcurrent(t *testing.T) {
	d := directory(t)
	done := make(chan []string)
	for range 8 {
		go func() { done <- codesOf(d.Suggest("saint", 5)) }()
	}
	want := codesOf(d.Suggest("saint", 5))
	for range 8 {
		if got := <-done; !slices.Equal(got, want) {
			t.Errorf("concurrent Suggest = %v, want %v", got, want)
		}
	}
}

func codesOf(cs []territory.Commune) []string {
	codes := make([]string, len(cs))
	for i, c := range cs {
		codes[i] = c.Code
	}
	return codes
}
