package demo

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// redLink is the one wiki link of the demo that deliberately targets a page
// that does not exist yet, to show how missing pages are displayed.
const redLink = "pages/aide-alimentaire-annecy"

// communesCSV is the shared territory reference, beside the project root.
const communesCSV = "../../../shared/data/communes-fr.csv"

var (
	slugRe     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	wikiLinkRe = regexp.MustCompile(`\[\[([^\]|]+)(?:\|[^\]]*)?\]\]`)
	dateRe     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	phoneRe    = regexp.MustCompile(`^0[1-9] \d{2} 99 \d{2} \d{2}$`)
	// aliasedLinkRe matches a wiki link with a label: [[target|label]].
	aliasedLinkRe = regexp.MustCompile(`\[\[[^\]|]+\|[^\]]*\]\]`)
)

// page is one parsed Markdown file of the demo.
type page struct {
	name  string // "services/x.md"
	kind  string // services, structures or pages
	slug  string
	front map[string]any
	body  string
}

var commonKeys = []string{"adresse", "complement_adresse", "code_postal", "commune", "code_insee",
	"latitude", "longitude", "horaires_accueil", "telephone", "courriel", "site_web",
	"date_maj", "verifie_le", "pro"}

var allowedKeys = map[string][]string{
	"services": append([]string{"nom", "structure", "thematiques", "types", "publics",
		"publics_precisions", "conditions_acces", "frais", "frais_precisions", "modes_accueil",
		"modes_mobilisation", "mobilisable_par", "zone_eligibilite", "lien_mobilisation",
		"langues", "inconditionnel", "age_min", "age_max", "justificatifs", "statut", "complet",
		"infos_temporaires"}, commonKeys...),
	"structures": append([]string{"nom", "siret", "reseaux_porteurs", "accessibilite_lieu"}, commonKeys...),
	"pages":      {"titre", "tags", "date_maj"},
}

// referentialKeys maps a front matter key to the referential its values come from.
var referentialKeys = map[string]string{
	"thematiques":        "thematiques",
	"types":              "types-de-services",
	"publics":            "publics",
	"frais":              "frais",
	"modes_accueil":      "modes-accueil",
	"modes_mobilisation": "modes-mobilisation",
	"mobilisable_par":    "personnes-mobilisatrices",
	"reseaux_porteurs":   "reseaux-porteurs",
}

func loadReferential(t *testing.T, name string) map[string]bool {
	t.Helper()
	data, err := os.ReadFile("../referentials/" + name + ".json")
	if err != nil {
		t.Fatalf("read referential %s: %v", name, err)
	}
	var entries []struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(data, &entries); err != nil {
		t.Fatalf("parse referential %s: %v", name, err)
	}
	values := make(map[string]bool, len(entries))
	for _, e := range entries {
		values[e.Value] = true
	}
	if len(values) == 0 {
		t.Fatalf("referential %s is empty", name)
	}
	return values
}

func splitFrontMatter(data []byte) (front, body string, err error) {
	s := string(data)
	if !strings.HasPrefix(s, "---\n") {
		return "", "", errors.New("no front matter: the file must start with a --- line")
	}
	rest := s[len("---\n"):]
	end := strings.Index(rest, "\n---\n")
	if end < 0 {
		return "", "", errors.New("front matter is not closed by a --- line")
	}
	return rest[:end+1], rest[end+len("\n---\n"):], nil
}

