package datainclusion

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/content"
)

func TestEmbeddedSchemasAreOfficial(t *testing.T) {
	for _, name := range []string{"structure", "service"} {
		official, err := os.ReadFile(filepath.Join("..", "..", "shared", "spec", "data-inclusion", name+".json"))
		if err != nil {
			t.Skipf("shared specification folder absent: %v", err)
		}
		embedded, _ := Schemas.ReadFile("schema/" + name + ".json")
		if !bytes.Equal(official, embedded) {
			t.Errorf("schema/%s.json differs from the official v1.0.8 file", name)
		}
	}
}

// exportFiles writes an export's four files.
func exportFiles(t testing.TB, x *Export) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	var b bytes.Buffer
	for name, write := range map[string]func() error{
		"structures.json": func() error { return WriteJSON(&b, x.Structures) },
		"services.json":   func() error { return WriteJSON(&b, x.Services) },
		"structures.csv":  func() error { return WriteCSV(&b, x.Structures) },
		"services.csv":    func() error { return WriteCSV(&b, x.Services) },
	} {
		b.Reset()
		if err := write(); err != nil {
			t.Fatal(err)
		}
		out[name] = bytes.Clone(b.Bytes())
	}
	return out
}

func TestExportDemoValidates(t *testing.T) {
	cat := demoCatalog(t)
	x := testExport(t, cat)
	files := exportFiles(t, x)
	if n := validateJSONArray(t, officialSchema(t, "structure"), files["structures.json"]); n != cat.Len(content.KindStructure) {
		t.Errorf("%d structures exported, the demo has %d:\n%s", n, cat.Len(content.KindStructure), fmtOmissions(x.Omitted))
	}
	n := validateJSONArray(t, officialSchema(t, "service"), files["services.json"])
	if n < cat.Len(content.KindService)-3 || n == 0 {
		t.Errorf("only %d of %d services exported:\n%s", n, cat.Len(content.KindService), fmtOmissions(x.Omitted))
	}
	for _, o := range x.Omitted {
		if !strings.Contains(o.Reason, "fermé") && !strings.Contains(o.Reason, "suspendu") {
			t.Errorf("unexpected omission: %v", o)
		}
	}
	// Private information never leaves: look for every pro value.
	for _, d := range append(cat.Docs(content.KindService), cat.Docs(content.KindStructure)...) {
		var pro *content.Pro
		if d.Service != nil {
			pro = d.Service.Pro
		} else {
			pro = d.Structure.Pro
		}
		if pro == nil {
			continue
		}
		for _, v := range []string{pro.Telephone, pro.Courriel, pro.Notes} {
			for name, data := range files {
				if v != "" && bytes.Contains(data, []byte(v)) {
					t.Errorf("%s: private value %q of %s exported", name, v, d.Path)
				}
			}
		}
	}
}

func TestExportMapping(t *testing.T) {
	cat := demoCatalog(t)
	x := testExport(t, cat)
	var svc *Service
	for i := range x.Services {
		if x.Services[i].ID == "test--epicerie-sociale-cluny" {
			svc = &x.Services[i]
		}
	}
	if svc == nil {
		t.Fatal("test--epicerie-sociale-cluny not exported")
	}
	d, _ := cat.Doc("services/epicerie-sociale-cluny")
	if svc.StructureID != "test--"+d.Service.Structure || svc.Source != "test" {
		t.Errorf("structure_id %q, source %q", svc.StructureID, svc.Source)
	}
	if svc.LienSource == nil || *svc.LienSource != "https://annuaire.example.org/services/epicerie-sociale-cluny" {
		t.Errorf("lien_source %v", svc.LienSource)
	}
	if strings.ContainsAny(svc.Description, "[]*#") || len(svc.Description) < 20 {
		t.Errorf("description is not the body as plain text: %q", svc.Description)
	}
	if svc.DateMaj != d.Service.DateMaj.String() {
		t.Errorf("date_maj %q, want %q", svc.DateMaj, d.Service.DateMaj)
	}
	// A service without an address of its own is where its structure is.
	for _, s := range x.Services {
		doc, _ := cat.Doc(content.Path("services/" + strings.TrimPrefix(s.ID, "test--")))
		if doc.Service.CodePostal != "" || doc.Service.Commune != "" {
			continue
		}
		st, _ := cat.StructureOf(doc)
		if st.Structure.Commune != "" && (s.Commune == nil || *s.Commune != st.Structure.Commune) {
			t.Errorf("%s: commune %v, not its structure's %q", s.ID, s.Commune, st.Structure.Commune)
		}
	}
}

