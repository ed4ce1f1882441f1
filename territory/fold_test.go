package territory_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aiguillage/aiguillage/territory"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"cluny", "cluny"},
		{"CLUNY", "cluny"},
		{"  Cluny  ", "cluny"},
		{"Évian-les-Bains", "evian les bains"},
		{"Chalon-sur-Saône", "chalon sur saone"},
		{"L'Abergement-Clémenciat", "l abergement clemenciat"},
		{"l’abergement", "l abergement"}, // typographic apostrophe
		{"Saint--Jean   de   Luz", "saint jean de luz"},
		{"Œuilly", "oeuilly"},
		{"cœur", "coeur"},
		{"Lætitia", "laetitia"},
		{"Ça", "ca"},
		{"Straße", "strasse"},
		{"ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ", "aaaceeeeiioouuuy"},
		{"àâäçéèêëîïôöùûüÿ", "aaaceeeeiioouuuy"},
		{"Łódź", "lodz"},
		{"Dvořák", "dvorak"},
		{"Château-Chinon (Ville)", "chateau chinon ville"},
		{"Évian", "evian"},
		{"E\u0301vian", "evian"}, // decomposed é: the combining accent is dropped
		{"71250", "71250"},
		{"Paris 15e!", "paris 15e"},
		{"a.b,c;d/e_f", "a b c d e f"},
		{"×÷", ""},
		{"\xff\xfe", ""},   // invalid UTF-8 reads as separators
		{"Αθήνα", "αθήνα"}, // other scripts are only lower-cased
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := territory.Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestFoldNames checks Fold on every commune name: the result is stable and
// plain lower-case ASCII, so the indexes compare like with like.
func TestFoldNames(t *testing.T) {
	d := directory(t)
	rows := rawRows(t)
	for _, row := range rows {
		c, _ := d.ByCode(row.code)
		f := territory.Fold(c.Nom)
		if territory.Fold(f) != f {
			t.Errorf("Fold not idempotent on %q: %q", c.Nom, f)
		}
		for _, r := range f {
			if !('a' <= r && r <= 'z' || r == ' ') {
				t.Errorf("Fold(%q) = %q holds %q", c.Nom, f, r)
				break
			}
		}
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"Évian-les-Bains", "L'Abergement", " a  b ", "Œ\u0301", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := territory.Fold(s)
		if territory.Fold(got) != got {
			t.Errorf("Fold(Fold(%q)) != Fold(%q) = %q", s, s, got)
		}
		if strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
			t.Errorf("Fold(%q) = %q has stray spaces", s, got)
		}
		if !utf8.ValidString(got) {
			t.Errorf("Fold(%q) = %q is not valid UTF-8", s, got)
		}
	})
}