func loadPages(t *testing.T) map[string]*page {
	t.Helper()
	pages := map[string]*page{}
	err := fs.WalkDir(FS(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(name, ".md") {
			return nil
		}
		data, err := fs.ReadFile(FS(), name)
		if err != nil {
			return err
		}
		if bytes.Contains(data, []byte("\r")) {
			t.Errorf("%s: CR characters: line endings must be LF", name)
		}
		dir, file := path.Split(name)
		kind := strings.TrimSuffix(dir, "/")
		if _, ok := allowedKeys[kind]; !ok {
			t.Errorf("%s: Markdown file outside structures/, services/ and pages/", name)
			return nil
		}
		p := &page{name: name, kind: kind, slug: strings.TrimSuffix(file, ".md")}
		if !slugRe.MatchString(p.slug) || len(p.slug) > 120 {
			t.Errorf("%s: invalid slug %q", name, p.slug)
		}
		front, body, err := splitFrontMatter(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return nil
		}
		if err := yaml.Unmarshal([]byte(front), &p.front); err != nil {
			t.Errorf("%s: front matter is not valid YAML: %v", name, err)
			return nil
		}
		p.body = body
		if strings.TrimSpace(body) == "" {
			t.Errorf("%s: empty body", name)
		}
		pages[kind+"/"+p.slug] = p
		return nil
	})
	if err != nil {
		t.Fatalf("walk demo repository: %v", err)
	}
	return pages
}

func asStrings(t *testing.T, p *page, key string) []string {
	t.Helper()
	v, ok := p.front[key]
	if !ok {
		return nil
	}
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, item := range v {
			s, ok := item.(string)
			if !ok {
				t.Errorf("%s: %s: %v is not a string", p.name, key, item)
				continue
			}
			out = append(out, s)
		}
		return out
	}
	t.Errorf("%s: %s: unexpected type %T", p.name, key, v)
	return nil
}

func isString(v any) bool { _, ok := v.(string); return ok }

func isDate(v any) bool {
	switch v := v.(type) {
	case time.Time:
		return true
	case string:
		_, err := time.Parse("2006-01-02", v)
		return err == nil && dateRe.MatchString(v)
	}
	return false
}

func TestDemoRepository(t *testing.T) {
	pages := loadPages(t)
	counts := map[string]int{}
	for _, p := range pages {
		counts[p.kind]++
	}
	if counts["structures"] < 10 || counts["services"] < 25 || counts["pages"] < 5 {
		t.Errorf("demo too small: %v", counts)
	}
	for _, name := range []string{".aiguillage/config.yaml", ".aiguillage/synonymes.txt"} {
		if _, err := fs.Stat(FS(), name); err != nil {
			t.Errorf("missing %s: %v", name, err)
		}
	}

	refs := map[string]map[string]bool{}
	for key, ref := range referentialKeys {
		refs[key] = loadReferential(t, ref)
	}

	for _, p := range pages {
		for key := range p.front {
			if !slices.Contains(allowedKeys[p.kind], key) {
				t.Errorf("%s: unknown key %q", p.name, key)
			}
		}
		required := map[string][]string{
			"services":   {"nom", "structure", "thematiques"},
			"structures": {"nom"},
			"pages":      {"titre"},
		}[p.kind]
		for _, key := range required {
			if v, ok := p.front[key]; !ok || v == nil || v == "" {
				t.Errorf("%s: required key %q missing", p.name, key)
			}
		}
		for key, values := range refs {
			for _, v := range asStrings(t, p, key) {
				if !values[v] {
					t.Errorf("%s: %s: %q is not a referential value", p.name, key, v)
				}
			}
		}
		for _, key := range []string{"date_maj", "verifie_le"} {
			if v, ok := p.front[key]; ok && !isDate(v) {
				t.Errorf("%s: %s: %v is not a YYYY-MM-DD date", p.name, key, v)
			}
		}
		for _, key := range []string{"code_postal", "code_insee", "telephone", "courriel", "site_web"} {
			if v, ok := p.front[key]; ok && !isString(v) {
				t.Errorf("%s: %s must be a (quoted) string, got %T", p.name, key, v)
			}
		}
		if tel, ok := p.front["telephone"].(string); ok && !phoneRe.MatchString(tel) {
			t.Errorf("%s: telephone %q is not in the demo's fictional range 0x xx 99 xx xx", p.name, tel)
		}
		if mail, ok := p.front["courriel"].(string); ok && !strings.HasSuffix(mail, "example.org") {
			t.Errorf("%s: courriel %q is not at example.org", p.name, mail)
		}
		if pro, ok := p.front["pro"]; ok {
			m, ok := pro.(map[string]any)
			if !ok {
				t.Errorf("%s: pro must be a mapping", p.name)
			}
			for key := range m {
				if !slices.Contains([]string{"telephone", "courriel", "notes"}, key) {
					t.Errorf("%s: pro: unknown key %q", p.name, key)
				}
			}
			if tel, ok := m["telephone"].(string); ok && !phoneRe.MatchString(tel) {
				t.Errorf("%s: pro telephone %q is not in the demo's fictional range", p.name, tel)
			}
		}
		if p.kind == "services" {
			checkService(t, p, pages)
		}
	}

	t.Run("links", func(t *testing.T) { checkLinks(t, pages) })
	t.Run("communes", func(t *testing.T) { checkCommunes(t, pages) })
}

