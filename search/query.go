package search

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/territory"
)

// Query is one search as the reception desk asks it.
type Query struct {
	// Text is what the agent typed, in ordinary French. It is never parsed
	// as query syntax: "+", ":", quotes and the like are just characters.
	// Only the first MaxQueryRunes runes are read. Empty means browse.
	Text string
	// Commune is an INSEE code, a postal code or a name ("Cluny (71250)"),
	// resolved through territory. An unknown commune gives no location
	// filter (and Results.Commune nil).
	Commune string
	// RayonKm is the radius around the commune's centre: DefaultRayonKm
	// when zero, capped at MaxRayonKm.
	RayonKm float64
	// Filters, OR within one facet, AND across facets. A Thematiques value
	// may also be a first-level group ("famille").
	Thematiques, Publics, Types, Frais, ModesAccueil, Reseaux []string
	// OuvertMaintenant keeps what is open now (Europe/Paris), as the hours
	// and temporary closures say; unknown hours are not "open".
	OuvertMaintenant bool
	// Kinds lists the kinds of page in Hits: services only when empty.
	// The "kind" facet counts every kind whatever this says.
	Kinds []content.Kind
	// IncludeInactive also returns suspended and closed services.
	IncludeInactive bool
	// Sort is "" (relevance, with distance as a factor when a commune is
	// given), "distance" or "date" (most recently verified first).
	Sort string
	// Page is 1-based; Limit is DefaultLimit when zero, capped at MaxLimit.
	Page, Limit int
}

// Limits of a Query.
const (
	MaxQueryRunes  = 200
	maxQueryWords  = 16
	DefaultRayonKm = 10
	MaxRayonKm     = 200
	DefaultLimit   = 20
	MaxLimit       = 100
)

// The values of Query.Sort.
const (
	SortRelevance = ""
	SortDistance  = "distance"
	SortDate      = "date"
)

// normalize applies defaults and caps.
func (q *Query) normalize() {
	if q.Limit <= 0 {
		q.Limit = DefaultLimit
	}
	q.Limit = min(q.Limit, MaxLimit)
	q.Page = max(q.Page, 1)
	if q.RayonKm <= 0 || q.RayonKm != q.RayonKm {
		q.RayonKm = DefaultRayonKm
	}
	q.RayonKm = min(q.RayonKm, MaxRayonKm)
	if len(q.Kinds) == 0 {
		q.Kinds = []content.Kind{content.KindService}
	}
	if n := utf8.RuneCountInString(q.Text); n > MaxQueryRunes {
		q.Text = string([]rune(q.Text)[:MaxQueryRunes])
	}
	if !utf8.ValidString(q.Text) {
		q.Text = strings.ToValidUTF8(q.Text, " ")
	}
}

// resolveCommune reads an INSEE code first (the API's documented form),
// then anything territory.Resolve accepts.
func (ix *Index) resolveCommune(s string) (territory.Commune, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return territory.Commune{}, false
	}
	if len(s) == 5 {
		if c, ok := ix.cfg.Territory.ByCode(strings.ToUpper(s)); ok {
			return c, true
		}
	}
	return ix.cfg.Territory.Resolve(s)
}

// parsedText is the analysed query.
type parsedText struct {
	concepts   []concept
	suggestion string          // the query with corrected words, when some were
	marks      map[string]bool // stems to highlight in excerpts
	phrases    [][]string      // stem sequences to highlight together
}

// parseText folds, corrects and stems the words of text, and groups them
// into concepts through the synonyms.
func (ix *Index) parseText(text string, st *state) parsedText {
	var p parsedText
	toks := ix.words.Analyze([]byte(text))
	if len(toks) > maxQueryWords {
		toks = toks[:maxQueryWords]
	}
	words := make([]string, 0, len(toks))
	corrected := false
	for _, t := range toks {
		w := string(t.Term)
		if !st.dict.has(w) && !st.synonyms.vocab[w] && !isNumber(w) {
			if c := st.dict.correct(w); c != "" {
				w, corrected = c, true
			}
		}
		words = append(words, w)
	}
	if corrected {
		p.suggestion = strings.Join(words, " ")
	}
	stems := make([]string, 0, len(words))
	for _, w := range words {
		if s := terms(ix.analyzer, w); len(s) > 0 {
			stems = append(stems, s[0])
		}
	}
	p.concepts = dropCommon(st.synonyms.concepts(stems), words, st)
	p.marks = map[string]bool{}
	for _, c := range p.concepts {
		for _, v := range append([]variant{{stems: c.stems}}, c.variants...) {
			if len(v.stems) == 1 {
				p.marks[v.stems[0]] = true
			} else {
				p.phrases = append(p.phrases, v.stems)
			}
		}
	}
	return p
}

// commonShare is the share of documents above which a word typed alone
// ("aide", "sans") is too common to select anything: it only costs time.
const commonShare = 0.12

// dropCommon removes the concepts made of one very common word without
// synonyms, when other concepts remain; the word still counts through the
// pair it forms with its neighbour ("aide loyer"), which joins the
// neighbour's concept.
func dropCommon(cs []concept, words []string, st *state) []concept {
	limit := int(commonShare * float64(len(st.metas)))
	if len(cs) < 2 || len(words) != countStems(cs) || limit < 50 {
		return cs
	}
	common := make([]bool, len(cs))
	n, pos := 0, 0
	for i, c := range cs {
		if len(c.stems) == 1 && len(c.variants) == 0 && st.dict.count[words[pos]] > limit {
			common[i] = true
			n++
		}
		pos += len(c.stems)
	}
	if n == 0 || n == len(cs) {
		return cs
	}
	out := make([]concept, 0, len(cs)-n)
	for i, c := range cs {
		if common[i] {
			continue
		}
		if i > 0 && common[i-1] {
			c.pairs = append(c.pairs, []string{cs[i-1].stems[0], c.stems[0]})
		}
		if i+1 < len(cs) && common[i+1] {
			c.pairs = append(c.pairs, []string{c.stems[len(c.stems)-1], cs[i+1].stems[0]})
		}
		out = append(out, c)
	}
	return out
}

