package server

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/search"
)

const (
	maxQueryRunes = 200
	apiMaxLimit   = 100
	searchTimeout = 5 * time.Second
)

// facetOrder is the order of the facets on the results page.
var facetOrder = []string{"thematique_groupe", "thematique", "public", "type", "frais", "mode_accueil", "reseau"}

// multiParams maps the query-string names of multi-valued filters to the
// Query fields they fill.
func multiParams(q *search.Query) map[string]*[]string {
	return map[string]*[]string{
		"thematique": &q.Thematiques, "public": &q.Publics, "type": &q.Types, "frais": &q.Frais,
		"mode_accueil": &q.ModesAccueil, "reseau": &q.Reseaux,
	}
}

// parseQuery reads a search from the query string; the HTML page and the
// JSON API take the same parameters.
func parseQuery(c *fiber.Ctx) (search.Query, error) {
	args := c.Context().QueryArgs()
	text := string(args.Peek("q"))
	if len([]rune(text)) > maxQueryRunes {
		text = string([]rune(text)[:maxQueryRunes])
	}
	q := search.Query{
		Text:             text,
		Commune:          strings.TrimSpace(string(args.Peek("commune"))),
		OuvertMaintenant: string(args.Peek("ouvert")) == "1",
		Sort:             string(args.Peek("tri")),
		Page:             1,
		Limit:            20,
	}
	for name, field := range multiParams(&q) {
		values := args.PeekMulti(name)
		if name == "thematique" { // a first-level group filters like a thematique
			values = append(values, args.PeekMulti("thematique_groupe")...)
		}
		for _, v := range values {
			if s := strings.TrimSpace(string(v)); s != "" && len(s) < 200 {
				*field = append(*field, s)
			}
		}
	}
	var err error
	if q.RayonKm, err = floatParam(c, "rayon", 0, 0, 200); err != nil {
		return q, err
	}
	if q.Page, err = intParam(c, "page", 1, 1, 1000); err != nil {
		return q, err
	}
	if q.Limit, err = intParam(c, "limit", 20, 1, apiMaxLimit); err != nil {
		return q, err
	}
	switch q.Sort {
	case "", "pertinence":
		q.Sort = ""
	case "distance", "date":
	default:
		return q, badRequest("bad_sort", "Tri inconnu : choisissez pertinence, distance ou date.")
	}
	return q, nil
}

func intParam(c *fiber.Ctx, name string, def, min, max int) (int, error) {
	raw := c.Query(name)
	if raw == "" {
		return def, nil
	}
	v, err := strconv.Atoi(raw)
	if err != nil || v < min {
		return 0, badRequest("bad_"+name, "Paramètre « "+name+" » incorrect : nombre entier attendu.")
	}
	if v > max {
		v = max
	}
	return v, nil
}

func floatParam(c *fiber.Ctx, name string, def, min, max float64) (float64, error) {
	raw := c.Query(name)
	if raw == "" {
		return def, nil
	}
	v, err := strconv.ParseFloat(strings.Replace(raw, ",", ".", 1), 64)
	if err != nil || v < min || v != v {
		return 0, badRequest("bad_"+name, "Paramètre « "+name+" » incorrect : nombre attendu.")
	}
	if v > max {
		v = max
	}
	return v, nil
}

// runSearch runs q with a deadline, mapping an unknown commune to a 400.
// The commune is a postal code, an INSEE code, a name or "Nom (CP)", read
// in that order by territory.Resolve.
func (s *Server) runSearch(ctx context.Context, q search.Query) (*search.Results, error) {
	if s.cfg.Search == nil {
		return nil, &httpError{status: fiber.StatusServiceUnavailable, code: "search_disabled", message: s.t("search.unavailable")}
	}
	if q.Commune != "" && s.cfg.Territory != nil {
		// Resolve here and hand the index an INSEE code, so the commune
		// searched is the one validated: "71250" is Cluny's postal code
		// (what the form asks for) and Laizé's INSEE code.
		c, ok := s.cfg.Territory.Resolve(q.Commune)
		if !ok {
			return nil, badRequest("unknown_commune", s.t("search.commune.unknown", q.Commune))
		}
		q.Commune = c.Code
	}
	ctx, cancel := context.WithTimeout(ctx, searchTimeout)
	defer cancel()
	return s.cfg.Search.Search(ctx, q)
}

