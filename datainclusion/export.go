package datainclusion

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/aiguillage/aiguillage/content"
)

// DefaultSource is the producer identifier of records when none is
// configured.
const DefaultSource = "aiguillage"

// maxDescription is the schema's maxLength of description.
const maxDescription = 10000

// Config says how the directory is described to data·inclusion.
type Config struct {
	// Source is the producer identifier, the first part of every id
	// (DefaultSource when empty).
	Source string
	// BaseURL is the public address of the site: lien_source is the page's
	// address under it. Empty leaves lien_source null.
	BaseURL string
	// DefaultDate is the date_maj of pages without one (typically the date
	// of the revision exported).
	DefaultDate content.Date
}

// Exporter maps catalogues to data·inclusion records, checked against the
// official schemas it compiles once. It is safe for concurrent use.
type Exporter struct {
	renderer *content.Renderer
	schemas  *schemas
}

// NewExporter compiles the schemas.
func NewExporter() (*Exporter, error) {
	sch, err := compileSchemas()
	if err != nil {
		return nil, err
	}
	return &Exporter{renderer: content.NewRenderer(), schemas: sch}, nil
}

// run is one export under way.
type run struct {
	*Exporter
	cfg Config
}

// Export is the public directory of one revision in data·inclusion form.
type Export struct {
	Revision   content.Revision
	Structures []Structure
	Services   []Service
	// Omitted lists every page left out (with Field empty) and every value
	// left out of an exported record (with Field set), with the reason.
	Omitted []Omission
}

// Omission is a page or a field the export left out, and why.
type Omission struct {
	Path   content.Path
	Field  string
	Reason string
}

// String says what was left out and why, in French.
func (o Omission) String() string {
	if o.Field == "" {
		return fmt.Sprintf("%s : non exporté, %s", o.Path, o.Reason)
	}
	return fmt.Sprintf("%s : %s non exporté, %s", o.Path, o.Field, o.Reason)
}

