package search

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/territory"
)

// meta is what a search needs about a document besides its text: facet
// values, location, hours, display fields. It is computed once at indexing
// time, stored inside the bleve document (field _m, not indexed) so that it
// is committed atomically with it, and kept in memory for every document.
// Filtering, faceting, "ouvert maintenant" and distance ranking then cost a
// map lookup per candidate instead of a stored-field load from bleve.
//
// It carries only public fields: the pro block is never read.
type meta struct {
	Kind          content.Kind `json:"k"`
	Nom           string       `json:"n"`
	Sort          string       `json:"o,omitempty"` // folded name, for alphabetical browsing
	Structure     string       `json:"s,omitempty"`
	StructurePath string       `json:"sp,omitempty"`
	Commune       string       `json:"c,omitempty"`
	CodePostal    string       `json:"cp,omitempty"`
	CodeInsee     string       `json:"ci,omitempty"`
	Lat           float64      `json:"la,omitempty"`
	Lon           float64      `json:"lo,omitempty"`
	HasGeo        bool         `json:"g,omitempty"`
	Zone          []string     `json:"z,omitempty"` // zone_eligibilite, upper-cased
	Thematiques   []string     `json:"t,omitempty"`
	Groupes       []string     `json:"tg,omitempty"`
	Publics       []string     `json:"p,omitempty"`
	Types         []string     `json:"ty,omitempty"`
	Frais         []string     `json:"f,omitempty"`
	Modes         []string     `json:"m,omitempty"`
	Reseaux       []string     `json:"r,omitempty"`
	VerifieLe     string       `json:"v,omitempty"`
	Statut        string       `json:"st,omitempty"`
	Complet       bool         `json:"co,omitempty"`
	Hours         string       `json:"h,omitempty"` // effective horaires_accueil (the structure's when absent)
	Infos         []infoRecord `json:"i,omitempty"` // fermeture and horaires entries
	Text          string       `json:"x,omitempty"` // start of the plain-text body, for excerpts

	infos *content.Service // Infos as content wants them; set by prepare
	codes []uint32         // facet values counted, numbered by the index's facetDict; set by prepare
	// hours is Hours parsed, from the index's openCache, once a search
	// needed it: the cache's lookup hashes the whole text.
	hours atomic.Pointer[openEntry]
}

// interner shares equal strings and string lists between the metas
// decoded from the index: thousands of services repeat the same
// thématiques, publics, hours, communes and structure names, and each
// JSON decoding would otherwise keep its own copy.
type interner struct {
	strs  map[string]string
	lists map[string][]string
}

func newInterner() *interner {
	return &interner{strs: map[string]string{}, lists: map[string][]string{}}
}

func (in *interner) str(s *string) {
	if v, ok := in.strs[*s]; ok {
		*s = v
		return
	}
	in.strs[*s] = *s
}

func (in *interner) list(l *[]string) {
	if len(*l) == 0 {
		*l = nil
		return
	}
	key := strings.Join(*l, "\x00")
	if v, ok := in.lists[key]; ok {
		*l = v
		return
	}
	for i := range *l {
		in.str(&(*l)[i])
	}
	*l = slices.Clip(*l)
	in.lists[key] = *l
}

// intern makes m share its repeated values with the other metas.
func (m *meta) intern(in *interner) {
	for _, s := range []*string{&m.Structure, &m.StructurePath, &m.Commune, &m.CodePostal, &m.CodeInsee,
		&m.VerifieLe, &m.Statut, &m.Hours} {
		in.str(s)
	}
	for _, l := range []*[]string{&m.Zone, &m.Thematiques, &m.Groupes, &m.Publics, &m.Types, &m.Frais,
		&m.Modes, &m.Reseaux} {
		in.list(l)
	}
}

// infoRecord is the part of an InfoTemporaire that changes opening hours.
type infoRecord struct {
	Du       string `json:"du"`
	Au       string `json:"au,omitempty"`
	Type     string `json:"ty"`
	Horaires string `json:"h,omitempty"`
}

// prepare computes the derived fields, numbering m's facet values in fd;
// call it before sharing m.
func (m *meta) prepare(fd *facetDict) *meta {
	if len(m.Infos) > 0 {
		m.infos = m.service()
	}
	m.codes = fd.codes(m)
	return m
}

// svc returns the service as content's hours functions read it (only
// meaningful when m has Infos).
func (m *meta) svc() *content.Service {
	if m.infos == nil {
		return m.service()
	}
	return m.infos
}

