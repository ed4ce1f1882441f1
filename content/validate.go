package content

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

var (
	codePostalPattern = regexp.MustCompile(`^\d{5}$`)
	codeInseePattern  = regexp.MustCompile(`^(\d{5}|2[AB]\d{3})$`)
	zonePattern       = regexp.MustCompile(`^(\d{5}|2[AB]\d{3}|\d{9}|\d{2}|2[AB]|97\d)$`)
	languePattern     = regexp.MustCompile(`^[a-z]{2}$`)
	siretPattern      = regexp.MustCompile(`^\d{14}$`)
	emailPattern      = regexp.MustCompile(`^[^\s@<>()\[\]",;:\\]+@[^\s@<>()\[\]",;:\\]+\.[^\s@<>()\[\]",;:\\]+$`)
)

// Limits of the format contract.
const (
	minNomService = 3
	maxNom        = 150
	maxTitre      = 200
	maxAge        = 130
)

// validator checks a decoded document against the format contract.
type validator struct {
	*fileParser
	refs  *Referentials
	lines map[string]int // key path → file line
	root  *yaml.Node
}

func (v *validator) err(field, code, format string, args ...any) {
	if v.failed[baseField(field)] {
		return // already reported as a type error
	}
	v.add(v.at(field), baseField(field), code, format, args...)
}

func (v *validator) warning(field, code, format string, args ...any) {
	v.warn(v.at(field), baseField(field), code, format, args...)
}

// at finds the line of a field, falling back to its parent's.
func (v *validator) at(field string) int {
	for f := field; f != ""; {
		if l, ok := v.lines[f]; ok {
			return l
		}
		i := strings.LastIndexAny(f, ".[")
		if i < 0 {
			break
		}
		f = f[:i]
	}
	return 0
}

// baseField is the top-level key of a field path: "infos_temporaires[0].au"
// → "infos_temporaires".
func baseField(field string) string {
	if i := strings.IndexAny(field, ".["); i >= 0 {
		return field[:i]
	}
	return field
}

func (v *validator) document(d *Document) {
	switch {
	case d.Service != nil:
		v.service(d.Service)
	case d.Structure != nil:
		v.structure(d.Structure)
	case d.Page != nil:
		v.page(d.Page)
	}
}

func (v *validator) service(s *Service) {
	v.text("nom", s.Nom, minNomService, maxNom, true)
	switch {
	case strings.TrimSpace(s.Structure) == "":
		v.err("structure", CodeRequired, "structure : champ obligatoire, le nom du fichier de la structure qui porte le service, sans structures/ ni .md (par exemple ccas-cluny)")
	case CheckSlug(s.Structure) != nil:
		v.err("structure", CodeFormat, "structure : « %s » n'est pas un nom de structure valide (minuscules sans accents, chiffres et tirets, par exemple ccas-cluny)", s.Structure)
	}
	if len(s.Thematiques) == 0 {
		v.err("thematiques", CodeRequired, "thematiques : au moins une thématique est obligatoire, par exemple [equipement-et-alimentation--alimentation]")
	}
	if v.refs != nil {
		v.values("thematiques", s.Thematiques, v.refs.Thematiques)
		v.values("types", s.Types, v.refs.Types)
		v.values("publics", s.Publics, v.refs.Publics)
		if s.Frais != "" {
			v.values("frais", []string{s.Frais}, v.refs.Frais)
		}
		v.values("modes_accueil", s.ModesAccueil, v.refs.ModesAccueil)
		v.values("modes_mobilisation", s.ModesMobilisation, v.refs.ModesMobilisation)
		v.values("mobilisable_par", s.MobilisablePar, v.refs.MobilisablePar)
	}
	v.address(s.Address)
	for i, z := range s.ZoneEligibilite {
		if !zonePattern.MatchString(z) {
			v.err(fmt.Sprintf("zone_eligibilite[%d]", i), CodeFormat, "zone_eligibilite : « %s » n'est ni un code INSEE de commune (5 caractères), ni un SIREN d'EPCI (9 chiffres), ni un code de département (2 ou 3 caractères) ; écrivez-le entre guillemets", z)
		}
	}
	v.horaires("horaires_accueil", s.HorairesAccueil)
	v.contact(s.Contact)
	v.url("lien_mobilisation", s.LienMobilisation)
	for i, l := range s.Langues {
		if !languePattern.MatchString(l) {
			v.err(fmt.Sprintf("langues[%d]", i), CodeFormat, "langues : « %s » n'est pas un code de langue à deux lettres minuscules (fr, en, ar...)", l)
		}
	}
	v.pro(s.Pro)
	v.age("age_min", s.AgeMin)
	v.age("age_max", s.AgeMax)
	if s.AgeMin != nil && s.AgeMax != nil && *s.AgeMin > *s.AgeMax {
		v.err("age_max", CodeRange, "age_max : %d est inférieur à age_min (%d)", *s.AgeMax, *s.AgeMin)
	}
	for i, j := range s.Justificatifs {
		if strings.TrimSpace(j) == "" {
			v.err(fmt.Sprintf("justificatifs[%d]", i), CodeRequired, "justificatifs : élément vide")
		}
	}
	switch s.Statut {
	case "", StatutActif, StatutSuspendu, StatutFerme:
	default:
		v.err("statut", CodeUnknownValue, "statut : valeur inconnue « %s » ; valeurs possibles : actif, suspendu, ferme", s.Statut)
	}
	for i, info := range s.InfosTemporaires {
		v.info(fmt.Sprintf("infos_temporaires[%d]", i), info)
	}
}

