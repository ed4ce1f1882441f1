package content

import (
	"reflect"
	"strings"
	"testing"
)

func TestDiffLines(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want []DiffLine
	}{
		{"equal", "a\nb\n", "a\nb\n", []DiffLine{{DiffEqual, "a", 1, 1}, {DiffEqual, "b", 2, 2}}},
		{"insert", "a\nc\n", "a\nb\nc\n", []DiffLine{{DiffEqual, "a", 1, 1}, {DiffInsert, "b", 0, 2}, {DiffEqual, "c", 2, 3}}},
		{"delete", "a\nb\nc\n", "a\nc\n", []DiffLine{{DiffEqual, "a", 1, 1}, {DiffDelete, "b", 2, 0}, {DiffEqual, "c", 3, 2}}},
		{"change", "nom: A\nx\n", "nom: B\nx\n", []DiffLine{{DiffDelete, "nom: A", 1, 0}, {DiffInsert, "nom: B", 0, 1}, {DiffEqual, "x", 2, 2}}},
		{"from empty", "", "a\n", []DiffLine{{DiffInsert, "a", 0, 1}}},
		{"to empty", "a", "", []DiffLine{{DiffDelete, "a", 1, 0}}},
		{"both empty", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DiffLines(tt.a, tt.b); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("DiffLines = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestHunks(t *testing.T) {
	var a, b []string
	for i := 1; i <= 30; i++ {
		line := "ligne " + strings.Repeat("x", i)
		a = append(a, line)
		switch i {
		case 5:
			b = append(b, "changée 5")
		case 8: // close to 5: same hunk
			b = append(b, "changée 8")
		case 25: // far: a second hunk
		default:
			b = append(b, line)
		}
	}
	lines := DiffLines(strings.Join(a, "\n")+"\n", strings.Join(b, "\n")+"\n")
	hunks := Hunks(lines, 3)
	if len(hunks) != 2 {
		t.Fatalf("hunks = %d, want 2", len(hunks))
	}
	first := hunks[0].Lines
	if first[0].OldLine != 2 || first[len(first)-1].OldLine != 11 {
		t.Errorf("first hunk from old line %d to %d, want 2 to 11", first[0].OldLine, first[len(first)-1].OldLine)
	}
	second := hunks[1].Lines
	if len(second) != 7 || second[3].Op != DiffDelete || second[3].OldLine != 25 {
		t.Errorf("second hunk = %v", second)
	}
	if Hunks(DiffLines("a\n", "a\n"), 3) != nil {
		t.Error("hunks of an equal diff")
	}
	if h := Hunks(DiffLines("a\nb\n", "a\nc\n"), 0); len(h) != 1 || len(h[0].Lines) != 2 {
		t.Errorf("zero context = %v", h)
	}
}