func checkService(t *testing.T, p *page, pages map[string]*page) {
	t.Helper()
	if s, ok := p.front["structure"].(string); ok {
		if _, exists := pages["structures/"+s]; !exists {
			t.Errorf("%s: structure %q has no file structures/%s.md", p.name, s, s)
		}
	}
	if nom, ok := p.front["nom"].(string); ok {
		if n := len([]rune(nom)); n < 3 || n > 150 {
			t.Errorf("%s: nom must have 3 to 150 characters", p.name)
		}
	}
	if len(asStrings(t, p, "thematiques")) == 0 {
		t.Errorf("%s: thematiques is empty", p.name)
	}
	if st, ok := p.front["statut"]; ok && !slices.Contains([]any{"actif", "suspendu", "ferme"}, st) {
		t.Errorf("%s: statut %v unknown", p.name, st)
	}
	for _, code := range asStrings(t, p, "zone_eligibilite") {
		if !regexp.MustCompile(`^(\d{5}|2[AB]\d{3}|\d{9}|\d{2}|2[AB]|97\d)$`).MatchString(code) {
			t.Errorf("%s: zone_eligibilite %q is not an INSEE, SIREN or département code", p.name, code)
		}
	}
	for _, lang := range asStrings(t, p, "langues") {
		if !regexp.MustCompile(`^[a-z]{2}$`).MatchString(lang) {
			t.Errorf("%s: langue %q is not an ISO 639-1 code", p.name, lang)
		}
	}
	for _, key := range []string{"age_min", "age_max"} {
		if v, ok := p.front[key]; ok {
			if _, isInt := v.(int); !isInt {
				t.Errorf("%s: %s must be an integer", p.name, key)
			}
		}
	}
	for _, key := range []string{"inconditionnel", "complet"} {
		if v, ok := p.front[key]; ok {
			if _, isBool := v.(bool); !isBool {
				t.Errorf("%s: %s must be a boolean", p.name, key)
			}
		}
	}
	if v, ok := p.front["infos_temporaires"]; ok {
		list, ok := v.([]any)
		if !ok {
			t.Errorf("%s: infos_temporaires must be a list", p.name)
			return
		}
		for i, item := range list {
			m, ok := item.(map[string]any)
			if !ok {
				t.Errorf("%s: infos_temporaires[%d] must be a mapping", p.name, i)
				continue
			}
			for key := range m {
				if !slices.Contains([]string{"du", "au", "type", "message", "horaires"}, key) {
					t.Errorf("%s: infos_temporaires[%d]: unknown key %q", p.name, i, key)
				}
			}
			if !isDate(m["du"]) {
				t.Errorf("%s: infos_temporaires[%d]: du must be a date", p.name, i)
			}
			if au, ok := m["au"]; ok && !isDate(au) {
				t.Errorf("%s: infos_temporaires[%d]: au must be a date", p.name, i)
			}
			if !slices.Contains([]any{"fermeture", "horaires", "message"}, m["type"]) {
				t.Errorf("%s: infos_temporaires[%d]: type %v unknown", p.name, i, m["type"])
			}
			if m["type"] == "horaires" && m["horaires"] == nil {
				t.Errorf("%s: infos_temporaires[%d]: type horaires without horaires", p.name, i)
			}
		}
	}
}

