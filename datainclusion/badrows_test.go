package datainclusion

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"html"
	"strings"
	"testing"
	"testing/fstest"
)

// partnerRows is a partner's spreadsheet of services with French headers:
// two good rows and one bad row of each kind the import must refuse.
var partnerRows = [][]string{
	{"Nom du service", "Structure", "Thématiques", "Code postal", "Ville", "Téléphone", "Description", "Colonne perso"},
	{"Aide alimentaire d'urgence", "CCAS de Test", "Alimentation", "71250", "Cluny", "+33 3 85 00 00 00", "Colis alimentaires chaque semaine.", "x"},  // 2: good (label of a thematique)
	{"Permanence logement", "test--ccas-test", "logement-hebergement--louer-un-logement", "71250", "Cluny", "", "Aide pour trouver un logement.", ""}, // 3: good (id)
	{"Atelier inconnu", "ccas-test", "alimentaton", "71250", "Cluny", "", "", ""},                                                                     // 4: unknown thematique
	{"Point conseil", "ccas-test", "Alimentation", "1250", "Cluny", "", "", ""},                                                                       // 5: malformed postal code
	{"Aide alimentaire d'urgence", "ccas-test", "Alimentation", "71250", "Cluny", "", "", ""},                                                         // 6: duplicate of row 2
	{"", "ccas-test", "Alimentation", "71250", "", "", "", ""},                                                                                        // 7: no name
	{"Lien piégé", "ccas-test", "Alimentation", "71250", "Cluny", `=HYPERLINK("http://evil.example","Cliquez")`, "", ""},                              // 8: formula
	{"Service orphelin", "structure-qui-n-existe-pas", "Alimentation", "71250", "Cluny", "", "", ""},                                                  // 9: unknown structure
	{"Service sans thème", "ccas-test", "", "71250", "Cluny", "", "", ""},                                                                             // 10: empty mandatory field
}

var wantReasons = map[int]string{
	4:  "valeur inconnue « alimentaton » ; vouliez-vous dire « equipement-et-alimentation--alimentation » ?",
	5:  "« 1250 » n'est pas un code postal",
	6:  "en double : même nom que la ligne 2",
	7:  "nom : champ obligatoire",
	8:  "formule de tableur refusée",
	9:  "structure inconnue « structure-qui-n-existe-pas »",
	10: "thematiques : champ obligatoire",
}

var testStructure = fstest.MapFS{"structures/ccas-test.md": {Data: []byte("---\nnom: CCAS de Test\ncode_postal: \"71250\"\ncommune: Cluny\npro:\n  notes: garder\n---\nLe CCAS.\n")}}

