package content

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func testRefs(t testing.TB) *Referentials {
	t.Helper()
	refs, err := LoadReferentials()
	if err != nil {
		t.Fatal(err)
	}
	return refs
}

func ptr[T any](v T) *T { return &v }

func TestParseContractExample(t *testing.T) {
	data, err := os.ReadFile("testdata/parse/contract-example.md")
	if err != nil {
		t.Fatal(err)
	}
	doc, problems := Parse("services/epicerie-sociale-cluny.md", data, testRefs(t))
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	want := &Document{
		Path: "services/epicerie-sociale-cluny",
		Service: &Service{
			Nom:               "Épicerie sociale et solidaire",
			Structure:         "ccas-cluny",
			Thematiques:       []string{"equipement-et-alimentation--alimentation"},
			Types:             []string{"aide-materielle"},
			Publics:           []string{"familles", "beneficiaires-des-minimas-sociaux"},
			PublicsPrecisions: "Sur orientation d'un travailleur social.",
			ConditionsAcces:   "Quotient familial inférieur à 600 €. Apporter un justificatif de ressources.",
			Frais:             "payant",
			FraisPrecisions:   "10 à 30 % du prix en magasin.",
			ModesAccueil:      []string{"en-presentiel"},
			ModesMobilisation: []string{"se-presenter", "telephoner"},
			MobilisablePar:    []string{"professionnels"},
			Address:           Address{Adresse: "5 rue de la Levée", CodePostal: "71250", Commune: "Cluny", CodeInsee: "71137"},
			ZoneEligibilite:   []string{"200040293"},
			HorairesAccueil:   "Tu,Th 14:00-17:30; PH off",
			Contact:           Contact{Telephone: "03 85 59 00 00"},
			Langues:           []string{"fr"},
			DateMaj:           Date{2026, 10, 2},
			VerifieLe:         Date{2026, 9, 15},
			Pro:               &Pro{Telephone: "03 85 59 00 01", Notes: "Ligne directe réservée aux travailleurs sociaux."},
		},
		Body:  "Produits alimentaires et d'hygiène à petit prix, pour 3 mois renouvelables.\nVoir aussi [[pages/aide-alimentaire-clunisois|l'aide alimentaire dans le Clunisois]].\n",
		Links: []Path{"pages/aide-alimentaire-clunisois"},
	}
	if !reflect.DeepEqual(doc, want) {
		t.Errorf("got\n%#v\nwant\n%#v", doc.Service, want.Service)
	}
}

