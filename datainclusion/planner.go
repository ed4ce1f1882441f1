package datainclusion

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/aiguillage/aiguillage/content"
)

// planner builds one plan.
type planner struct {
	*Importer
	ctx   context.Context
	cat   *content.Catalog
	files Files
	plan  *Plan
	today string

	structures map[string]*content.Structure // slug → structure as it will be
	structName map[string]string             // folded nom → slug
	services   map[string]string             // structure slug + "/" + folded nom → slug
	taken      map[content.Path]bool         // paths planned in this import
	seen       map[string]int                // duplicate key → line of its first row
}

// Plan computes what importing sheets into cat would do: structures first,
// then services (which may name structures of the same import). Rows the
// directory would refuse are listed in Invalid and write nothing.
func (im *Importer) Plan(ctx context.Context, cat *content.Catalog, files Files, sheets []Sheet) (*Plan, error) {
	p := &planner{
		Importer: im, ctx: ctx, cat: cat, files: files,
		plan:       &Plan{Base: cat.Revision(), Writes: map[string][]byte{}},
		today:      content.DateOf(im.cfg.Now()).String(),
		structures: map[string]*content.Structure{}, structName: map[string]string{},
		services: map[string]string{}, taken: map[content.Path]bool{}, seen: map[string]int{},
	}
	for _, d := range cat.Docs(content.KindStructure) {
		p.structures[d.Path.Slug()] = d.Structure
		if k := content.Fold(d.Structure.Nom); p.structName[k] == "" {
			p.structName[k] = d.Path.Slug()
		}
	}
	for _, d := range cat.Docs(content.KindService) {
		k := d.Service.Structure + "/" + content.Fold(d.Service.Nom)
		if p.services[k] == "" {
			p.services[k] = d.Path.Slug()
		}
	}
	for _, kind := range []Kind{KindStructure, KindService} {
		for _, sh := range sheets {
			if sh.Kind != kind {
				continue
			}
			for _, h := range sh.Ignored {
				p.plan.Notes = append(p.plan.Notes, fmt.Sprintf("%s : colonne « %s » ignorée (aucun champ ne lui correspond)", sh.File, h))
			}
			for _, row := range sh.Rows {
				if err := p.row(sh, row); err != nil {
					return nil, err
				}
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
		}
	}
	return p.plan, nil
}

// draft is one row on its way into a page file.
type draft struct {
	sheet   *Sheet
	row     Row
	nom     string
	kind    content.Kind
	path    content.Path
	values  []keyValue
	body    *string
	date    string
	reasons []string
	// skip are keys not to write (values a service inherits from its
	// structure).
	skip map[string]bool
}

type keyValue struct {
	key string
	v   any
}

func (d *draft) fail(format string, args ...any) {
	d.reasons = append(d.reasons, fmt.Sprintf(format, args...))
}

// row plans one row.
func (p *planner) row(sh Sheet, row Row) error {
	d := &draft{sheet: &sh, row: row, nom: strings.TrimSpace(row.Cells["nom"]), kind: content.KindStructure, skip: map[string]bool{}}
	fields := structureFields
	if sh.Kind == KindService {
		d.kind, fields = content.KindService, serviceFields
	}
	for _, name := range row.formulaCells() {
		d.fail("%s : formule de tableur refusée (« %.40s »)", name, strings.TrimSpace(row.Cells[name]))
	}
	if d.nom == "" {
		d.fail("nom : champ obligatoire")
	}
	p.read(d, fields)
	structSlug := ""
	if d.kind == content.KindService {
		structSlug = p.structureOf(d)
	}
	if len(d.reasons) == 0 {
		p.resolve(d, structSlug)
	}
	if len(d.reasons) > 0 {
		p.invalid(d)
		return nil
	}
	return p.write(d, structSlug)
}

// read converts every field the row gives.
func (p *planner) read(d *draft, fields []field) {
	for _, f := range fields {
		if !d.row.has(f.name) {
			continue
		}
		v, reason := f.convert(d.row, p.cfg.Refs)
		if reason != "" {
			d.fail("%s", reason)
			continue
		}
		d.values = append(d.values, keyValue{f.key, v})
	}
	if d.row.has("description") {
		desc := strings.TrimSpace(d.row.Cells["description"])
		d.body = &desc
	}
	if d.row.has("date_maj") {
		v, reason := parseDate(strings.TrimSpace(d.row.Cells["date_maj"]))
		if reason != "" {
			d.fail("%s", reason)
		} else {
			d.date = string(v.(dateValue))
		}
	}
	if d.kind == content.KindService && !d.row.has("thematiques") {
		d.fail("thematiques : champ obligatoire, au moins une thématique")
	}
}

// structureOf resolves a service row's structure: an id, a slug or a name
// of a structure of the directory or of this import.
func (p *planner) structureOf(d *draft) string {
	ref := strings.TrimSpace(d.row.Cells["structure_id"])
	if ref == "" {
		d.fail("structure_id : champ obligatoire, la structure qui porte le service")
		return ""
	}
	if slug := p.slugOf(ref); p.structures[slug] != nil {
		return slug
	}
	if slug := p.structName[content.Fold(ref)]; slug != "" {
		return slug
	}
	d.fail("structure_id : structure inconnue « %s » (ni dans l'annuaire ni dans cet import)", ref)
	return ""
}

// slugOf makes a page slug of a data·inclusion id.
func (p *planner) slugOf(id string) string {
	if rest, ok := strings.CutPrefix(id, p.cfg.Source+IDSeparator); ok && content.CheckSlug(rest) == nil {
		return rest
	}
	if content.CheckSlug(id) == nil {
		return id
	}
	return content.Slugify(id)
}

// resolve chooses the page a valid row writes, and refuses duplicates.
func (p *planner) resolve(d *draft, structSlug string) {
	var key, slug string
	if id := strings.TrimSpace(d.row.Cells["id"]); id != "" {
		slug = p.slugOf(id)
		key = string(d.kind) + " id " + slug
		if slug == "" {
			d.fail("id : « %s » ne donne pas de nom de page", id)
			return
		}
	} else {
		folded := content.Fold(d.nom)
		key = string(d.kind) + " nom " + structSlug + "/" + folded
		if d.kind == content.KindStructure {
			slug = p.structName[folded]
		} else {
			slug = p.services[structSlug+"/"+folded]
		}
		if slug == "" {
			slug = p.freeSlug(d.kind, d.nom, structSlug)
		}
	}
	if line, dup := p.seen[key]; dup {
		d.fail("en double : même %s que la ligne %d", map[bool]string{true: "identifiant", false: "nom"}[strings.Contains(key, " id ")], line)
		return
	}
	p.seen[key] = d.row.Line
	d.path = content.Path(string(d.kind) + "/" + slug)
}

// freeSlug makes a slug for a new page that no page uses.
func (p *planner) freeSlug(kind content.Kind, nom, structSlug string) string {
	base := content.Slugify(nom)
	if len(base) > 100 {
		base = strings.TrimRight(base[:100], "-")
	}
	if base == "" {
		base = string(kind)
	}
	free := func(s string) bool {
		path := content.Path(string(kind) + "/" + s)
		_, exists := p.cat.FileHash(path.File())
		return !exists && !p.taken[path]
	}
	if free(base) {
		return base
	}
	if structSlug != "" {
		if s := base + "-" + structSlug; len(s) <= 120 && free(s) {
			return s
		}
	}
	for i := 2; ; i++ {
		if s := base + "-" + strconv.Itoa(i); free(s) {
			return s
		}
	}
}

func (p *planner) invalid(d *draft) {
	p.plan.Invalid = append(p.plan.Invalid, Invalid{Source: d.sheet.File, Line: d.row.Line, Nom: d.nom, Reasons: d.reasons})
}

// write applies a valid row to its page file, checks the result as the
// directory would, and records it in the plan.
func (p *planner) write(d *draft, structSlug string) error {
	name := d.path.File()
	var pf *pageFile
	action := Create
	if _, exists := p.cat.FileHash(name); exists {
		f, err := p.files.ReadFile(p.ctx, p.plan.Base, name)
		if err != nil {
			return fmt.Errorf("datainclusion: read %s: %w", name, err)
		}
		if pf, err = openPage(f.Data); err != nil {
			d.fail("la page existante %s est illisible : %v", name, err)
			p.invalid(d)
			return nil
		}
		action = Change
	} else {
		pf = newPage()
	}
	var changed []string
	if d.kind == content.KindService {
		if action == Create {
			pf.set("nom", d.nom) // nom first, then structure, as in content.Service
		}
		if pf.set("structure", structSlug) {
			changed = append(changed, "structure")
		}
		p.inherit(d, pf, structSlug)
	}
	changed = append(changed, p.apply(d, pf)...)
	if action == Change && len(changed) == 0 {
		p.plan.Items = append(p.plan.Items, Item{Source: d.sheet.File, Line: d.row.Line, Nom: d.nom, Path: d.path, Action: Unchanged})
		p.taken[d.path] = true
		return nil
	}
	if action == Create {
		changed = pf.keys()
	}
	date := d.date
	if date == "" {
		date = p.today
	}
	pf.set("date_maj", dateValue(date))
	data, err := pf.bytes()
	if err != nil {
		return err
	}
	doc, problems := content.Parse(name, data, p.cfg.Refs)
	if doc == nil {
		for _, pr := range problems {
			if !pr.Warning {
				d.fail("%s", pr.Message)
			}
		}
		p.invalid(d)
		return nil
	}
	p.taken[d.path] = true
	p.plan.Writes[name] = data
	if doc.Structure != nil {
		p.structures[d.path.Slug()] = doc.Structure
		if k := content.Fold(doc.Structure.Nom); p.structName[k] == "" {
			p.structName[k] = d.path.Slug()
		}
	}
	p.plan.Items = append(p.plan.Items, Item{Source: d.sheet.File, Line: d.row.Line, Nom: d.nom, Path: d.path, Action: action, Fields: changed})
	return nil
}

// apply sets the row's values and description, and returns the keys that
// changed.
func (p *planner) apply(d *draft, pf *pageFile) []string {
	var changed []string
	for _, kv := range d.values {
		if d.skip[kv.key] {
			continue
		}
		v := kv.v
		switch kv.key {
		case "types":
			v = withFirst(pf, kv.v.([]string)[0])
		case "conditions_acces":
			cond, just := splitConditions(kv.v.(string))
			if len(just) > 0 && pf.set("justificatifs", just) {
				changed = append(changed, "justificatifs")
			}
			if cond == "" {
				continue
			}
			v = cond
		}
		if pf.set(kv.key, v) {
			changed = append(changed, kv.key)
		}
	}
	if d.body != nil && (pf.body == "" || p.renderer.PlainText(pf.body, maxDescription) != *d.body) && *d.body != "" {
		pf.body = *d.body + "\n"
		changed = append(changed, "description")
	}
	return changed
}

// withFirst returns the service's types with t first: the schema's single
// type is a service's main one.
func withFirst(pf *pageFile, t string) []string {
	var cur []string
	if n := pf.get("types"); n != nil {
		for _, c := range n.Content {
			cur = append(cur, c.Value)
		}
	}
	if contains(cur, t) {
		return cur
	}
	return append([]string{t}, cur...)
}

// inherit leaves out of a service the address and coordinates that are its
// structure's: the export fills them from the structure, and writing them
// into a service that has none would cut the link.
func (p *planner) inherit(d *draft, pf *pageFile, structSlug string) {
	st := p.structures[structSlug]
	if st == nil {
		return
	}
	row := map[string]any{}
	for _, kv := range d.values {
		row[kv.key] = kv.v
	}
	place := map[string]string{"adresse": st.Adresse, "complement_adresse": st.ComplementAdresse,
		"code_postal": st.CodePostal, "commune": st.Commune, "code_insee": st.CodeInsee}
	own, same := false, true
	for k, v := range place {
		own = own || pf.has(k)
		if s, _ := row[k].(string); s != v {
			same = false
		}
	}
	if !own && same {
		for k := range place {
			d.skip[k] = true
		}
	}
	lat, _ := row["latitude"].(float64)
	lon, _ := row["longitude"].(float64)
	if !pf.has("latitude") && st.Latitude != nil && st.Longitude != nil && lat == *st.Latitude && lon == *st.Longitude {
		d.skip["latitude"], d.skip["longitude"] = true, true
	}
}