func csvOf(rows [][]string, sep string) []byte {
	var b bytes.Buffer
	for _, r := range rows {
		for i, c := range r {
			if i > 0 {
				b.WriteString(sep)
			}
			b.WriteString(`"` + strings.ReplaceAll(c, `"`, `""`) + `"`)
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// xlsxOf writes a minimal workbook, one sheet, every cell an inline
// string, except cells starting with = which are written as formulas.
func xlsxOf(t testing.TB, rows [][]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	add := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	add("[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`)
	add("xl/workbook.xml", `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Services" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	add("xl/_rels/workbook.xml.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	var s strings.Builder
	s.WriteString(`<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for i, r := range rows {
		fmt.Fprintf(&s, `<row r="%d">`, i+1)
		for j, c := range r {
			ref := fmt.Sprintf("%c%d", 'A'+j, i+1)
			switch {
			case c == "":
			case strings.HasPrefix(c, "="):
				fmt.Fprintf(&s, `<c r="%s" t="str"><f>%s</f><v>Cliquez</v></c>`, ref, html.EscapeString(c[1:]))
			default:
				fmt.Fprintf(&s, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, html.EscapeString(c))
			}
		}
		s.WriteString(`</row>`)
	}
	s.WriteString(`</sheetData></worksheet>`)
	add("xl/worksheets/sheet1.xml", s.String())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestImportBadRows(t *testing.T) {
	for _, in := range []Input{
		{Name: "partenaire.csv", Data: csvOf(partnerRows, ";")},
		{Name: "partenaire-virgules.csv", Data: append([]byte(bom), csvOf(partnerRows, ",")...)},
		{Name: "partenaire.xlsx", Data: xlsxOf(t, partnerRows)},
	} {
		t.Run(in.Name, func(t *testing.T) {
			s := newStore(t, testStructure)
			sheets, err := Read(in, DefaultMapping())
			if err != nil {
				t.Fatal(err)
			}
			plan, err := importer(t).Plan(context.Background(), headCatalog(t, s), s, sheets)
			if err != nil {
				t.Fatal(err)
			}
			got := map[int]string{}
			for _, iv := range plan.Invalid {
				got[iv.Line] = strings.Join(iv.Reasons, " ; ")
			}
			for line, want := range wantReasons {
				if !strings.Contains(got[line], want) {
					t.Errorf("row %d: reasons %q, want %q", line, got[line], want)
				}
			}
			if len(plan.Invalid) != len(wantReasons) {
				t.Errorf("%d invalid rows, want %d: %v", len(plan.Invalid), len(wantReasons), plan.Invalid)
			}
			if plan.Count(Create) != 2 || len(plan.Writes) != 2 {
				t.Errorf("plan creates %d pages (%v), want the 2 good rows", plan.Count(Create), keys(plan.Writes))
			}
			if len(plan.Notes) != 1 || !strings.Contains(plan.Notes[0], "Colonne perso") {
				t.Errorf("notes %v", plan.Notes)
			}
			cm, err := Apply(context.Background(), s, plan, importer1, "import partenaire")
			if err != nil {
				t.Fatal(err)
			}
			cat := headCatalog(t, s)
			if cm.Revision == "" {
				t.Fatalf("no commit")
			}
			if n := len(cat.Docs("services")); n != 2 {
				t.Errorf("%d services after the import, want 2", n)
			}
			for _, p := range cat.Problems() {
				if !p.Warning {
					t.Errorf("imported content has a problem: %v", p)
				}
			}
			d, ok := cat.Doc("services/aide-alimentaire-d-urgence")
			if !ok || d.Service.Thematiques[0] != "equipement-et-alimentation--alimentation" || d.Service.Telephone != "+33 3 85 00 00 00" ||
				d.Service.Structure != "ccas-test" || d.Service.CodePostal != "" {
				t.Errorf("imported service: %+v", d)
			}
			for _, name := range []string{"Atelier inconnu", "Point conseil", "Lien piégé", "Service orphelin"} {
				for file, data := range plan.Writes {
					if strings.Contains(string(data), name) {
						t.Errorf("bad row %q written to %s", name, file)
					}
				}
			}
			// Same file again: nothing to do.
			again, err := importer(t).Plan(context.Background(), cat, s, sheets)
			if err != nil {
				t.Fatal(err)
			}
			if len(again.Writes) != 0 || again.Count(Unchanged) != 2 {
				t.Errorf("re-import writes %v", keys(again.Writes))
			}
		})
	}
}

// TestImportKeepsWhatItDoesNotChange updates one field of a page with
// private information, an unknown key, a comment and a Markdown body.
func TestImportKeepsWhatItDoesNotChange(t *testing.T) {
	page := "---\n# relu par l'équipe\nnom: Épicerie\nstructure: ccas-test\nthematiques: [equipement-et-alimentation--alimentation]\ntelephone: \"03 00 00 00 00\"\ncle_maison: garder\npro:\n  telephone: \"09 99 99 99 99\"\n  notes: Code porte 1234\ndate_maj: 2025-01-01\n---\n## Pour qui\n\nLes **familles**.\n"
	seed := fstest.MapFS{"services/epicerie.md": {Data: []byte(page)}}
	for k, v := range testStructure {
		seed[k] = v
	}
	s := newStore(t, seed)
	rows := [][]string{{"id", "nom", "structure_id", "thematiques", "telephone", "description"},
		{"test--epicerie", "Épicerie", "test--ccas-test", "equipement-et-alimentation--alimentation", "03 11 11 11 11", "Pour qui Les familles."}}
	plan, _ := importFiles(t, s, DefaultMapping(), Input{Name: "maj.csv", Data: csvOf(rows, ",")})
	if len(plan.Items) != 1 || plan.Items[0].Action != Change || strings.Join(plan.Items[0].Fields, ",") != "telephone" {
		t.Fatalf("plan %+v %v", plan.Items, plan.Invalid)
	}
	got := string(plan.Writes["services/epicerie.md"])
	for _, want := range []string{"# relu par l'équipe", "cle_maison: garder", "notes: Code porte 1234", `telephone: "09 99 99 99 99"`,
		`telephone: "03 11 11 11 11"`, "date_maj: 2026-12-01", "## Pour qui\n\nLes **familles**.\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("written page lacks %q:\n%s", want, got)
		}
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{"2025-02-14": "2025-02-14", "14/02/2025": "2025-02-14", "45702": "2025-02-14", "2025-02-14T10:00:00Z": "2025-02-14"} {
		if got, reason := parseDate(in); reason != "" || got != dateValue(want) {
			t.Errorf("parseDate(%q) = %v %q, want %s", in, got, reason, want)
		}
	}
	if _, reason := parseDate("demain"); reason == "" {
		t.Error("parseDate accepts demain")
	}
}