func (v *validator) structure(s *Structure) {
	v.text("nom", s.Nom, 1, maxNom, true)
	if s.Siret != "" && !siretPattern.MatchString(strings.ReplaceAll(s.Siret, " ", "")) {
		v.err("siret", CodeFormat, "siret : « %s » n'est pas un numéro SIRET (14 chiffres)", s.Siret)
	}
	if v.refs != nil {
		v.values("reseaux_porteurs", s.ReseauxPorteurs, v.refs.ReseauxPorteurs)
	}
	v.address(s.Address)
	v.horaires("horaires_accueil", s.HorairesAccueil)
	v.contact(s.Contact)
	v.url("accessibilite_lieu", s.AccessibiliteLieu)
	v.pro(s.Pro)
}

func (v *validator) page(p *WikiPage) {
	v.text("titre", p.Titre, 1, maxTitre, true)
	for i, t := range p.Tags {
		if strings.TrimSpace(t) == "" {
			v.err(fmt.Sprintf("tags[%d]", i), CodeRequired, "tags : étiquette vide")
		}
	}
}

func (v *validator) text(field, s string, min, max int, required bool) {
	n := utf8.RuneCountInString(strings.TrimSpace(s))
	switch {
	case n == 0 && required:
		v.err(field, CodeRequired, "%s : champ obligatoire", field)
	case n == 0:
	case n < min:
		v.err(field, CodeLength, "%s : trop court (%d caractères, au moins %d)", field, n, min)
	case n > max:
		v.err(field, CodeLength, "%s : trop long (%d caractères, au plus %d)", field, n, max)
	}
}

// values checks a list against a referential.
func (v *validator) values(field string, vals []string, ref *Referential) {
	for i, val := range vals {
		if ref.Has(val) {
			continue
		}
		v.err(fmt.Sprintf("%s[%d]", field, i), CodeUnknownValue, "%s : valeur inconnue « %s »%s", field, val, suggest(val, ref))
	}
}

// suggest lists the allowed values of a small referential, or the closest
// values of a large one.
func suggest(val string, ref *Referential) string {
	all := ref.Values()
	names := make([]string, 0, len(all))
	if len(all) <= 8 {
		for _, x := range all {
			names = append(names, x.Value)
		}
		return " ; valeurs possibles : " + strings.Join(names, ", ")
	}
	best := closest(val, all, 3)
	return fmt.Sprintf(" ; vouliez-vous dire %s ? (liste complète : référentiel data·inclusion %s.json)", strings.Join(best, ", "), ref.Name)
}