const validService = `---
nom: Épicerie sociale
structure: ccas-cluny
thematiques: [equipement-et-alimentation--alimentation]
`

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name, file, data string
		code             string
		line             int
		field            string
		contains         string
		warning          bool // the document is still returned
	}{
		{"bad yaml", "services/x.md", validService + "publics: [familles\nfrais: gratuit\n---\n", CodeYAML, 0, "", "syntaxe", false},
		{"tab indentation", "services/x.md", validService + "pro:\n\ttelephone: 1\n---\n", CodeYAML, 6, "", "tabulations", false},
		{"missing front matter", "services/x.md", "nom: x\n", CodeFrontMatter, 1, "", "---", false},
		{"unclosed front matter", "services/x.md", validService, CodeFrontMatter, 1, "", "non fermé", false},
		{"unknown thematique", "services/x.md", "---\nnom: Épicerie\nstructure: ccas\nthematiques:\n  - sante--acces-aux-soins\n  - alimentation\n---\n", CodeUnknownValue, 6, "thematiques", "« alimentation »", false},
		{"missing nom", "services/x.md", "---\nstructure: ccas\nthematiques: [sante--acces-aux-soins]\n---\n", CodeRequired, 0, "nom", "nom : champ obligatoire", false},
		{"nom too short", "services/x.md", "---\nnom: Ab\nstructure: ccas\nthematiques: [sante--acces-aux-soins]\n---\n", CodeLength, 2, "nom", "trop court", false},
		{"missing thematiques", "services/x.md", "---\nnom: Abc\nstructure: ccas\n---\n", CodeRequired, 0, "thematiques", "au moins une", false},
		{"missing titre", "pages/guide.md", "---\ntags: [a]\n---\n", CodeRequired, 0, "titre", "titre", false},
		{"structure nom", "structures/s.md", "---\nsiret: \"123\"\n---\n", CodeRequired, 0, "nom", "nom", false},
		{"siret", "structures/s.md", "---\nnom: CCAS\nsiret: \"123\"\n---\n", CodeFormat, 3, "siret", "14 chiffres", false},
		{"dotted slug", "services/../x.md", validService + "---\n", CodePath, 0, "", "nom de fichier", false},
		{"upper case slug", "services/Epicerie.md", validService + "---\n", CodePath, 0, "", "minuscules", false},
		{"not a page folder", "notes/x.md", validService + "---\n", CodePath, 0, "", "", false},
		{"too large", "services/x.md", validService + "---\n" + strings.Repeat("a", 5<<20), CodeTooLarge, 0, "", "5,0 Mo, la limite est 1,0 Mo", false},
		{"invalid utf-8", "services/x.md", validService + "---\nligne\n\xff\xfe\n", CodeEncoding, 7, "", "UTF-8", false},
		{"latitude string", "services/x.md", validService + "latitude: \"abc\"\nlongitude: 4.6\n---\n", CodeType, 5, "latitude", "latitude : nombre attendu", false},
		{"list as scalar", "services/x.md", validService + "langues: fr\n---\n", CodeType, 5, "langues", "liste attendue", false},
		{"javascript url", "services/x.md", validService + "site_web: javascript:alert(1)\n---\n", CodeFormat, 5, "site_web", "https://", false},
		{"data url", "services/x.md", validService + "lien_mobilisation: \"data:text/html,<script>alert(1)</script>\"\n---\n", CodeFormat, 5, "lien_mobilisation", "adresse web", false},
		{"accessibilite relative", "structures/s.md", "---\nnom: CCAS\naccessibilite_lieu: /acces\n---\n", CodeFormat, 3, "accessibilite_lieu", "https://", false},
		{"courriel", "services/x.md", validService + "courriel: pas une adresse\n---\n", CodeFormat, 5, "courriel", "adresse électronique", false},
		{"pro courriel", "services/x.md", validService + "pro:\n  courriel: x\n---\n", CodeFormat, 6, "pro", "pro.courriel", false},
		{"code postal 4 digits", "services/x.md", validService + "code_postal: \"1400\"\n---\n", CodeFormat, 5, "code_postal", "5 chiffres", false},
		{"code insee", "services/x.md", validService + "code_insee: \"2C004\"\n---\n", CodeFormat, 5, "code_insee", "INSEE", false},
		{"latitude range", "services/x.md", validService + "latitude: 91\nlongitude: 4\n---\n", CodeRange, 5, "latitude", "entre -90 et 90", false},
		{"longitude alone", "services/x.md", validService + "longitude: 4\n---\n", CodeRequired, 0, "latitude", "ensemble", false},
		{"zone", "services/x.md", validService + "zone_eligibilite: [\"71\", \"1234\"]\n---\n", CodeFormat, 5, "zone_eligibilite", "« 1234 »", false},
		{"langue", "services/x.md", validService + "langues: [fr, FRA]\n---\n", CodeFormat, 5, "langues", "« FRA »", false},
		{"statut", "services/x.md", validService + "statut: fermé\n---\n", CodeUnknownValue, 5, "statut", "actif, suspendu, ferme", false},
		{"frais", "services/x.md", validService + "frais: gratuite\n---\n", CodeUnknownValue, 5, "frais", "gratuit, payant", false},
		{"ages", "services/x.md", validService + "age_min: 18\nage_max: 16\n---\n", CodeRange, 6, "age_max", "inférieur à age_min", false},
		{"age not int", "services/x.md", validService + "age_min: dix-huit\n---\n", CodeType, 5, "age_min", "nombre entier", false},
		{"bad date", "services/x.md", validService + "date_maj: 2026-13-01\n---\n", CodeType, 5, "date_maj", "AAAA-MM-JJ", false},
		{"datetime", "services/x.md", validService + "verifie_le: 2026-01-01T10:00:00Z\n---\n", CodeType, 5, "verifie_le", "AAAA-MM-JJ", false},
		{"info without du", "services/x.md", validService + "infos_temporaires:\n  - type: fermeture\n---\n", CodeRequired, 6, "infos_temporaires", "« du »", false},
		{"info au before du", "services/x.md", validService + "infos_temporaires:\n  - du: 2026-08-10\n    au: 2026-08-01\n    type: fermeture\n---\n", CodeRange, 7, "infos_temporaires", "avant la date de début", false},
		{"info type", "services/x.md", validService + "infos_temporaires:\n  - du: 2026-08-10\n    type: vacances\n---\n", CodeUnknownValue, 7, "infos_temporaires", "fermeture, horaires, message", false},
		{"info horaires missing", "services/x.md", validService + "infos_temporaires:\n  - du: 2026-08-10\n    type: horaires\n---\n", CodeRequired, 6, "infos_temporaires", "horaires", false},
		{"duplicate key", "services/x.md", validService + "nom: Autre nom\n---\n", CodeDuplicate, 5, "nom", "deux fois", false},
		{"structure slug", "services/x.md", "---\nnom: Abc\nstructure: CCAS Cluny\nthematiques: [sante--acces-aux-soins]\n---\n", CodeFormat, 3, "structure", "ccas-cluny", false},
		// Warnings: the document is served.
		{"unknown field", "services/x.md", validService + "couleur: rouge\n---\n", CodeUnknownField, 5, "couleur", "« couleur »", true},
		{"unknown pro field", "services/x.md", validService + "pro:\n  fax: 01\n---\n", CodeUnknownField, 6, "pro.fax", "« pro.fax »", true},
		{"invalid wiki link", "services/x.md", validService + "---\nVoir [[Services/Autre]].\n", CodeLink, 0, "", "[[Services/Autre]]", true},
		{"bad horaires", "services/x.md", validService + "horaires_accueil: tous les jours\n---\n", CodeHoraires, 5, "horaires_accueil", "horaires_accueil", true},
		{"bad info horaires", "services/x.md", validService + "infos_temporaires:\n  - du: 2026-08-10\n    type: horaires\n    horaires: le matin\n---\n", CodeHoraires, 8, "infos_temporaires", "horaires", true},
	}
	refs := testRefs(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, problems := Parse(tt.file, []byte(tt.data), refs)
			var found *Problem
			for i := range problems {
				if problems[i].Code == tt.code {
					found = &problems[i]
					break
				}
			}
			if found == nil {
				t.Fatalf("no problem %q in %v", tt.code, problems)
			}
			if found.File != tt.file {
				t.Errorf("file = %q, want %q", found.File, tt.file)
			}
			if tt.line != 0 && found.Line != tt.line {
				t.Errorf("line = %d, want %d (%s)", found.Line, tt.line, found.Message)
			}
			if found.Field != strings.Split(tt.field, ".")[0] && found.Field != tt.field {
				t.Errorf("field = %q, want %q", found.Field, tt.field)
			}
			if !strings.Contains(found.Message, tt.contains) {
				t.Errorf("message %q does not contain %q", found.Message, tt.contains)
			}
			if found.Warning != tt.warning {
				t.Errorf("warning = %v, want %v", found.Warning, tt.warning)
			}
			if (doc != nil) != tt.warning {
				t.Errorf("document returned = %v, want %v (problems %v)", doc != nil, tt.warning, problems)
			}
		})
	}
}

