package datainclusion

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aiguillage/aiguillage/content"
)

// conv is how a field's text becomes a front matter value.
type conv int

const (
	text    conv = iota // trimmed string
	refList             // list of referential values (or labels)
	refOne              // one referential value
	codes               // list of codes (zone_eligibilite)
	postal              // code postal
	insee               // code INSEE
	siret               // SIRET
	coord               // latitude or longitude
	date                // date_maj
)

// field is one importable field: its data·inclusion name, its front matter
// key, and how to read it.
type field struct {
	name, key string
	conv      conv
	ref       func(*content.Referentials) *content.Referential
}

func refThematiques(r *content.Referentials) *content.Referential { return r.Thematiques }
func refTypes(r *content.Referentials) *content.Referential       { return r.Types }
func refPublics(r *content.Referentials) *content.Referential     { return r.Publics }
func refFrais(r *content.Referentials) *content.Referential       { return r.Frais }
func refAccueil(r *content.Referentials) *content.Referential     { return r.ModesAccueil }
func refMobilisation(r *content.Referentials) *content.Referential {
	return r.ModesMobilisation
}
func refPar(r *content.Referentials) *content.Referential     { return r.MobilisablePar }
func refReseaux(r *content.Referentials) *content.Referential { return r.ReseauxPorteurs }

// placeFields are the address and coordinates, common to both kinds.
var placeFields = []field{
	{"adresse", "adresse", text, nil}, {"complement_adresse", "complement_adresse", text, nil},
	{"code_postal", "code_postal", postal, nil}, {"commune", "commune", text, nil},
	{"code_insee", "code_insee", insee, nil},
	{"latitude", "latitude", coord, nil}, {"longitude", "longitude", coord, nil},
}

// structureFields and serviceFields are in the front matter's order (that
// of content.Structure and content.Service), the order of a new file.
var structureFields = concat(
	[]field{{"nom", "nom", text, nil}, {"siret", "siret", siret, nil}, {"reseaux_porteurs", "reseaux_porteurs", refList, refReseaux}},
	placeFields,
	[]field{{"horaires_accueil", "horaires_accueil", text, nil}, {"telephone", "telephone", text, nil},
		{"courriel", "courriel", text, nil}, {"site_web", "site_web", text, nil},
		{"accessibilite_lieu", "accessibilite_lieu", text, nil}},
)

var serviceFields = concat(
	[]field{{"nom", "nom", text, nil}, {"thematiques", "thematiques", refList, refThematiques},
		{"type", "types", refOne, refTypes}, {"publics", "publics", refList, refPublics},
		{"publics_precisions", "publics_precisions", text, nil}, {"conditions_acces", "conditions_acces", text, nil},
		{"frais", "frais", refOne, refFrais}, {"frais_precisions", "frais_precisions", text, nil},
		{"modes_accueil", "modes_accueil", refList, refAccueil}, {"modes_mobilisation", "modes_mobilisation", refList, refMobilisation},
		{"mobilisable_par", "mobilisable_par", refList, refPar}},
	placeFields,
	[]field{{"zone_eligibilite", "zone_eligibilite", codes, nil}, {"horaires_accueil", "horaires_accueil", text, nil},
		{"telephone", "telephone", text, nil}, {"courriel", "courriel", text, nil}, {"site_web", "site_web", text, nil},
		{"lien_mobilisation", "lien_mobilisation", text, nil}},
)