func closest(val string, all []RefValue, n int) []string {
	type scored struct {
		v string
		d int
	}
	var s []scored
	for _, x := range all {
		s = append(s, scored{x.Value, levenshtein(val, x.Value)})
	}
	// A small selection sort: n is tiny.
	var out []string
	for k := 0; k < n && k < len(s); k++ {
		min := k
		for j := k + 1; j < len(s); j++ {
			if s[j].d < s[min].d {
				min = j
			}
		}
		s[k], s[min] = s[min], s[k]
		out = append(out, "« "+s[k].v+" »")
	}
	return out
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func (v *validator) address(a Address) {
	if a.CodePostal != "" && !codePostalPattern.MatchString(a.CodePostal) {
		v.err("code_postal", CodeFormat, "code_postal : « %s » n'est pas un code postal (5 chiffres, entre guillemets : \"01400\")", a.CodePostal)
	}
	if a.CodeInsee != "" && !codeInseePattern.MatchString(a.CodeInsee) {
		v.err("code_insee", CodeFormat, "code_insee : « %s » n'est pas un code INSEE de commune (5 caractères, par exemple \"71137\" ou \"2A004\", entre guillemets)", a.CodeInsee)
	}
	v.coordinate("latitude", a.Latitude, 90)
	v.coordinate("longitude", a.Longitude, 180)
	if (a.Latitude == nil) != (a.Longitude == nil) {
		v.err("latitude", CodeRequired, "latitude et longitude vont ensemble : indiquez les deux ou aucune")
	}
}

func (v *validator) coordinate(field string, x *float64, limit float64) {
	if x != nil && (math.IsNaN(*x) || *x < -limit || *x > limit) {
		v.err(field, CodeRange, "%s : %v hors des limites (entre -%v et %v degrés)", field, *x, limit, limit)
	}
}

func (v *validator) contact(c Contact) {
	v.email("courriel", c.Courriel)
	v.url("site_web", c.SiteWeb)
}

func (v *validator) pro(p *Pro) {
	if p != nil {
		v.email("pro.courriel", p.Courriel)
	}
}

func (v *validator) email(field, s string) {
	if s != "" && !emailPattern.MatchString(s) {
		v.err(field, CodeFormat, "%s : « %s » n'est pas une adresse électronique (nom@domaine.fr)", field, s)
	}
}

// url accepts only absolute http(s) URLs: javascript:, data: and relative
// addresses would be dangerous or meaningless on a public page.
func (v *validator) url(field, s string) {
	if s == "" {
		return
	}
	if !validWebURL(s) {
		v.err(field, CodeFormat, "%s : « %s » n'est pas une adresse web valide (elle doit commencer par https:// ou http://)", field, s)
	}
}

func validWebURL(s string) bool {
	if strings.ContainsAny(s, " \t\n\r<>\"") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil
}

func (v *validator) age(field string, a *int) {
	if a != nil && (*a < 0 || *a > maxAge) {
		v.err(field, CodeRange, "%s : %d n'est pas un âge plausible (entre 0 et %d)", field, *a, maxAge)
	}
}

func (v *validator) info(field string, info InfoTemporaire) {
	if info.Du.IsZero() {
		v.err(field+".du", CodeRequired, "infos_temporaires : la date de début « du » est obligatoire (AAAA-MM-JJ)")
	}
	if !info.Au.IsZero() && !info.Du.IsZero() && info.Au.Before(info.Du) {
		v.err(field+".au", CodeRange, "infos_temporaires : la date de fin « au » (%s) est avant la date de début (%s)", info.Au, info.Du)
	}
	switch info.Type {
	case InfoFermeture, InfoMessage:
		if info.Type == InfoMessage && strings.TrimSpace(info.Message) == "" {
			v.err(field+".message", CodeRequired, "infos_temporaires : un « message » est obligatoire quand le type est message")
		}
	case InfoHoraires:
		if strings.TrimSpace(info.Horaires) == "" {
			v.err(field+".horaires", CodeRequired, "infos_temporaires : les « horaires » sont obligatoires quand le type est horaires")
		} else {
			v.horaires(field+".horaires", info.Horaires)
		}
	case "":
		v.err(field+".type", CodeRequired, "infos_temporaires : le « type » est obligatoire (fermeture, horaires ou message)")
	default:
		v.err(field+".type", CodeUnknownValue, "infos_temporaires : type inconnu « %s » ; valeurs possibles : fermeture, horaires, message", info.Type)
	}
}

// horaires warns about opening hours we cannot evaluate: the page is still
// served, but "open now" cannot be computed.
func (v *validator) horaires(field, s string) {
	if s == "" {
		return
	}
	if err := checkOpeningHours(s); err != nil {
		v.warning(field, CodeHoraires, "%s : horaires non reconnus, « ouvert maintenant » ne pourra pas être calculé (%v) ; exemple de syntaxe : Mo-Fr 09:00-12:00; PH off", baseField(field), err)
	}
}

// checkOpeningHours reports whether s is in a syntax the opening hours
// evaluator understands.
func checkOpeningHours(s string) error {
	_, err := ParseOpeningHours(s)
	return err
}