func TestParseYAMLLine(t *testing.T) {
	// The closing quote is missing on file line 5.
	data := validService + "publics_precisions: \"sans fin\nfrais: gratuit\n---\n"
	_, problems := Parse("services/x.md", []byte(data), testRefs(t))
	if len(problems) != 1 || problems[0].Code != CodeYAML || problems[0].Line < 5 {
		t.Fatalf("problems = %v", problems)
	}
}

func TestParseValues(t *testing.T) {
	refs := testRefs(t)
	tests := []struct {
		name  string
		extra string
		check func(*Service) bool
	}{
		{"unquoted postal code keeps its zero", "code_postal: 01400\n", func(s *Service) bool { return s.CodePostal == "01400" }},
		{"quoted postal code", "code_postal: \"01400\"\n", func(s *Service) bool { return s.CodePostal == "01400" }},
		{"unquoted insee", "code_insee: 01053\n", func(s *Service) bool { return s.CodeInsee == "01053" }},
		{"corsican insee", "code_insee: 2A004\n", func(s *Service) bool { return s.CodeInsee == "2A004" }},
		{"unquoted zone", "zone_eligibilite: [01, 200040293]\n", func(s *Service) bool {
			return reflect.DeepEqual(s.ZoneEligibilite, []string{"01", "200040293"})
		}},
		{"unquoted date", "date_maj: 2026-10-02\n", func(s *Service) bool { return s.DateMaj == Date{2026, 10, 2} }},
		{"quoted date", "date_maj: \"2026-10-02\"\n", func(s *Service) bool { return s.DateMaj == Date{2026, 10, 2} }},
		{"empty date", "date_maj:\n", func(s *Service) bool { return s.DateMaj.IsZero() }},
		{"phone", "telephone: 03 85 59 00 00\n", func(s *Service) bool { return s.Telephone == "03 85 59 00 00" }},
		{"version-like text", "frais_precisions: 1.10\n", func(s *Service) bool { return s.FraisPrecisions == "1.10" }},
		{"integer coordinates", "latitude: 46\nlongitude: 4\n", func(s *Service) bool { return *s.Latitude == 46 && *s.Longitude == 4 }},
		{"empty list", "types: []\n", func(s *Service) bool { return s.Types == nil }},
		{"accueil inconditionnel", "inconditionnel: true\nage_min: 0\n", func(s *Service) bool { return s.Inconditionnel && *s.AgeMin == 0 }},
		{"http url", "site_web: http://example.org/a?b=c\n", func(s *Service) bool { return s.SiteWeb == "http://example.org/a?b=c" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, problems := Parse("services/x.md", []byte(validService+tt.extra+"---\n"), refs)
			if doc == nil || len(problems) > 0 {
				t.Fatalf("problems: %v", problems)
			}
			if !tt.check(doc.Service) {
				t.Errorf("unexpected value: %+v", doc.Service)
			}
		})
	}
}

