package datainclusion

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/aiguillage/aiguillage/content"
)

// Mapping maps spreadsheet column headers, normalised (see normHeader), to
// data·inclusion field names; "-" ignores a column.
type Mapping map[string]string

// frenchHeaders are the usual headers of partners' spreadsheets.
var frenchHeaders = map[string][]string{
	"id":                 {"identifiant", "id du service", "id de la structure", "ref", "reference"},
	"nom":                {"nom du service", "intitule", "intitule du service", "libelle", "nom de l organisme", "raison sociale"},
	"structure_id":       {"structure", "structure porteuse", "id structure", "identifiant structure", "nom de la structure", "organisme", "porteur"},
	"description":        {"presentation", "descriptif", "description du service"},
	"thematiques":        {"thematique", "themes", "theme", "categorie", "categories"},
	"type":               {"type de service", "types", "types de service"},
	"publics":            {"public", "publics vises", "public vise", "public cible"},
	"publics_precisions": {"precisions publics", "precisions sur les publics"},
	"conditions_acces":   {"conditions", "conditions d acces", "conditions d'acces", "prerequis"},
	"frais":              {"tarif", "cout", "gratuit payant"},
	"frais_precisions":   {"precisions frais", "precisions sur les frais", "tarifs"},
	"modes_accueil":      {"mode d accueil", "modes d accueil", "accueil"},
	"modes_mobilisation": {"mode de mobilisation", "modes de mobilisation"},
	"mobilisable_par":    {"mobilisable par"},
	"zone_eligibilite":   {"zone d eligibilite", "zone"},
	"adresse":            {"adresse postale", "rue", "voie"},
	"complement_adresse": {"complement d adresse", "complement"},
	"code_postal":        {"cp", "code postal"},
	"commune":            {"ville", "localite"},
	"code_insee":         {"code commune", "insee"},
	"latitude":           {"lat"},
	"longitude":          {"lon", "lng", "long"},
	"horaires_accueil":   {"horaires", "horaires d accueil", "heures d ouverture", "ouverture"},
	"telephone":          {"tel", "telephone", "numero de telephone", "tel fixe"},
	"courriel":           {"email", "e mail", "mail", "adresse electronique", "adresse mail", "mel"},
	"site_web":           {"site", "site internet", "site web", "url"},
	"lien_mobilisation":  {"lien de mobilisation", "lien d inscription"},
	"siret":              {"numero siret"},
	"reseaux_porteurs":   {"reseau", "reseaux", "reseau porteur"},
	"accessibilite_lieu": {"accessibilite", "lien accesslibre", "acceslibre"},
	"date_maj":           {"date de mise a jour", "mise a jour", "date maj", "derniere mise a jour"},
}

// knownFields are every field an import reads or knowingly skips.
var knownFields = func() []string {
	var out []string
	for _, f := range append(Columns[Service](), Columns[Structure]()...) {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}()

// DefaultMapping maps the schema's field names and the usual French
// headers.
func DefaultMapping() Mapping {
	m := Mapping{}
	for _, f := range knownFields {
		m[normHeader(f)] = f
	}
	for field, headers := range frenchHeaders {
		for _, h := range headers {
			m[normHeader(h)] = field
		}
	}
	return m
}

// ParseMapping reads a mapping file, a YAML (or JSON) object of
// "column header: field name" ("-" ignores the column), and lays it over
// the default mapping.
func ParseMapping(data []byte) (Mapping, error) {
	var raw map[string]string
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("datainclusion: mapping file: %w", err)
	}
	m := DefaultMapping()
	for h, f := range raw {
		if f != "-" && !slices.Contains(knownFields, f) {
			return nil, fmt.Errorf("datainclusion: mapping file: « %s » n'est pas un champ data·inclusion", f)
		}
		m[normHeader(h)] = f
	}
	return m, nil
}

// normHeader folds a header to compare it: lower case, no accents, words
// separated by one space ("Code_Postal " → "code postal").
func normHeader(h string) string {
	h = content.Fold(strings.TrimSpace(strings.TrimPrefix(h, bom)))
	return strings.Join(strings.FieldsFunc(h, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}), " ")
}

// sheet maps a table's header and rows. A table with a structure column
// holds services, else structures.
func (m Mapping) sheet(name string, rows [][]string) (Sheet, error) {
	sh := Sheet{File: name, Kind: KindStructure}
	if len(rows) == 0 {
		return sh, fmt.Errorf("%w: %s: fichier vide", ErrFormat, name)
	}
	fields := make([]string, len(rows[0]))
	used := map[string]bool{}
	for i, h := range rows[0] {
		f := m[normHeader(h)]
		switch {
		case f == "" || f == "-" || used[f]:
			if strings.TrimSpace(h) != "" {
				sh.Ignored = append(sh.Ignored, h)
			}
			continue
		case f == "structure_id":
			sh.Kind = KindService
		}
		fields[i], used[f] = f, true
	}
	if !used["nom"] {
		return sh, fmt.Errorf("%w: %s: aucune colonne « nom » (en-têtes lus : %s)", ErrFormat, name, strings.Join(rows[0], ", "))
	}
	for n, rec := range rows[1:] {
		row := Row{Line: n + 2, Cells: map[string]string{}}
		empty := true
		for i, v := range rec {
			if i < len(fields) && fields[i] != "" {
				if len(v) > MaxCell {
					v = v[:MaxCell]
				}
				row.Cells[fields[i]] = unneutralise(v)
				empty = empty && strings.TrimSpace(v) == ""
			}
		}
		if !empty {
			sh.Rows = append(sh.Rows, row)
		}
	}
	return sh, nil
}
