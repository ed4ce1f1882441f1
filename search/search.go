package search

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/territory"
)

// Results is one page of results with the facets of the whole result set.
type Results struct {
	Total int   `json:"total"`
	Page  int   `json:"page"`
	Limit int   `json:"limit"`
	Hits  []Hit `json:"hits"`
	// Facets by key: thematique, thematique_groupe, public, type, frais,
	// mode_accueil, reseau, ouvert, kind. Each facet counts the results
	// that pass every filter except its own (multi-select facets).
	Facets map[string][]FacetValue `json:"facets"`
	// Commune is the resolved commune, nil when none was asked or found.
	Commune *territory.Commune `json:"commune,omitempty"`
	// Suggestion is the query with typos corrected, when some were: "Vouliez-vous dire …".
	Suggestion string        `json:"suggestion,omitempty"`
	Took       time.Duration `json:"-"`
}

// Hit is one result.
type Hit struct {
	Path          string   `json:"path"`
	Kind          string   `json:"kind"`
	Nom           string   `json:"nom"`
	Structure     string   `json:"structure,omitempty"`
	StructurePath string   `json:"structure_path,omitempty"`
	Commune       string   `json:"commune,omitempty"`
	CodePostal    string   `json:"code_postal,omitempty"`
	DistanceKm    *float64 `json:"distance_km,omitempty"`
	Thematiques   []string `json:"thematiques,omitempty"`
	Score         float64  `json:"score"`
	// Extrait is HTML-safe: escaped text whose only markup is <mark>…</mark>.
	Extrait   string `json:"extrait"`
	Ouvert    string `json:"ouvert"` // "ouvert", "ferme" or "inconnu"
	VerifieLe string `json:"verifie_le,omitempty"`
	Statut    string `json:"statut,omitempty"`
	Complet   bool   `json:"complet,omitempty"`
}

// FacetValue is one value of a facet with its count.
type FacetValue struct {
	Value    string `json:"value"`
	Label    string `json:"label"`
	Count    int    `json:"count"`
	Selected bool   `json:"selected"`
}

// maxCandidates bounds how many matches are filtered, faceted and ranked
// in Go. Location filters keep real queries far below it; beyond it
// (browsing a whole large directory) totals and counts cover the best
// maxCandidates matches only (the first ones, in index order, when
// browsing).
const maxCandidates = 20000

// candidate is one match with what the Go side computes about it.
type candidate struct {
	id     string
	m      *meta
	score  float64
	dist   float64 // km; -1 when unknown or no commune
	ouvert string
	fails  uint16 // bit d set: fails the filter of dimension d
}

// Search runs q. Text is analysed as French (elision, folding, light
// stemming), words absent from the index are corrected to the nearest
// indexed word, synonyms are expanded, and bleve scores the matches within
// the location; then, in Go, the facet and "ouvert" filters apply, facets
// are counted, and the relevance score is multiplied by a distance decay
// 1/(1 + d/rayon) before sorting and paging.
func (ix *Index) Search(ctx context.Context, q Query) (*Results, error) {
	start := time.Now()
	q.normalize()
	st := ix.state.Load()
	res := &Results{Page: q.Page, Limit: q.Limit, Hits: []Hit{}}
	p := ix.parseText(q.Text, st)
	res.Suggestion = p.suggestion
	if c, ok := ix.resolveCommune(q.Commune); ok {
		res.Commune = &c
	}
	sc := scratches.Get().(*scratch)
	defer sc.put()
	ms, tab, err := ix.matches(ctx, st, p, res.Commune, q.RayonKm, sc.ms[:0])
	sc.ms = ms
	if err != nil {
		return nil, fmt.Errorf("search: %q: %w", q.Text, err)
	}
	cands, f := ix.candidates(ms, tab, &q, res.Commune, sc.cands[:0])
	sc.cands = cands
	res.Facets = f.facets(cands, ix.facetDict.load(), ix.labels())
	kept := cands[:0] // in place: facets are counted
	for _, c := range cands {
		if c.fails == 0 {
			kept = append(kept, c)
		}
	}
	res.Total = len(kept)
	from := min((q.Page-1)*q.Limit, len(kept))
	to := min(from+q.Limit, len(kept))
	ix.rank(kept, to, &q, res.Commune, len(p.concepts) > 0)
	for _, c := range kept[from:to] {
		h := ix.hit(c)
		h.Extrait = excerpt(c.m.Text, ix.excerpts, p.marks, p.phrases)
		res.Hits = append(res.Hits, h)
	}
	res.Took = time.Since(start)
	return res, nil
}

