package content

import "testing"

func TestReferentials(t *testing.T) {
	refs := testRefs(t)
	tests := []struct {
		ref   *Referential
		value string
		label string
		min   int
	}{
		{refs.Thematiques, "equipement-et-alimentation--alimentation", "Alimentation", 60},
		{refs.Types, "aide-materielle", "Aide materielle", 5},
		{refs.Publics, "familles", "", 10},
		{refs.Frais, "gratuit", "Gratuit", 2},
		{refs.ModesAccueil, "a-distance", "À distance", 2},
		{refs.ModesMobilisation, "telephoner", "Téléphoner", 4},
		{refs.MobilisablePar, "professionnels", "Professionnels", 2},
		{refs.ReseauxPorteurs, "ccas-cias", "", 50},
	}
	for _, tt := range tests {
		if !tt.ref.Has(tt.value) {
			t.Errorf("%s lacks %s", tt.ref.Name, tt.value)
		}
		if tt.label != "" && tt.ref.Label(tt.value) != tt.label {
			t.Errorf("%s label of %s = %q", tt.ref.Name, tt.value, tt.ref.Label(tt.value))
		}
		if len(tt.ref.Values()) < tt.min {
			t.Errorf("%s has %d values", tt.ref.Name, len(tt.ref.Values()))
		}
		if tt.ref.Has("inconnu") || tt.ref.Label("inconnu") != "inconnu" {
			t.Errorf("%s knows an unknown value", tt.ref.Name)
		}
	}
}

func TestThematiqueGroups(t *testing.T) {
	refs := testRefs(t)
	groups := refs.ThematiqueGroups()
	if len(groups) != 16 {
		t.Errorf("groups = %d, want 16", len(groups))
	}
	n := 0
	for _, g := range groups {
		n += len(g.Children)
		if g.Label == "" || g.Label == g.Value {
			t.Errorf("group %s without French label", g.Value)
		}
	}
	if n != len(refs.Thematiques.Values()) {
		t.Errorf("groups hold %d values, want %d", n, len(refs.Thematiques.Values()))
	}
	g, ok := refs.ThematiqueGroup("equipement-et-alimentation--alimentation")
	if !ok || g.Label != "Équipement et alimentation" || g.Value != "equipement-et-alimentation" {
		t.Errorf("group = %+v %v", g, ok)
	}
	if _, ok := refs.ThematiqueGroup("sante"); !ok {
		t.Error("a first-level value names its own group")
	}
	if _, ok := refs.ThematiqueGroup("inconnu--x"); ok {
		t.Error("unknown group found")
	}
}
