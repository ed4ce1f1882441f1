package content

import (
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const mergeBase = `---
# Fiche relue par le CCAS
nom: "Épicerie sociale"
structure: ccas-cluny
thematiques: [equipement-et-alimentation--alimentation]
code_postal: "71250" # gardez les guillemets
telephone: "03 85 59 00 00"
pro:
  telephone: "03 85 59 00 01"
  notes: "Ligne directe."
---
Première ligne.
Deuxième ligne.
Troisième ligne.
Quatrième ligne.
Cinquième ligne.
`

func TestMerge3(t *testing.T) {
	r := strings.NewReplacer
	tests := []struct {
		name         string
		ours, theirs *strings.Replacer
		want         *strings.Replacer // applied to base; nil: a conflict
		fields       []string          // conflicting fields ("" for a body hunk)
	}{
		{name: "disjoint keys",
			ours:   r(`nom: "Épicerie sociale"`, `nom: "Épicerie solidaire"`),
			theirs: r(`telephone: "03 85 59 00 00"`, `telephone: "03 85 59 99 99"`),
			want:   r(`nom: "Épicerie sociale"`, `nom: "Épicerie solidaire"`, `telephone: "03 85 59 00 00"`, `telephone: "03 85 59 99 99"`)},
		{name: "same change both sides",
			ours:   r("Deuxième", "Seconde", `structure: ccas-cluny`, `structure: ccas-macon`),
			theirs: r(`structure: ccas-cluny`, `structure: ccas-macon`),
			want:   r("Deuxième", "Seconde", `structure: ccas-cluny`, `structure: ccas-macon`)},
		{name: "same key differently",
			ours:   r(`nom: "Épicerie sociale"`, `nom: "A"`),
			theirs: r(`nom: "Épicerie sociale"`, `nom: "B"`),
			fields: []string{"nom"}},
		{name: "pro sub-keys merge",
			ours:   r(`  notes: "Ligne directe."`, `  notes: "Ligne directe, le matin."`),
			theirs: r(`  telephone: "03 85 59 00 01"`, `  telephone: "03 85 59 00 02"`),
			want:   r(`  notes: "Ligne directe."`, `  notes: "Ligne directe, le matin."`, `  telephone: "03 85 59 00 01"`, `  telephone: "03 85 59 00 02"`)},
		{name: "pro sub-key conflict",
			ours:   r(`  notes: "Ligne directe."`, `  notes: "X"`),
			theirs: r(`  notes: "Ligne directe."`, `  notes: "Y"`),
			fields: []string{"pro.notes"}},
		{name: "lists are values",
			ours:   r(`[equipement-et-alimentation--alimentation]`, `[equipement-et-alimentation--alimentation, sante]`),
			theirs: r(`[equipement-et-alimentation--alimentation]`, `[famille]`),
			fields: []string{"thematiques"}},
		{name: "deleted key and edited elsewhere",
			ours:   r("telephone: \"03 85 59 00 00\"\n", ""),
			theirs: r("Cinquième", "5e"),
			want:   r("telephone: \"03 85 59 00 00\"\n", "", "Cinquième", "5e")},
		{name: "deleted key against edited key",
			ours:   r("telephone: \"03 85 59 00 00\"\n", ""),
			theirs: r(`telephone: "03 85 59 00 00"`, `telephone: "01"`),
			fields: []string{"telephone"}},
		{name: "added keys keep their place",
			ours:   r("structure: ccas-cluny\n", "structure: ccas-cluny\nfrais: gratuit\n"),
			theirs: r("pro:\n", "langues: [fr]\npro:\n"),
			want:   r("structure: ccas-cluny\n", "structure: ccas-cluny\nfrais: gratuit\n", "pro:\n", "langues: [fr]\npro:\n")},
		{name: "body lines apart",
			ours:   r("Première", "1re"),
			theirs: r("Cinquième", "5e"),
			want:   r("Première", "1re", "Cinquième", "5e")},
		{name: "body same line",
			ours:   r("Troisième", "3e"),
			theirs: r("Troisième", "III"),
			fields: []string{""}},
		{name: "body adjacent lines conflict",
			ours:   r("Troisième", "3e"),
			theirs: r("Quatrième", "4e"),
			fields: []string{""}},
		{name: "both sides, front and body",
			ours:   r(`nom: "Épicerie sociale"`, `nom: "Nouveau nom"`, "Première", "1re"),
			theirs: r("Cinquième", "5e", `  notes: "Ligne directe."`, `  notes: "Z"`),
			want:   r(`nom: "Épicerie sociale"`, `nom: "Nouveau nom"`, "Première", "1re", "Cinquième", "5e", `  notes: "Ligne directe."`, `  notes: "Z"`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ours, theirs := tt.ours.Replace(mergeBase), tt.theirs.Replace(mergeBase)
			got, conflicts := Merge3([]byte(mergeBase), []byte(ours), []byte(theirs))
			if tt.want == nil {
				if got != nil {
					t.Fatalf("merged without conflict:\n%s", got)
				}
				var fields []string
				for _, c := range conflicts {
					fields = append(fields, c.Field)
					if c.Ours == c.Theirs {
						t.Errorf("conflict %+v shows the same text on both sides", c)
					}
				}
				if strings.Join(fields, ",") != strings.Join(tt.fields, ",") {
					t.Fatalf("conflicts on %q, want %q: %+v", fields, tt.fields, conflicts)
				}
				return
			}
			if len(conflicts) > 0 {
				t.Fatalf("unexpected conflicts: %+v", conflicts)
			}
			want := tt.want.Replace(mergeBase)
			if string(got) != want {
				t.Fatalf("merged:\n%s\nwant:\n%s", got, want)
			}
			if _, problems := Parse("services/epicerie.md", got, nil); hasError(problems) {
				t.Fatalf("merged file does not parse: %v", problems)
			}
		})
	}
}

func hasError(ps []Problem) bool {
	for _, p := range ps {
		if !p.Warning {
			return true
		}
	}
	return false
}

func TestMerge3ConflictShowsVersions(t *testing.T) {
	ours := strings.Replace(mergeBase, "Troisième ligne.", "Ma version.", 1)
	theirs := strings.Replace(mergeBase, "Troisième ligne.", "Leur version.", 1)
	_, conflicts := Merge3([]byte(mergeBase), []byte(ours), []byte(theirs))
	if len(conflicts) != 1 {
		t.Fatalf("conflicts = %+v", conflicts)
	}
	c := conflicts[0]
	if c.Line != 3 || c.Base != "Troisième ligne.\n" || c.Ours != "Ma version.\n" || c.Theirs != "Leur version.\n" {
		t.Fatalf("conflict = %+v", c)
	}
}

func TestMerge3CreatedOnBothSides(t *testing.T) {
	a := "---\nnom: A\n---\ntexte\n"
	b := "---\nnom: B\n---\ntexte\n"
	if got, c := Merge3(nil, []byte(a), []byte(a)); string(got) != a || c != nil {
		t.Fatalf("same creation: %q %+v", got, c)
	}
	if _, c := Merge3(nil, []byte(a), []byte(b)); len(c) != 1 || c[0].Field != "nom" {
		t.Fatalf("different creations: %+v", c)
	}
}

func TestMerge3UnreadableFrontMatter(t *testing.T) {
	base := "---\nnom: [\n---\nun\ndeux\ntrois\nquatre\n"
	ours := strings.Replace(base, "un\n", "1\n", 1)
	theirs := strings.Replace(base, "quatre\n", "4\n", 1)
	got, c := Merge3([]byte(base), []byte(ours), []byte(theirs))
	if want := "---\nnom: [\n---\n1\ndeux\ntrois\n4\n"; string(got) != want || c != nil {
		t.Fatalf("got %q %+v", got, c)
	}
}

func FuzzMerge3(f *testing.F) {
	f.Add(mergeBase, strings.Replace(mergeBase, "Première", "1re", 1), strings.Replace(mergeBase, "nom: ", "nom: x", 1))
	f.Add("---\na: 1\n---\nx\n", "---\na: 2\nb: 1\n---\nx\n", "---\nc: 3\na: 1\n---\ny\n")
	f.Add("", "---\na: 1\n---\n", "x")
	f.Fuzz(func(t *testing.T, base, ours, theirs string) {
		b, o, th := []byte(base), []byte(ours), []byte(theirs)
		if got, c := Merge3(b, o, o); string(got) != ours || c != nil {
			t.Fatalf("identical sides: %q %+v", got, c)
		}
		if got, c := Merge3(o, o, o); string(got) != ours || c != nil {
			t.Fatalf("merging with itself: %q %+v", got, c)
		}
		if got, c := Merge3(b, b, th); string(got) != theirs || c != nil {
			t.Fatalf("only theirs changed: %q %+v", got, c)
		}
		m1, c1 := Merge3(b, o, th)
		m2, c2 := Merge3(b, th, o)
		if (c1 == nil) != (c2 == nil) {
			t.Fatalf("merge is not symmetric: %+v vs %+v", c1, c2)
		}
		if c1 == nil && c2 == nil {
			// Clean merges commute, up to key order (theirs' order is kept).
			if !sameContent(m1, m2) {
				t.Fatalf("merges differ:\n%q\n%q", m1, m2)
			}
		}
	})
}

// sameContent compares two files by body and front matter values,
// ignoring key order and comments.
func sameContent(a, b []byte) bool {
	fa, ba, ea := splitFrontMatter(a)
	fb, bb, eb := splitFrontMatter(b)
	if ea != nil || eb != nil {
		return string(a) == string(b)
	}
	var va, vb any
	if yaml.Unmarshal([]byte(fa), &va) != nil || yaml.Unmarshal([]byte(fb), &vb) != nil {
		return string(a) == string(b)
	}
	return ba == bb && reflect.DeepEqual(va, vb)
}