func checkLinks(t *testing.T, pages map[string]*page) {
	t.Helper()
	redLinks := 0
	for _, p := range pages {
		for _, line := range strings.Split(p.body, "\n") {
			// In a GFM table the "|" of an aliased wiki link would split the cell.
			if strings.HasPrefix(strings.TrimSpace(line), "|") && aliasedLinkRe.MatchString(line) {
				t.Errorf("%s: aliased wiki link inside a table row: %s", p.name, line)
			}
		}
		for _, m := range wikiLinkRe.FindAllStringSubmatch(p.body, -1) {
			target := strings.TrimSpace(m[1])
			if _, ok := pages[target]; ok {
				continue
			}
			if target == redLink {
				redLinks++
				continue
			}
			t.Errorf("%s: wiki link to missing page %q", p.name, target)
		}
	}
	if redLinks != 1 {
		t.Errorf("the deliberate red link %q appears %d times, want exactly 1", redLink, redLinks)
	}
}

func checkCommunes(t *testing.T, pages map[string]*page) {
	t.Helper()
	f, err := os.Open(communesCSV)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s absent: commune codes not checked", communesCSV)
	}
	if err != nil {
		t.Fatalf("open %s: %v", communesCSV, err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", communesCSV, err)
	}
	type commune struct {
		nom, dep, epci string
		postaux        []string
		lat, lon       float64
	}
	communes := map[string]commune{}
	epcis := map[string]bool{}
	deps := map[string]bool{}
	for _, r := range rows[1:] {
		lat, _ := strconv.ParseFloat(r[8], 64)
		lon, _ := strconv.ParseFloat(r[9], 64)
		communes[r[0]] = commune{nom: r[1], postaux: strings.Fields(r[2]), dep: r[3], epci: r[5], lat: lat, lon: lon}
		epcis[r[5]] = true
		deps[r[3]] = true
	}
	for _, p := range pages {
		if p.kind == "pages" {
			continue
		}
		insee, _ := p.front["code_insee"].(string)
		cp, _ := p.front["code_postal"].(string)
		nom, _ := p.front["commune"].(string)
		if insee != "" {
			c, ok := communes[insee]
			switch {
			case !ok:
				t.Errorf("%s: code_insee %q is not a commune", p.name, insee)
			case cp != "" && !slices.Contains(c.postaux, cp):
				t.Errorf("%s: code_postal %q is not a postal code of %s (%v)", p.name, cp, c.nom, c.postaux)
			case nom != "" && nom != c.nom:
				t.Errorf("%s: commune %q does not match code_insee %q (%s)", p.name, nom, insee, c.nom)
			}
			lat, hasLat := p.front["latitude"].(float64)
			lon, hasLon := p.front["longitude"].(float64)
			if hasLat != hasLon {
				t.Errorf("%s: latitude and longitude go together", p.name)
			}
			// 0.05° is about 5 km: the point must lie in or near the commune.
			if ok && hasLat && hasLon && c.lat != 0 && (math.Abs(lat-c.lat) > 0.05 || math.Abs(lon-c.lon) > 0.05) {
				t.Errorf("%s: point (%v, %v) is far from the centre of %s (%v, %v)", p.name, lat, lon, c.nom, c.lat, c.lon)
			}
		} else if cp != "" || nom != "" {
			t.Errorf("%s: code_postal or commune without code_insee", p.name)
		}
		for _, code := range asStrings(t, p, "zone_eligibilite") {
			_, isCommune := communes[code]
			if !isCommune && !epcis[code] && !deps[code] {
				t.Errorf("%s: zone_eligibilite %q is no commune, EPCI or département", p.name, code)
			}
		}
	}
}