func TestParseDelimiters(t *testing.T) {
	refs := testRefs(t)
	for name, data := range map[string]string{
		"crlf":       strings.ReplaceAll(validService+"---\nCorps\n", "\n", "\r\n"),
		"bom":        "\uFEFF" + validService + "---\nCorps\n",
		"trailing":   "--- \n" + strings.TrimPrefix(validService, "---\n") + "---  \nCorps\n",
		"no newline": validService + "---",
	} {
		t.Run(name, func(t *testing.T) {
			doc, problems := Parse("services/x.md", []byte(data), refs)
			if doc == nil {
				t.Fatalf("problems: %v", problems)
			}
			if doc.Service.Nom != "Épicerie sociale" {
				t.Errorf("nom = %q", doc.Service.Nom)
			}
			if name != "no newline" && doc.Body != "Corps\n" {
				t.Errorf("body = %q", doc.Body)
			}
		})
	}
}

func TestParseLinks(t *testing.T) {
	body := "Voir [[services/a]], [[services/b|le B]] et encore [[services/a#horaires]].\n\n`[[services/code]]` n'est pas un lien.\n"
	doc, problems := Parse("pages/guide.md", []byte("---\ntitre: Guide\n---\n"+body), testRefs(t))
	if doc == nil {
		t.Fatal(problems)
	}
	want := []Path{"services/a", "services/b"}
	if !reflect.DeepEqual(doc.Links, want) {
		t.Errorf("links = %v, want %v", doc.Links, want)
	}
}