func concat(parts ...[]field) []field {
	var out []field
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var (
	postalPattern = regexp.MustCompile(`^\d{5}$`)
	inseePattern  = regexp.MustCompile(`^[0-9][0-9AB][0-9]{3}$`)
	siretPattern  = regexp.MustCompile(`^\d{14}$`)
)

// values reads the list in a row: a JSON array, or a cell whose values are
// separated by |, ; or commas.
func (r Row) values(name string) []string {
	raw, ok := r.Lists[name]
	if !ok {
		raw = strings.FieldsFunc(r.Cells[name], func(c rune) bool { return c == '|' || c == ';' || c == ',' || c == '\n' })
	}
	var out []string
	for _, v := range raw {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// has reports whether the row gives the field a value.
func (r Row) has(name string) bool {
	if l, ok := r.Lists[name]; ok {
		return len(l) > 0
	}
	return strings.TrimSpace(r.Cells[name]) != ""
}

// convert reads one field of a row. It returns the front matter value, or
// the French reason it is refused.
func (f field) convert(r Row, refs *content.Referentials) (any, string) {
	s := strings.TrimSpace(r.Cells[f.name])
	switch f.conv {
	case refList, refOne:
		ref := f.ref(refs)
		var out []string
		for _, v := range r.values(f.name) {
			val, ok := resolve(ref, v)
			if !ok {
				return nil, unknownValue(f.name, v, ref)
			}
			if !contains(out, val) {
				out = append(out, val)
			}
		}
		if f.conv == refOne {
			if len(out) != 1 {
				return nil, fmt.Sprintf("%s : une seule valeur attendue, %d lues", f.name, len(out))
			}
			if f.key == "types" {
				return out, ""
			}
			return out[0], ""
		}
		return out, ""
	case codes:
		out := r.values(f.name)
		for i, c := range out {
			out[i] = strings.ToUpper(c)
			if out[i] == "FRANCE" {
				out[i] = "france"
			}
		}
		return out, ""
	case postal:
		if !postalPattern.MatchString(s) {
			msg := fmt.Sprintf("code_postal : « %s » n'est pas un code postal (5 chiffres)", s)
			if len(s) == 4 && strings.Trim(s, "0123456789") == "" {
				msg += fmt.Sprintf(" ; le tableur a peut-être retiré le zéro initial : « 0%s » ?", s)
			}
			return nil, msg
		}
		return s, ""
	case insee:
		if s = strings.ToUpper(s); !inseePattern.MatchString(s) {
			return nil, fmt.Sprintf("code_insee : « %s » n'est pas un code INSEE de commune (5 caractères)", s)
		}
		return s, ""
	case siret:
		if s = strings.ReplaceAll(s, " ", ""); !siretPattern.MatchString(s) {
			return nil, fmt.Sprintf("siret : « %s » n'est pas un numéro SIRET (14 chiffres)", s)
		}
		return s, ""
	case coord:
		v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
		if err != nil {
			return nil, fmt.Sprintf("%s : « %s » n'est pas un nombre", f.name, s)
		}
		return v, ""
	case date:
		return parseDate(s)
	}
	return s, ""
}

// parseDate reads a date as ISO (2025-02-14, or a timestamp) or French
// (14/02/2025) writes it, or as a spreadsheet stores a date cell: a number
// of days since 30 December 1899.
func parseDate(s string) (any, string) {
	for _, layout := range []string{content.DateLayout, "02/01/2006", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return dateValue(content.DateOf(t).String()), ""
		}
	}
	if days, err := strconv.ParseFloat(s, 64); err == nil && days >= 1 && days < 100000 {
		t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(days))
		return dateValue(content.DateOf(t).String()), ""
	}
	return nil, fmt.Sprintf("date_maj : « %s » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)", s)
}

func contains(l []string, v string) bool {
	for _, x := range l {
		if x == v {
			return true
		}
	}
	return false
}

// resolve finds a referential value by its value or its French label,
// without regard to case or accents.
func resolve(ref *content.Referential, v string) (string, bool) {
	if ref.Has(v) {
		return v, true
	}
	f := content.Fold(strings.TrimSpace(v))
	for _, rv := range ref.Values() {
		if f == rv.Value || f == content.Fold(rv.Label) {
			return rv.Value, true
		}
	}
	return "", false
}

// unknownValue explains an unknown referential value, with the closest
// value as a suggestion.
func unknownValue(name, v string, ref *content.Referential) string {
	msg := fmt.Sprintf("%s : valeur inconnue « %s »", name, v)
	best, bestD := "", 1<<30
	f := content.Fold(v)
	for _, rv := range ref.Values() {
		for _, cand := range []string{rv.Value, content.Fold(rv.Label)} {
			if d := levenshtein(f, cand); d < bestD {
				best, bestD = rv.Value, d
			}
		}
	}
	if best != "" && bestD <= max(3, len(f)/3) {
		msg += fmt.Sprintf(" ; vouliez-vous dire « %s » ?", best)
	}
	return msg + fmt.Sprintf(" (valeurs du référentiel %s)", ref.Name)
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// formula matches cells a spreadsheet would run: =…, @…, +FUNC(…), -FUNC(…),
// or starting with a tab or carriage return.
var formula = regexp.MustCompile(`^(?:[=@\t\r]|[+\-]\s*[A-Za-z_][A-Za-z0-9_.]*\s*\()`)

// formulaCells lists the fields of a row whose text is a formula.
func (r Row) formulaCells() []string {
	var out []string
	for name, v := range r.Cells {
		if formula.MatchString(v) {
			out = append(out, name)
		}
	}
	for name, l := range r.Lists {
		for _, v := range l {
			if formula.MatchString(v) {
				out = append(out, name)
				break
			}
		}
	}
	return out
}