// service rebuilds the subset of a content.Service that Hours reads.
func (m *meta) service() *content.Service {
	s := &content.Service{HorairesAccueil: m.Hours, Statut: content.Statut(m.Statut)}
	for _, in := range m.Infos {
		du, _ := content.ParseDate(in.Du)
		var au content.Date
		if in.Au != "" {
			au, _ = content.ParseDate(in.Au)
		}
		s.InfosTemporaires = append(s.InfosTemporaires, content.InfoTemporaire{
			Du: du, Au: au, Type: in.Type, Horaires: in.Horaires,
		})
	}
	return s
}

// inactive reports whether a service is suspended or closed.
func (m *meta) inactive() bool {
	return m.Statut == string(content.StatutSuspendu) || m.Statut == string(content.StatutFerme)
}

// docBuilder turns content documents into bleve documents and metas.
type docBuilder struct {
	terr   *territory.Directory
	labels labels
}

// build returns the bleve document and the meta of d; st is the service's
// structure (nil when unknown or for other kinds).
func (b *docBuilder) build(d *content.Document, st *content.Document) (map[string]interface{}, *meta) {
	switch {
	case d.Service != nil:
		return b.service(d, st)
	case d.Structure != nil:
		return b.structure(d)
	case d.Page != nil:
		return b.page(d)
	}
	return nil, nil
}

func (b *docBuilder) service(d *content.Document, st *content.Document) (map[string]interface{}, *meta) {
	s := d.Service
	m := &meta{
		Kind: content.KindService, Nom: s.Nom, Sort: territory.Fold(s.Nom),
		Thematiques: s.Thematiques, Publics: s.Publics, Types: s.Types, Modes: s.ModesAccueil,
		VerifieLe: s.VerifieLe.String(), Statut: string(s.Statut), Complet: s.Complet,
		Hours: s.HorairesAccueil,
	}
	if s.Frais != "" {
		m.Frais = []string{s.Frais}
	}
	if m.Statut == "" {
		m.Statut = string(content.StatutActif)
	}
	addr := s.Address
	var stAddr content.Address
	if st != nil && st.Structure != nil {
		m.Structure, m.StructurePath = st.Structure.Nom, string(st.Path)
		m.Reseaux = st.Structure.ReseauxPorteurs
		stAddr = st.Structure.Address
		if m.Hours == "" {
			m.Hours = st.Structure.HorairesAccueil
		}
	}
	b.place(m, addr, stAddr)
	for _, in := range s.InfosTemporaires {
		if in.Type == content.InfoFermeture || in.Type == content.InfoHoraires {
			m.Infos = append(m.Infos, infoRecord{Du: in.Du.String(), Au: in.Au.String(), Type: in.Type, Horaires: in.Horaires})
		}
	}
	seen := map[string]bool{}
	for _, t := range s.Thematiques {
		if g := thematiqueGroup(t); g != "" && !seen[g] {
			seen[g] = true
			m.Groupes = append(m.Groupes, g)
		}
	}
	var them []string
	for _, t := range s.Thematiques {
		them = append(them, b.labels.thematique(t))
	}
	var extra []string
	for _, p := range s.Publics {
		extra = append(extra, b.labels.public(p))
	}
	for _, t := range s.Types {
		extra = append(extra, b.labels.typ(t))
	}
	extra = append(extra, s.PublicsPrecisions, s.ConditionsAcces, s.FraisPrecisions, m.Commune)
	extra = append(extra, s.Justificatifs...)
	if s.Inconditionnel {
		extra = append(extra, "accueil inconditionnel")
	}
	zone := make([]string, 0, len(s.ZoneEligibilite))
	for _, z := range s.ZoneEligibilite {
		zone = append(zone, strings.ToUpper(strings.TrimSpace(z)))
	}
	m.Zone = zone
	doc := b.fields(m, strings.Join(them, " ; "), m.Structure, plainText(d.Body), strings.Join(extra, " ; "))
	doc[fZone] = zone
	return doc, m
}

func (b *docBuilder) structure(d *content.Document) (map[string]interface{}, *meta) {
	s := d.Structure
	m := &meta{
		Kind: content.KindStructure, Nom: s.Nom, Sort: territory.Fold(s.Nom),
		Reseaux: s.ReseauxPorteurs, VerifieLe: s.VerifieLe.String(), Hours: s.HorairesAccueil,
	}
	b.place(m, s.Address, content.Address{})
	var extra []string
	for _, r := range s.ReseauxPorteurs {
		extra = append(extra, b.labels.reseau(r))
	}
	extra = append(extra, m.Commune)
	return b.fields(m, "", "", plainText(d.Body), strings.Join(extra, " ; ")), m
}