// candidates appends to cands the matches ms (numbered in tab) that are
// active (unless q includes inactive ones) and within the location of c,
// with their filter failures and "ouvert" state, and returns them with
// q's filters.
func (ix *Index) candidates(ms []match, tab *docTable, q *Query, c *territory.Commune,
	cands []candidate) ([]candidate, *filters) {
	now := ix.cfg.Now().In(ix.paris)
	for _, mt := range ms {
		m := tab.metas[mt.n]
		if m == nil || (!q.IncludeInactive && m.inactive()) {
			continue
		}
		cd := candidate{id: tab.ids[mt.n], m: m, score: mt.score, dist: -1}
		if c != nil {
			if c.Located() && m.HasGeo {
				cd.dist = territory.Distance(c.Lat, c.Lon, m.Lat, m.Lon)
			}
			if !inLocation(m, cd.dist, q.RayonKm, c) {
				continue
			}
		}
		cands = append(cands, cd)
	}
	f := newFilters(q)
	for i := range cands {
		f.apply(&cands[i], ix.open, now)
	}
	return cands, f
}

// scratch is a search's working memory, reused by later searches.
type scratch struct {
	ms    []match
	cands []candidate
}

var scratches = sync.Pool{New: func() any { return new(scratch) }}

// put returns sc to the pool, without the metas it points to.
func (sc *scratch) put() {
	clear(sc.cands[:cap(sc.cands)])
	scratches.Put(sc)
}

// rank puts the first k candidates, in order, at the start of cs: by
// distance or date when asked; else by text score times the distance
// decay; browsing (no text) sorts by distance when a commune is given, by
// name otherwise. Ties end on the name and the ID, so the order is total
// and the same as a full sort's.
func (ix *Index) rank(cs []candidate, k int, q *Query, c *territory.Commune, scored bool) {
	byDist := func(a, b candidate) int {
		switch {
		case a.dist < 0 && b.dist >= 0:
			return 1
		case b.dist < 0 && a.dist >= 0:
			return -1
		}
		return cmp.Compare(a.dist, b.dist)
	}
	byName := func(a, b candidate) int {
		if c := strings.Compare(a.m.Sort, b.m.Sort); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	}
	byScore := func(a, b candidate) int { return cmp.Compare(b.score, a.score) }
	byDate := func(a, b candidate) int { return strings.Compare(b.m.VerifieLe, a.m.VerifieLe) }
	switch {
	case q.Sort == SortDistance:
		sortTop(cs, k, byDist, byScore, byName)
	case q.Sort == SortDate:
		sortTop(cs, k, byDate, byScore, byName)
	case !scored && c != nil:
		sortTop(cs, k, byDist, byName)
	case !scored:
		sortTop(cs, k, byName)
	default:
		if c != nil {
			for i := range cs {
				cs[i].score *= decay(cs[i].dist, q.RayonKm)
			}
		}
		sortTop(cs, k, byScore, byDist, byName)
	}
}

// sortTop puts the first k elements of cs, in the order of the keys (the
// first that differs decides), at the start of cs; the rest is left in
// any order. A page of results needs its k candidates out of hundreds:
// they are selected by insertion, each other candidate costing one
// comparison with the k-th.
func sortTop(cs []candidate, k int, keys ...func(a, b candidate) int) {
	less := func(a, b candidate) bool {
		for _, key := range keys {
			if c := key(a, b); c != 0 {
				return c < 0
			}
		}
		return false
	}
	if k <= 0 {
		return
	}
	if 4*k >= len(cs) {
		slices.SortFunc(cs, func(a, b candidate) int {
			switch {
			case less(a, b):
				return -1
			case less(b, a):
				return 1
			}
			return 0
		})
		return
	}
	top := cs[:k]
	slices.SortFunc(top, func(a, b candidate) int {
		switch {
		case less(a, b):
			return -1
		case less(b, a):
			return 1
		}
		return 0
	})
	for i := k; i < len(cs); i++ {
		if !less(cs[i], top[k-1]) {
			continue
		}
		x := cs[i]
		cs[i] = top[k-1]
		j := k - 1
		for ; j > 0 && less(x, top[j-1]); j-- {
			top[j] = top[j-1]
		}
		top[j] = x
	}
}

// decay is the distance factor of the relevance score: 1 at the centre,
// 1/2 at the radius, smaller beyond (services matched by their
// eligibility zone). Unknown distances count as at the radius.
func decay(dist, rayon float64) float64 {
	if dist < 0 {
		return 0.5
	}
	return 1 / (1 + dist/rayon)
}

// hit builds the result line of c.
func (ix *Index) hit(c candidate) Hit {
	m := c.m
	h := Hit{
		Path: c.id, Kind: string(m.Kind), Nom: m.Nom, Structure: m.Structure, StructurePath: m.StructurePath,
		Commune: m.Commune, CodePostal: m.CodePostal, Thematiques: m.Thematiques,
		Score: math.Round(c.score*1000) / 1000, Ouvert: c.ouvert, VerifieLe: m.VerifieLe, Complet: m.Complet,
	}
	if m.Kind == content.KindService {
		h.Statut = m.Statut
	}
	if c.dist >= 0 {
		d := math.Round(c.dist*10) / 10
		h.DistanceKm = &d
	}
	return h
}

// labels returns the label functions of the configured referentials.
func (ix *Index) labels() labels { return labelsOf(ix.cfg.Refs) }