func TestExportLeavesOutRefusedRecords(t *testing.T) {
	files := readTree(t, os.DirFS("testdata/refused"))
	cat := content.NewCatalog("r", files, refs(t))
	x := testExport(t, cat)
	got := fmtOmissions(x.Omitted)
	for _, want := range []string{
		"services/sans-description : non exporté",
		"services/ferme : non exporté, le service est fermé",
		"structures/st : courriel non exporté",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("omissions lack %q:\n%s", want, got)
		}
	}
	if len(x.Services) != 1 || len(x.Structures) != 1 || x.Structures[0].Courriel != nil {
		t.Errorf("exported %d services, %d structures: %+v", len(x.Services), len(x.Structures), x.Structures)
	}
}

func TestCSVNeutralisesFormulas(t *testing.T) {
	nom := `=HYPERLINK("http://evil.example","clic")`
	tel := "+33 3 85 59 00 00"
	lon := -1.5
	recs := []Structure{{ID: "x--a", Nom: nom, Telephone: &tel, Longitude: &lon, Commune: optional("@SUM(A1)"), Adresse: optional("\tx")}}
	var b bytes.Buffer
	if err := WriteCSV(&b, recs); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("\ufeff")) {
		t.Error("no byte order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(b.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cols := Columns[Structure]()
	for i, c := range cols {
		v := rows[1][i]
		if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) && v != "-1.5" {
			t.Errorf("%s = %q is a formula", c, v)
		}
		if c == "nom" && v != "'"+nom {
			t.Errorf("nom = %q", v)
		}
		if c == "longitude" && v != "-1.5" {
			t.Errorf("longitude = %q", v)
		}
	}
}

func TestExportCorpusValidates(t *testing.T) {
	cat := corpusCatalog(t)
	x := testExport(t, cat)
	// gen.py makes some e-mail domains with a label ending in "-", which
	// the schema refuses: those values are left out, the records are not.
	fields := 0
	for _, o := range x.Omitted {
		switch {
		case o.Field == "courriel":
			fields++
		case o.Field == "" && (strings.Contains(o.Reason, "fermé") || strings.Contains(o.Reason, "suspendu")):
		default:
			t.Errorf("unexpected omission: %v", o)
		}
	}
	files := exportFiles(t, x)
	ns := validateJSONArray(t, officialSchema(t, "structure"), files["structures.json"])
	nv := validateJSONArray(t, officialSchema(t, "service"), files["services.json"])
	if ns < corpusServices()/10 || nv < corpusServices()*9/10 {
		t.Errorf("only %d structures and %d services exported", ns, nv)
	}
	t.Logf("%d structures, %d services validated; %d omissions, %d of them e-mail values", ns, nv, len(x.Omitted), fields)
}

// TestInstanceIsJSON checks that the records validated are what their JSON
// decodes to.
func TestInstanceIsJSON(t *testing.T) {
	x := testExport(t, demoCatalog(t))
	for _, rec := range []any{&x.Structures[0], &x.Services[0], &x.Services[len(x.Services)-1]} {
		data, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]any
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(instance(rec))
		if wantJSON, _ := json.Marshal(want); !bytes.Equal(got, wantJSON) {
			t.Errorf("instance differs from JSON:\n%s\n%s", got, wantJSON)
		}
	}
}