func (b *docBuilder) page(d *content.Document) (map[string]interface{}, *meta) {
	p := d.Page
	m := &meta{Kind: content.KindPage, Nom: p.Titre, Sort: territory.Fold(p.Titre)}
	return b.fields(m, "", "", plainText(d.Body), strings.Join(p.Tags, " ; ")), m
}

// fields assembles the bleve document common to every kind.
func (b *docBuilder) fields(m *meta, them, structure, body, extra string) map[string]interface{} {
	m.Text = truncate(body, maxExcerptSource)
	raw, _ := json.Marshal(m) // plain data: cannot fail
	all := strings.Join([]string{m.Nom, them, structure, body, extra}, " ; ")
	doc := map[string]interface{}{
		fAll:    all,
		fNom:    m.Nom,
		fKind:   string(m.Kind),
		fBody:   body,
		fMeta:   string(raw),
		fWords:  all,
		fStatut: m.Statut,
	}
	if them != "" {
		doc[fThem] = them
	}
	if structure != "" {
		doc[fStructure] = structure
	}
	if extra != "" {
		doc[fExtra] = extra
	}
	if m.HasGeo {
		doc[fCell] = cellsOf(m.Lat, m.Lon)
	}
	return doc
}

// place sets the address fields and the effective coordinates of m: the
// page's own, else its structure's, else the centre of its commune.
func (b *docBuilder) place(m *meta, a, fallback content.Address) {
	pick := func(v, f string) string {
		if v != "" {
			return v
		}
		return f
	}
	m.Commune = pick(a.Commune, fallback.Commune)
	m.CodePostal = pick(a.CodePostal, fallback.CodePostal)
	m.CodeInsee = pick(a.CodeInsee, fallback.CodeInsee)
	switch {
	case a.Latitude != nil && a.Longitude != nil:
		m.Lat, m.Lon, m.HasGeo = *a.Latitude, *a.Longitude, true
	case fallback.Latitude != nil && fallback.Longitude != nil:
		m.Lat, m.Lon, m.HasGeo = *fallback.Latitude, *fallback.Longitude, true
	case m.CodeInsee != "" && b.terr != nil:
		if c, ok := b.terr.ByCode(m.CodeInsee); ok && c.Located() {
			m.Lat, m.Lon, m.HasGeo = c.Lat, c.Lon, true
			if m.Commune == "" {
				m.Commune = c.Nom
			}
		}
	}
	if m.HasGeo && (m.Lat < -90 || m.Lat > 90 || m.Lon < -180 || m.Lon > 180) {
		m.HasGeo = false
	}
}

// maxExcerptSource is how much of a body is kept for excerpts.
const maxExcerptSource = 1200

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// thematiqueGroup returns the first level of a thématique value, the part
// before "--" ("famille" for "famille--soutien-aidants").
func thematiqueGroup(v string) string {
	g, _, ok := strings.Cut(v, "--")
	if !ok {
		return ""
	}
	return g
}

var (
	mdWikiLink  = regexp.MustCompile(`\[\[([^\]|]*)(?:\|([^\]]*))?\]\]`)
	mdLink      = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	mdMarkup    = regexp.MustCompile("(?m)^\\s{0,3}(?:#{1,6}\\s+|>\\s?|[-*+]\\s+|\\d+[.)]\\s+)|[*_`~]+|\\|?\\s*:?-{3,}:?\\s*\\|?|<[^>]*>")
	mdPipes     = regexp.MustCompile(`\s*\|\s*`)
	mdBlankRuns = regexp.MustCompile(`[ \t]*\n[ \t\n]*`)
)

// plainText reduces a Markdown body to the words a reader sees: link texts
// instead of links, no markup, no HTML tags, tables flattened. It is only
// used for indexing and excerpts, so approximate is fine; the excerpt is
// escaped before display.
func plainText(md string) string {
	s := mdWikiLink.ReplaceAllStringFunc(md, func(l string) string {
		sub := mdWikiLink.FindStringSubmatch(l)
		if sub[2] != "" {
			return sub[2]
		}
		_, slug, _ := strings.Cut(sub[1], "/")
		return strings.ReplaceAll(slug, "-", " ")
	})
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdMarkup.ReplaceAllString(s, " ")
	s = mdPipes.ReplaceAllString(s, " · ")
	s = mdBlankRuns.ReplaceAllString(s, "\n")
	return strings.TrimSpace(s)
}
