package server

import (
	"testing"

	"github.com/aiguillage/aiguillage/content"
)

func TestFreshnessOrder(t *testing.T) {
	refs, err := content.LoadReferentials()
	if err != nil {
		t.Fatal(err)
	}
	f := func(name, text string) content.File { return content.File{Name: name, Data: []byte(text)} }
	svc := func(nom, structure, verified string) string {
		s := "---\nnom: \"" + nom + "\"\nstructure: " + structure + "\nthematiques: [famille--garde-denfants]\n"
		if verified != "" {
			s += "verifie_le: " + verified + "\n"
		}
		return s + "---\n"
	}
	cat := content.NewCatalog("r1", []content.File{
		f(".aiguillage/config.yaml", "fraicheur_mois: 3\n"),
		f("structures/a.md", "---\nnom: \"Structure A\"\nverifie_le: 2026-01-10\n---\n"),
		f("structures/b.md", "---\nnom: \"Structure B\"\nverifie_le: 2026-11-01\n---\n"),
		f("services/a-frais.md", svc("A frais", "a", "2026-10-01")),
		f("services/a-vieux.md", svc("A vieux", "a", "2025-06-30")),
		f("services/a-jamais.md", svc("A jamais", "a", "")),
		f("services/a-limite.md", svc("A limite", "a", "2026-08-24")), // exactly 3 months: fresh
		f("services/b-vieux.md", svc("B vieux", "b", "2026-02-01")),
	}, refs)
	if p := cat.Problems(); len(p) > 0 {
		t.Fatalf("fixture problems: %+v", p)
	}
	today := content.Date{Year: 2026, Month: 11, Day: 24}
	all := freshness(cat, func(string) bool { return true }, today)
	var got []string
	for _, r := range all.Rows {
		got = append(got, r.Page.Title+"@"+r.Verified.String())
	}
	want := []string{"A jamais@", "A vieux@2025-06-30", "Structure A@2026-01-10", "B vieux@2026-02-01"}
	if len(got) != len(want) {
		t.Fatalf("rows = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("rows = %v, want %v", got, want)
		}
	}
	if all.Months != 3 || all.Since.String() != "2026-08-24" || all.Total != 7 {
		t.Errorf("view = %+v", all)
	}
	if g := all.Groups; len(g) != 2 || g[0].Structure.Title != "Structure A" || g[0].Stale != 3 || g[0].Total != 5 || g[1].Stale != 1 || g[1].Total != 2 {
		t.Errorf("groups = %+v", g)
	}
	onlyB := freshness(cat, func(s string) bool { return s == "b" }, today)
	if len(onlyB.Rows) != 1 || onlyB.Rows[0].Page.Title != "B vieux" || len(onlyB.Groups) != 1 {
		t.Errorf("editor of b sees %+v", onlyB)
	}
}