// loadDir reads a directory as repository files.
func loadDir(t testing.TB, dir string) []File {
	t.Helper()
	var files []File
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			if d != nil && d.IsDir() && d.Name() == ".git" {
				return filepath.SkipDir
			}
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files = append(files, File{Name: filepath.ToSlash(rel), Data: data})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestRoundTrip(t *testing.T) {
	refs := testRefs(t)
	files := loadDir(t, "demo/repo")
	if dir := genCorpus(t, 500); dir != "" {
		files = append(files, loadDir(t, dir)...)
	}
	ex, _ := os.ReadFile("testdata/parse/contract-example.md")
	files = append(files, File{Name: "services/exemple.md", Data: ex})
	n := 0
	for _, f := range files {
		if !isPageFile(f.Name) {
			continue
		}
		doc, problems := Parse(f.Name, f.Data, refs)
		if doc == nil {
			t.Errorf("%s: %v", f.Name, problems)
			continue
		}
		assertRoundTrip(t, doc, refs)
		n++
	}
	t.Logf("%d documents round-tripped", n)
}

func assertRoundTrip(t testing.TB, doc *Document, refs *Referentials) {
	t.Helper()
	data, err := Encode(doc)
	if err != nil {
		t.Fatalf("%s: encode: %v", doc.Path, err)
	}
	again, problems := Parse(doc.Path.File(), data, refs)
	if again == nil {
		t.Fatalf("%s: re-parse: %v\n%s", doc.Path, problems, data)
	}
	if !reflect.DeepEqual(doc, again) {
		t.Fatalf("%s: round trip differs:\n%#v\n%#v\n%s", doc.Path, doc, again, data)
	}
	data2, _ := Encode(again)
	if !bytes.Equal(data, data2) {
		t.Fatalf("%s: encoding is not stable:\n%s\n%s", doc.Path, data, data2)
	}
}

func TestEncodeStyle(t *testing.T) {
	ex, _ := os.ReadFile("testdata/parse/contract-example.md")
	doc, _ := Parse("services/exemple.md", ex, testRefs(t))
	data, err := Encode(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"---\nnom: Épicerie sociale et solidaire\nstructure: ccas-cluny\n",
		"thematiques: [equipement-et-alimentation--alimentation]\n",
		"code_postal: \"71250\"\n", "code_insee: \"71137\"\n", "zone_eligibilite: [\"200040293\"]\n",
		"date_maj: 2026-10-02\n", "pro:\n  telephone: \"03 85 59 00 01\"\n",
		"---\nProduits alimentaires",
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("encoding lacks %q:\n%s", want, data)
		}
	}
}

func FuzzParse(f *testing.F) {
	ex, _ := os.ReadFile("testdata/parse/contract-example.md")
	f.Add(uint8(0), string(ex))
	f.Add(uint8(0), validService+"---\n[[services/y|Y]]\n")
	f.Add(uint8(2), "---\ntitre: T\ntags: [a, b]\n---\n# Titre\n")
	f.Add(uint8(1), "---\nnom: S\nlatitude: 1\nlongitude: 2\npro:\n  notes: x\n---\n")
	f.Add(uint8(0), validService+"infos_temporaires:\n  - du: 2026-01-01\n    type: message\n    message: x\n---\n")
	f.Add(uint8(3), validService+"---\n")
	refs := testRefs(f)
	names := []string{"services/x.md", "structures/s.md", "pages/p.md", "services/../x.md"}
	f.Fuzz(func(t *testing.T, kind uint8, data string) {
		name := names[int(kind)%len(names)]
		doc, problems := Parse(name, []byte(data), refs)
		for _, p := range problems {
			if p.File != name || p.Message == "" || p.Code == "" {
				t.Fatalf("bad problem %+v", p)
			}
		}
		if doc != nil {
			assertRoundTrip(t, doc, refs)
		}
	})
}