func (s *Server) apiSearch(c *fiber.Ctx) error {
	q, err := parseQuery(c)
	if err != nil {
		return err
	}
	if kinds := c.Query("type_page"); kinds != "" {
		for _, k := range strings.Split(kinds, ",") {
			q.Kinds = append(q.Kinds, content.Kind(k))
		}
	}
	res, err := s.runSearch(c.UserContext(), q)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	out := newAPIResults(res)
	if s.currentUser(c).CanReadPro() {
		cat := s.live.catalog()
		for i := range out.Hits {
			out.Hits[i].Pro = proOf(cat.Catalog, out.Hits[i].Path)
		}
	}
	return c.JSON(out)
}

// apiResults is the JSON of /api/v1/search, a public contract: exactly
// these keys, every one always present (distance_km is null without a
// commune), whatever search.Results grows.
type apiResults struct {
	Total  int                            `json:"total"`
	Hits   []apiHit                       `json:"hits"`
	Facets map[string][]search.FacetValue `json:"facets"`
}

type apiHit struct {
	Path        string   `json:"path"`
	Nom         string   `json:"nom"`
	Structure   string   `json:"structure"`
	Commune     string   `json:"commune"`
	DistanceKm  *float64 `json:"distance_km"`
	Thematiques []string `json:"thematiques"`
	Score       float64  `json:"score"`
	Extrait     string   `json:"extrait"` // HTML: escaped text, <mark> around the words found
	// Pro is the information reserved to professionals, for signed-in
	// readers only: the key is absent for everyone else.
	Pro *content.Pro `json:"pro,omitempty"`
}

func newAPIResults(res *search.Results) apiResults {
	out := apiResults{Total: res.Total, Hits: make([]apiHit, 0, len(res.Hits)), Facets: res.Facets}
	if out.Facets == nil {
		out.Facets = map[string][]search.FacetValue{}
	}
	for _, h := range res.Hits {
		hit := apiHit{Path: h.Path, Nom: h.Nom, Structure: h.Structure, Commune: h.Commune,
			DistanceKm: h.DistanceKm, Thematiques: h.Thematiques, Score: h.Score, Extrait: h.Extrait}
		if hit.Thematiques == nil {
			hit.Thematiques = []string{}
		}
		out.Hits = append(out.Hits, hit)
	}
	return out
}

