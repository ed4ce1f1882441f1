package search

import (
	"context"
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/aiguillage/aiguillage/territory"
)

// match is a document a search found, by number in its docTable, with its
// text score (0 when browsing).
type match struct {
	n     uint32
	score float64
}

// matches appends to ms the documents matching p within the location of c (all
// of them when c is nil), scored by text, and the docTable their numbers
// refer to. Only the documents of the location are scored: the text
// searcher is advanced from one to the next.
func (ix *Index) matches(ctx context.Context, st *state, p parsedText, c *territory.Commune,
	rayonKm float64, ms []match) ([]match, *docTable, error) {
	snap, err := ix.snapshot()
	if err != nil {
		return nil, nil, err
	}
	defer snap.Close()
	tab, err := ix.tables.table(snap, st, ix.cfg.Log)
	if err != nil {
		return nil, nil, err
	}
	var loc *bitset
	if c != nil {
		loc = tab.location(*c, rayonKm)
	}
	if len(p.concepts) == 0 {
		ms = browse(tab, loc, ms)
	} else if ms, err = ix.scored(ctx, snap, p, loc, ms); err != nil {
		return nil, nil, err
	}
	if len(ms) > maxCandidates {
		// the best ones, the first in index order among equals
		slices.SortStableFunc(ms, func(a, b match) int {
			switch {
			case a.score > b.score:
				return -1
			case a.score < b.score:
				return 1
			}
			return 0
		})
		ms = ms[:maxCandidates]
	}
	return ms, tab, nil
}

// snapshot returns bleve's current snapshot, to Close after use.
func (ix *Index) snapshot() (*scorch.IndexSnapshot, error) {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		_ = r.Close()
		return nil, fmt.Errorf("unexpected index reader %T", r)
	}
	return snap, nil
}

// browse lists the documents of loc (every document when nil), unscored.
func browse(tab *docTable, loc *bitset, ms []match) []match {
	if loc == nil {
		for _, n := range tab.all {
			ms = append(ms, match{n: n})
		}
		return ms
	}
	for n := loc.next(0); n >= 0; n = loc.next(uint32(n) + 1) {
		if tab.metas[n] != nil {
			ms = append(ms, match{n: uint32(n)})
		}
	}
	return ms
}

// ctxCheckEvery is how many matches are collected between two checks of
// the context's deadline.
const ctxCheckEvery = 1024

// scored runs the text query of p on snap and returns its matches within
// loc (everywhere when nil), with their text scores (see conceptScores).
func (ix *Index) scored(ctx context.Context, snap *scorch.IndexSnapshot, p parsedText, loc *bitset,
	ms []match) ([]match, error) {
	tq, owner := textQuery(p)
	// bleve's collector tells its searchers the scoring model this way.
	sctx := context.WithValue(ctx, bsearch.GetScoringModelCallbackKey, bsearch.GetScoringModelCallbackFn(ix.scoringModel))
	s, err := tq.Searcher(sctx, snap, ix.bi.Mapping(), bsearch.SearcherOptions{})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	sc := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0), IndexReader: snap}
	buf := make([]float64, len(p.concepts))
	add := func(dm *bsearch.DocumentMatch, n uint64) {
		score := dm.Score
		if dm.ScoreBreakdown != nil {
			score = conceptScores(dm.ScoreBreakdown, owner, len(p.concepts), buf)
		}
		ms = append(ms, match{n: uint32(n), score: score})
		sc.DocumentMatchPool.Put(dm)
	}
	if loc == nil {
		for i := 1; ; i++ {
			dm, err := s.Next(sc)
			if err != nil || dm == nil {
				return ms, err
			}
			add(dm, dm.IndexInternalID.Value())
			if i%ctxCheckEvery == 0 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
		}
	}
	id := make(index.IndexInternalID, 8)
	for d, i := loc.next(0), 1; d >= 0; i++ {
		id.SetValue(uint64(d))
		dm, err := s.Advance(sc, id)
		if err != nil || dm == nil {
			return ms, err
		}
		n := dm.IndexInternalID.Value()
		if loc.has(uint32(n)) {
			add(dm, n)
			n++
		} else {
			sc.DocumentMatchPool.Put(dm)
		}
		if i%ctxCheckEvery == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		d = loc.next(uint32(n))
	}
	return ms, nil
}
