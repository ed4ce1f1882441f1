package content

import (
	"strings"
	"testing"
)

func TestPublicSource(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // substrings the result must hold
		secret   bool     // whether "SECRET" may appear
	}{
		{"pro removed", "---\nnom: Épicerie\npro:\n  telephone: SECRET\n---\nCorps\n", []string{"nom: Épicerie", "Corps"}, false},
		{"quoted and repeated key", "---\n\"pro\": {a: SECRET}\nnom: X\npro: SECRET\n---\n", []string{"nom: X"}, false},
		{"crlf and trailing spaces", "---  \r\nnom: X\r\npro: SECRET\r\n---\r\nB\r\n", []string{"nom: X", "B"}, false},
		{"unreadable front matter", "---\nnom: [\npro: SECRET\n---\nB\n", []string{"masqué", "B"}, false},
		{"unclosed front matter", "---\nnom: X\npro: SECRET\n", []string{"masqué"}, false},
		{"no front matter", "Texte libre\n", []string{"Texte libre"}, false},
		{"no pro", "---\nnom: X\n---\nB\n", []string{"nom: X"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PublicSource([]byte(tt.in))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("PublicSource() = %q, want it to contain %q", got, w)
				}
			}
			if !tt.secret && strings.Contains(got, "SECRET") {
				t.Errorf("PublicSource() = %q leaks the pro block", got)
			}
		})
	}
}
