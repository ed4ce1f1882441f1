package editform_test

import (
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/editform"
)

const service = `---
# Fiche relue avec le CCAS en septembre.
nom: "Épicerie sociale de Cluny"
structure: ccas-cluny
thematiques: [equipement-et-alimentation--alimentation]
code_postal: "71250"
commune: Cluny # la commune du local
horaires_accueil: "Tu,Th 14:00-17:30; PH off"
champ_maison: garder
date_maj: 2026-10-02
pro:
  notes: "Ligne directe"
  interne: oui
infos_temporaires:
  - du: 2026-11-20
    type: fermeture
---
Produits à petit prix.

Deuxième paragraphe.
`

func refs(t *testing.T) *content.Referentials {
	t.Helper()
	r, err := content.LoadReferentials()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// edit applies form values (as posted) over the fixture and returns the
// new file.
func edit(t *testing.T, src string, posted map[string][]string) (string, []string) {
	t.Helper()
	f, err := editform.Split([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	fields := editform.Fields(content.KindService)
	vals := f.Read(fields)
	for k, v := range posted {
		delete(vals, k)
		if v != nil {
			fd, _ := editform.Lookup(content.KindService, k)
			if n := editform.FromForm([]editform.Field{fd}, func(string) []string { return v }); len(n[k]) > 0 {
				vals[k] = n[k]
			}
		}
	}
	changed := f.Apply(fields, vals)
	out, err := f.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return string(out), changed
}

func TestUnchangedFormKeepsFileExactly(t *testing.T) {
	out, changed := edit(t, service, nil)
	if out != service || len(changed) != 0 {
		t.Fatalf("changed %v, file:\n%s", changed, out)
	}
}

func TestEditKeepsUnknownKeysCommentsAndOrder(t *testing.T) {
	out, changed := edit(t, service, map[string][]string{
		"nom":              {"Épicerie  solidaire : Cluny"},
		"publics":          {"familles", "etudiants"},
		"telephone":        {"03 85 00 00 00"},
		"zone_eligibilite": {"71137, 200040293"},
		"pro.courriel":     {"pro@cluny.example.org"},
		"age_min":          {"16"},
		"complet":          {"1"},
	})
	for _, want := range []string{
		"# Fiche relue avec le CCAS en septembre.\n",
		`nom: "Épicerie solidaire : Cluny"`,
		"commune: Cluny # la commune du local\n",
		"champ_maison: garder\n",
		"date_maj: 2026-10-02\n",
		"  interne: oui\n",
		"  courriel: pro@cluny.example.org\n",
		`zone_eligibilite: ["71137", "200040293"]`,
		`telephone: "03 85 00 00 00"`,
		"publics: [familles, etudiants]\n",
		"infos_temporaires:\n  - du: 2026-11-20\n",
		"---\nProduits à petit prix.\n\nDeuxième paragraphe.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	// New keys go after the keys the form puts before them.
	order := []string{"nom:", "structure:", "complet:", "thematiques:", "publics:", "age_min:", "zone_eligibilite:", "code_postal:", "commune:", "horaires_accueil:", "telephone:", "champ_maison:", "pro:"}
	last := -1
	for _, k := range order {
		i := strings.Index(out, "\n"+k)
		if i < last {
			t.Errorf("%s out of order in:\n%s", k, out)
		}
		last = i
	}
	if len(changed) != 7 {
		t.Errorf("changed %v, want 7 keys", changed)
	}
	doc, problems := content.Parse("services/epicerie.md", []byte(out), refs(t))
	if doc == nil {
		t.Fatalf("edited file does not parse: %v\n%s", problems, out)
	}
	if doc.Service.Nom != "Épicerie solidaire : Cluny" || *doc.Service.AgeMin != 16 || !doc.Service.Complet ||
		doc.Service.Pro.Courriel != "pro@cluny.example.org" || doc.Service.Pro.Notes != "Ligne directe" {
		t.Errorf("read back %+v", doc.Service)
	}
}

func TestEmptyFieldsRemoveKeys(t *testing.T) {
	out, _ := edit(t, service, map[string][]string{"commune": {""}, "pro.notes": nil, "horaires_accueil": {"  "}})
	for _, gone := range []string{"commune:", "horaires_accueil:", "notes:"} {
		if strings.Contains(out, gone) {
			t.Errorf("%s still there:\n%s", gone, out)
		}
	}
	if !strings.Contains(out, "pro:\n  interne: oui\n") {
		t.Errorf("pro lost its unknown key:\n%s", out)
	}
	// A pro block left empty goes.
	src := strings.Replace(service, "  interne: oui\n", "", 1)
	out, _ = edit(t, src, map[string][]string{"pro.notes": nil})
	if strings.Contains(out, "pro:") {
		t.Errorf("empty pro block kept:\n%s", out)
	}
}

func TestValuesThatLookLikeOtherTypesStayText(t *testing.T) {
	out, _ := edit(t, service, map[string][]string{
		"nom":                {"0123"},
		"conditions_acces":   {"oui"},
		"publics_precisions": {"Ligne 1\r\nLigne 2: suite\n"},
		"code_insee":         {"01053"},
		"age_max":            {"douze"},
		"latitude":           {"46,43"},
		"longitude":          {"4.66"},
	})
	doc, problems := content.Parse("services/epicerie.md", []byte(out), refs(t))
	var ageProblem bool
	for _, p := range problems {
		ageProblem = ageProblem || p.Field == "age_max"
	}
	if doc != nil || !ageProblem {
		t.Fatalf("a non-number age must be refused on age_max: %v\n%s", problems, out)
	}
	out, _ = edit(t, out, map[string][]string{"age_max": nil})
	doc, problems = content.Parse("services/epicerie.md", []byte(out), refs(t))
	if doc == nil {
		t.Fatalf("%v\n%s", problems, out)
	}
	s := doc.Service
	if s.Nom != "0123" || s.ConditionsAcces != "oui" || s.PublicsPrecisions != "Ligne 1\nLigne 2: suite" ||
		s.CodeInsee != "01053" || s.Latitude == nil || *s.Latitude != 46.43 {
		t.Errorf("read back %+v\n%s", s, out)
	}
}

func TestChoicesOrderDoesNotCountAsAChange(t *testing.T) {
	src := strings.Replace(service, "thematiques: [equipement-et-alimentation--alimentation]",
		"thematiques: [sante--acces-aux-soins, equipement-et-alimentation--alimentation]", 1)
	out, changed := edit(t, src, map[string][]string{"thematiques": {"equipement-et-alimentation--alimentation", "sante--acces-aux-soins"}})
	if out != src || len(changed) != 0 {
		t.Errorf("reordered boxes rewrote %v", changed)
	}
}

func TestSplitRefusesWhatTheFormCannotEdit(t *testing.T) {
	for _, src := range []string{"pas d'en-tête\n", "---\nnom: x\n", "---\n- a\n- b\n---\n", "---\nnom: [\n---\n"} {
		if _, err := editform.Split([]byte(src)); err == nil {
			t.Errorf("Split(%q) accepted", src)
		}
	}
	f, err := editform.Split([]byte("---\n---\ncorps\n"))
	if err != nil {
		t.Fatal(err)
	}
	f.Apply(editform.Fields(content.KindService), editform.Values{"nom": {"Nouveau"}})
	out, _ := f.Bytes()
	if string(out) != "---\nnom: Nouveau\n---\ncorps\n" {
		t.Errorf("got %q", out)
	}
}

func TestTemporaryNotices(t *testing.T) {
	rec := func(parts ...string) string { return strings.Join(parts, "\x1f") }
	// Rows as a form posts them: the existing one, a new one, a blank one.
	posted := map[string][]string{
		"infos_temporaires.du":       {"2026-11-20", "2026-12-24", ""},
		"infos_temporaires.au":       {"", "2027-01-02", ""},
		"infos_temporaires.type":     {"fermeture", "message", ""},
		"infos_temporaires.message":  {"", "Fermé pour les fêtes", ""},
		"infos_temporaires.horaires": {"", "", ""},
	}
	fields := editform.Fields(content.KindService)
	vals := editform.FromForm(fields, func(k string) []string { return posted[k] })
	want := []string{rec("2026-11-20", "", "fermeture", "", ""), rec("2026-12-24", "2027-01-02", "message", "Fermé pour les fêtes", "")}
	if got := vals["infos_temporaires"]; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("records %q", got)
	}
	src := strings.Replace(service, "  - du: 2026-11-20\n", "  - du: 2026-11-20 # posée par Camille\n", 1)
	f, err := editform.Split([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	cur := f.Read(fields)
	cur["infos_temporaires"] = vals["infos_temporaires"]
	f.Apply(fields, cur)
	out, _ := f.Bytes()
	for _, w := range []string{"- du: 2026-11-20 # posée par Camille\n", "  - du: 2026-12-24\n    au: 2027-01-02\n    type: message\n    message: Fermé pour les fêtes\n"} {
		if !strings.Contains(string(out), w) {
			t.Errorf("missing %q in:\n%s", w, out)
		}
	}
	doc, problems := content.Parse("services/epicerie.md", out, refs(t))
	if doc == nil || len(doc.Service.InfosTemporaires) != 2 || doc.Service.InfosTemporaires[1].Au.String() != "2027-01-02" {
		t.Fatalf("read back: %v", problems)
	}
	if r := vals.Records("infos_temporaires"); r[1]["message"] != "Fermé pour les fêtes" {
		t.Errorf("Records: %v", r)
	}
}