// Export maps every structure and service of cat, in path order. Private
// information (pro) is never read; closed and suspended services are left
// out, and so is any record the schema would refuse.
func (ex *Exporter) Export(cat *content.Catalog, cfg Config) (*Export, error) {
	if cfg.Source == "" {
		cfg.Source = DefaultSource
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	e := run{ex, cfg}
	out := &Export{Revision: cat.Revision()}
	exported := map[string]bool{}
	structures := each(cat.Docs(content.KindStructure), e.structure)
	for i, m := range structures {
		out.Omitted = append(out.Omitted, m.omitted...)
		if m.err != nil {
			return nil, m.err
		}
		if m.ok {
			out.Structures = append(out.Structures, m.rec)
			exported[cat.Docs(content.KindStructure)[i].Path.Slug()] = true
		}
	}
	services := each(cat.Docs(content.KindService), func(d *content.Document, x *Export) (Service, bool, error) {
		s := d.Service
		switch {
		case s.Statut == content.StatutFerme:
			x.omit(d.Path, "", "le service est fermé")
			return Service{}, false, nil
		case s.Statut == content.StatutSuspendu:
			x.omit(d.Path, "", "le service est suspendu")
			return Service{}, false, nil
		case !exported[s.Structure]:
			x.omit(d.Path, "", fmt.Sprintf("sa structure « %s » n'est pas exportée", s.Structure))
			return Service{}, false, nil
		}
		st, _ := cat.StructureOf(d)
		return e.service(d, st, x)
	})
	for _, m := range services {
		out.Omitted = append(out.Omitted, m.omitted...)
		if m.err != nil {
			return nil, m.err
		}
		if m.ok {
			out.Services = append(out.Services, m.rec)
		}
	}
	return out, nil
}

// mapped is one page mapped to a record, with what was left out of it.
type mapped[R Record] struct {
	rec     R
	ok      bool
	err     error
	omitted []Omission
}

// each maps docs with one worker per CPU (checking records against the
// schema is most of an export's work), results in the order of docs.
func each[R Record](docs []*content.Document, f func(d *content.Document, x *Export) (R, bool, error)) []mapped[R] {
	out := make([]mapped[R], len(docs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.NumCPU(), len(docs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(docs); i = int(next.Add(1) - 1) {
				var x Export
				r, ok, err := f(docs[i], &x)
				out[i] = mapped[R]{rec: r, ok: ok, err: err, omitted: x.Omitted}
			}
		}()
	}
	wg.Wait()
	return out
}

func (x *Export) omit(p content.Path, field, reason string) {
	x.Omitted = append(x.Omitted, Omission{Path: p, Field: field, Reason: reason})
}

// pageOmissions reports the omissions of one page.
type pageOmissions struct {
	x *Export
	p content.Path
}

func (o pageOmissions) omit(field, reason string) { o.x.omit(o.p, field, reason) }

func (e run) date(d *content.Document) string {
	if u := d.Updated(); !u.IsZero() {
		return u.String()
	}
	if !e.cfg.DefaultDate.IsZero() {
		return e.cfg.DefaultDate.String()
	}
	return ""
}

func (e run) link(p content.Path) *string {
	if e.cfg.BaseURL == "" {
		return nil
	}
	return optional(e.cfg.BaseURL + p.URL())
}

func (e run) structure(d *content.Document, x *Export) (Structure, bool, error) {
	s := d.Structure
	r := Structure{
		AccessibiliteLieu: optional(s.AccessibiliteLieu),
		Adresse:           optional(s.Adresse),
		CodeInsee:         optional(s.CodeInsee),
		CodePostal:        optional(s.CodePostal),
		Commune:           optional(s.Commune),
		ComplementAdresse: optional(s.ComplementAdresse),
		Courriel:          optional(s.Courriel),
		DateMaj:           e.date(d),
		HorairesAccueil:   optional(s.HorairesAccueil),
		ID:                ID(e.cfg.Source, d.Path.Slug()),
		Latitude:          float(s.Latitude),
		LienSource:        e.link(d.Path),
		Longitude:         float(s.Longitude),
		Nom:               s.Nom,
		ReseauxPorteurs:   list(s.ReseauxPorteurs),
		Siret:             optional(strings.ReplaceAll(s.Siret, " ", "")),
		SiteWeb:           optional(s.SiteWeb),
		Source:            e.cfg.Source,
		Telephone:         optional(s.Telephone),
	}
	if desc := e.renderer.PlainText(d.Body, maxDescription); utf8.RuneCountInString(desc) >= 5 {
		r.Description = &desc
	}
	ok, err := e.schemas.conform(e.schemas.structure, &r, pageOmissions{x, d.Path})
	return r, ok, err
}

func (e run) service(d *content.Document, st *content.Document, x *Export) (Service, bool, error) {
	s := d.Service
	r := Service{
		ConditionsAcces:   optional(conditions(s.ConditionsAcces, s.Justificatifs)),
		Courriel:          optional(s.Courriel),
		DateMaj:           e.date(d),
		Description:       e.renderer.PlainText(d.Body, maxDescription),
		Frais:             optional(s.Frais),
		FraisPrecisions:   optional(s.FraisPrecisions),
		HorairesAccueil:   optional(s.HorairesAccueil),
		ID:                ID(e.cfg.Source, d.Path.Slug()),
		LienMobilisation:  optional(s.LienMobilisation),
		LienSource:        e.link(d.Path),
		MobilisablePar:    list(s.MobilisablePar),
		ModesAccueil:      list(s.ModesAccueil),
		ModesMobilisation: list(s.ModesMobilisation),
		Nom:               s.Nom,
		Publics:           list(s.Publics),
		PublicsPrecisions: optional(s.PublicsPrecisions),
		Source:            e.cfg.Source,
		StructureID:       ID(e.cfg.Source, s.Structure),
		Telephone:         optional(s.Telephone),
		Thematiques:       list(s.Thematiques),
		ZoneEligibilite:   list(s.ZoneEligibilite),
	}
	if len(s.Types) > 0 { // the schema has one type: the first is the main one
		r.Type = optional(s.Types[0])
	}
	addr := s.Address
	if !hasPlace(addr) && st != nil { // delivered at the structure
		addr = content.Address{Adresse: st.Structure.Adresse, ComplementAdresse: st.Structure.ComplementAdresse,
			CodePostal: st.Structure.CodePostal, Commune: st.Structure.Commune, CodeInsee: st.Structure.CodeInsee,
			Latitude: addr.Latitude, Longitude: addr.Longitude}
	}
	if addr.Latitude == nil && st != nil {
		addr.Latitude, addr.Longitude = st.Structure.Latitude, st.Structure.Longitude
	}
	r.Adresse, r.ComplementAdresse = optional(addr.Adresse), optional(addr.ComplementAdresse)
	r.CodePostal, r.Commune, r.CodeInsee = optional(addr.CodePostal), optional(addr.Commune), optional(addr.CodeInsee)
	r.Latitude, r.Longitude = float(addr.Latitude), float(addr.Longitude)

	ok, err := e.schemas.conform(e.schemas.service, &r, pageOmissions{x, d.Path})
	return r, ok, err
}

// hasPlace reports whether a service says where it is delivered.
func hasPlace(a content.Address) bool {
	return a.Adresse != "" || a.CodePostal != "" || a.Commune != "" || a.CodeInsee != ""
}

// justificatifsLead introduces the documents to bring in conditions_acces,
// which is where the schema's documentation puts them.
const justificatifsLead = "Justificatifs : "

// conditions appends the documents to bring to the conditions of access.
func conditions(cond string, justificatifs []string) string {
	if len(justificatifs) == 0 {
		return cond
	}
	j := justificatifsLead + strings.Join(justificatifs, " ; ")
	if cond == "" {
		return j
	}
	return cond + "\n\n" + j
}

// splitConditions undoes conditions.
func splitConditions(s string) (cond string, justificatifs []string) {
	i := strings.LastIndex(s, justificatifsLead)
	if i < 0 || (i > 0 && !strings.HasSuffix(s[:i], "\n\n")) || strings.Contains(s[i:], "\n") {
		return s, nil
	}
	for _, j := range strings.Split(s[i+len(justificatifsLead):], " ; ") {
		if j = strings.TrimSpace(j); j != "" {
			justificatifs = append(justificatifs, j)
		}
	}
	return strings.TrimSuffix(s[:i], "\n\n"), justificatifs
}