func countStems(cs []concept) int {
	n := 0
	for _, c := range cs {
		n += len(c.stems)
	}
	return n
}

func isNumber(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// Weights of the ways a concept can match, relative to the words typed.
const (
	synonymWeight = 0.35 // another entry of the synonym group
	looseWeight   = 1.0  // every word of a multi-word entry, not as a phrase
	pairWeight    = 1.2  // a word with a neighbour too common to count alone
)

// textQuery is the scoring part: a flat disjunction with one clause per
// way of matching a concept, whose per-clause scores bleve reports
// (RetrieveScoreBreakdown) so that conceptScores can take, for each
// concept, its best clause rather than the sum of them all: a document
// naming five synonyms of "colis" must not beat the one named
// "Épicerie solidaire" when that is what was typed. owner[i] is the concept
// of clause i.
func textQuery(p parsedText) (q *query.DisjunctionQuery, owner []int) {
	dq := bleve.NewDisjunctionQuery()
	dq.RetrieveScoreBreakdown(true)
	add := func(c int, q query.Query) {
		dq.AddQuery(q)
		owner = append(owner, c)
	}
	for ci, c := range p.concepts {
		add(ci, variantQuery(variant{stems: c.stems}, 1))
		if len(c.stems) > 1 {
			add(ci, looseQuery(c.stems, looseWeight))
		}
		for _, pr := range c.pairs {
			add(ci, variantQuery(variant{stems: pr}, pairWeight))
		}
		for _, v := range c.variants {
			add(ci, synonymQuery(v, synonymWeight))
		}
	}
	return dq, owner
}

// nestedTextQuery is textQuery's scoring as a tree, for when bleve cannot
// report per-clause scores (under a conjunction): a disjunction of
// concepts, each the disjunction of the words typed and of its synonyms,
// whose own coordination factor (matched/total) keeps a document naming a
// few synonyms below one naming the words typed.
func nestedTextQuery(p parsedText) query.Query {
	dq := bleve.NewDisjunctionQuery()
	for _, c := range p.concepts {
		cq := bleve.NewDisjunctionQuery()
		cq.AddQuery(variantQuery(variant{stems: c.stems}, 1))
		if len(c.stems) > 1 {
			cq.AddQuery(looseQuery(c.stems, looseWeight))
		}
		if len(c.variants) > 0 {
			sq := bleve.NewDisjunctionQuery()
			for _, v := range c.variants {
				sq.AddQuery(synonymQuery(v, nestedSynonymWeight))
			}
			cq.AddQuery(sq)
		}
		dq.AddQuery(cq)
	}
	return dq
}

// nestedSynonymWeight is the synonyms' weight in nestedTextQuery, where
// their disjunction's coordination factor already divides them.
const nestedSynonymWeight = 1.0

// conceptScores turns a hit's per-clause scores into its text score: the
// best clause of each concept, summed, times the share of concepts matched.
func conceptScores(breakdown map[int]float64, owner []int, n int, buf []float64) float64 {
	best := buf[:n]
	clear(best)
	for i, s := range breakdown {
		if i < len(owner) && s > best[owner[i]] {
			best[owner[i]] = s
		}
	}
	sum, matched := 0.0, 0
	for _, s := range best {
		if s > 0 {
			sum += s
			matched++
		}
	}
	return sum * float64(matched) / float64(n)
}

// stemsQuery matches stems in one field: a term for one stem, the pair
// for two, a conjunction of consecutive pairs for more.
func stemsQuery(stems []string, field string, boost float64) query.Query {
	term := func(t string) query.Query {
		tq := bleve.NewTermQuery(t)
		tq.SetField(field)
		tq.SetBoost(boost)
		return tq
	}
	switch len(stems) {
	case 1:
		return term(stems[0])
	case 2:
		return term(pair(stems[0], stems[1]))
	}
	cq := bleve.NewConjunctionQuery()
	for i := 1; i < len(stems); i++ {
		cq.AddQuery(term(pair(stems[i-1], stems[i])))
	}
	return cq
}

// variantQuery matches one way of saying a concept in every text field,
// with the field's boost.
func variantQuery(v variant, weight float64) query.Query {
	dq := bleve.NewDisjunctionQuery()
	for _, f := range textFields {
		dq.AddQuery(stemsQuery(v.stems, f.name, f.boost*weight))
	}
	return dq
}

// looseQuery matches documents with every stem somewhere.
func looseQuery(stems []string, weight float64) query.Query {
	cq := bleve.NewConjunctionQuery()
	for _, s := range stems {
		cq.AddQuery(stemsQuery([]string{s}, fAll, allBoost*weight/float64(len(stems))))
	}
	return cq
}

// synonymQuery matches a synonym in the all field only: one clause per
// synonym instead of one per synonym and field keeps queries of large
// synonym groups cheap.
func synonymQuery(v variant, weight float64) query.Query {
	return stemsQuery(v.stems, fAll, allBoost*weight)
}

// allBoost is the boost of the all field, between the name's and the body's.
const allBoost = 3