func (s *Server) apiCommunes(c *fiber.Ctx) error {
	if s.cfg.Territory == nil {
		return c.JSON(fiber.Map{"communes": []any{}})
	}
	limit, err := intParam(c, "limit", 10, 1, 50)
	if err != nil {
		return err
	}
	type commune struct {
		Code         string   `json:"code_insee"`
		Nom          string   `json:"nom"`
		Label        string   `json:"label"`
		CodesPostaux []string `json:"codes_postaux"`
		Departement  string   `json:"departement"`
		Latitude     float64  `json:"latitude"`
		Longitude    float64  `json:"longitude"`
	}
	q := c.Query("q")
	if len(q) > 100 {
		q = q[:100]
	}
	out := []commune{}
	for _, m := range s.cfg.Territory.Suggest(q, limit) {
		out = append(out, commune{Code: m.Code, Nom: m.Nom, Label: m.Label(), CodesPostaux: m.CodesPostaux,
			Departement: m.Departement, Latitude: m.Lat, Longitude: m.Lon})
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	return c.JSON(fiber.Map{"communes": out})
}

// searchView is the results page's data.
type searchView struct {
	Q, Commune   string
	CommuneError string
	Place        string
	Ouvert       bool
	OpenCount    int
	Radii, Sorts []option
	Facets       []facetView
	Results      *search.Results
	Hits         []hitView
	Others       []hitView
	Start        int
	Pager        *pager
	Error        string
	Map          *mapData // the hits of this page that have coordinates
}

type option struct {
	Value, Label string
	Selected     bool
}

type facetView struct {
	Name, Label string
	Values      []search.FacetValue
}

type hitView struct {
	search.Hit
	ThematiqueLabels []string
	KindLabel        string
	Pro              *content.Pro // nil unless the reader may see it
}

type pager struct {
	Page, Pages int
	Prev, Next  string
}

func (s *Server) showSearch(c *fiber.Ctx) error {
	q, err := parseQuery(c)
	if err != nil {
		return err
	}
	data := searchView{Q: q.Text, Commune: q.Commune, Ouvert: q.OuvertMaintenant}
	data.Radii = radiusOptions(s, q.RayonKm)
	data.Sorts = sortOptions(s, q.Sort)
	title := s.t("search.title")
	if q.Text != "" {
		title = s.t("search.title.query", q.Text)
	}
	if s.hasCriteria(c) {
		s.fillResults(c, q, &data)
	}
	v := s.view(c, title, data)
	v.Query, v.Current, v.NoIndex = q.Text, "search", true
	return s.render(c, fiber.StatusOK, "search", v)
}

func (s *Server) hasCriteria(c *fiber.Ctx) bool {
	return len(c.Context().QueryArgs().QueryString()) > 0
}

// fillResults runs the search for the page: services as the main list,
// structures and guides as a side list on the first page.
func (s *Server) fillResults(c *fiber.Ctx, q search.Query, data *searchView) {
	ctx := c.UserContext()
	res, err := s.runSearch(ctx, q)
	var he *httpError
	switch {
	case errors.As(err, &he) && he.code == "unknown_commune":
		data.CommuneError = he.message
		return
	case errors.As(err, &he):
		data.Error = he.message
		return
	case err != nil:
		s.log.Error("search failed", "query", q.Text, "err", err)
		data.Error = s.t("search.error")
		return
	}
	data.Results = res
	if res.Commune != nil {
		data.Place = res.Commune.Label()
	}
	cat := s.live.catalog()
	pro := s.currentUser(c).CanReadPro()
	for _, h := range res.Hits {
		hv := s.hitView(h)
		if pro {
			hv.Pro = proOf(cat.Catalog, h.Path)
		}
		data.Hits = append(data.Hits, hv)
	}
	data.Map = s.newMap(cat.Config(), hitPoints(cat.Catalog, res.Hits))
	data.Facets = s.facetViews(res.Facets)
	for _, v := range res.Facets["ouvert"] {
		if v.Value == "ouvert" {
			data.OpenCount = v.Count
		}
	}
	data.Start = (res.Page-1)*res.Limit + 1
	data.Pager = s.pager(c, res)
	if q.Page == 1 && q.Text != "" {
		// The side list matches the text only: the filters are the
		// services' (thématiques, publics, frais…), which would drop every
		// structure and guide.
		others := search.Query{Text: q.Text, Kinds: []content.Kind{content.KindStructure, content.KindPage}, Page: 1, Limit: 5}
		if more, err := s.runSearch(ctx, others); err == nil {
			for _, h := range more.Hits {
				data.Others = append(data.Others, s.hitView(h))
			}
		}
	}
}

func (s *Server) hitView(h search.Hit) hitView {
	hv := hitView{Hit: h, KindLabel: s.t("kind." + h.Kind)}
	for _, th := range h.Thematiques {
		hv.ThematiqueLabels = append(hv.ThematiqueLabels, s.cfg.Refs.Thematiques.Label(th))
	}
	return hv
}

func (s *Server) facetViews(facets map[string][]search.FacetValue) []facetView {
	var out []facetView
	for _, name := range facetOrder {
		if values := facets[name]; len(values) > 0 {
			out = append(out, facetView{Name: name, Label: s.t("facet." + name), Values: values})
		}
	}
	return out
}

func (s *Server) pager(c *fiber.Ctx, res *search.Results) *pager {
	pages := (res.Total + res.Limit - 1) / res.Limit
	if pages <= 1 {
		return nil
	}
	p := &pager{Page: res.Page, Pages: pages}
	params, _ := url.ParseQuery(string(c.Context().QueryArgs().QueryString()))
	if res.Page > 1 {
		params.Set("page", strconv.Itoa(res.Page-1))
		p.Prev = "/recherche?" + params.Encode()
	}
	if res.Page < pages {
		params.Set("page", strconv.Itoa(res.Page+1))
		p.Next = "/recherche?" + params.Encode()
	}
	return p
}

func radiusOptions(s *Server, selected float64) []option {
	if selected == 0 {
		selected = 10
	}
	var out []option
	for _, km := range []int{2, 5, 10, 20, 30, 50, 100} {
		out = append(out, option{Value: strconv.Itoa(km), Label: s.t("search.radius.km", km), Selected: float64(km) == selected})
	}
	return out
}

func sortOptions(s *Server, selected string) []option {
	return []option{
		{Value: "pertinence", Label: s.t("search.sort.relevance"), Selected: selected == ""},
		{Value: "distance", Label: s.t("search.sort.distance"), Selected: selected == "distance"},
		{Value: "date", Label: s.t("search.sort.date"), Selected: selected == "date"},
	}
}
