package search

import (
	"context"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// restrictQuery matches the documents of text that are also in within,
// scored by text alone. It replaces a boolean query's filter clause:
// bleve's filter pulls and scores every match of the text in the whole
// country before testing the location, so a query cost followed the
// national number of matches. Here the two searchers leapfrog, the text
// being advanced to the next document of within before it scores anything:
// only matches near the commune are scored. Scores, and the per-clause
// breakdown that conceptScores reads, are those of text alone, so ranking
// is unchanged.
type restrictQuery struct {
	text, within query.Query
}

// Searcher implements query.Query.
func (q *restrictQuery) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping,
	options search.SearcherOptions) (search.Searcher, error) {
	text, err := q.text.Searcher(ctx, i, m, options)
	if err != nil {
		return nil, err
	}
	within, err := q.within.Searcher(ctx, i, m, search.SearcherOptions{Score: "none"})
	if err != nil {
		_ = text.Close()
		return nil, err
	}
	return &restrictSearcher{text: text, within: within}, nil
}

// restrictSearcher is restrictQuery's searcher: a two-way conjunction
// that always returns text's match (owned by the caller once returned).
type restrictSearcher struct {
	text, within search.Searcher
	t, w         *search.DocumentMatch // current positions; t nil once handed out
	started      bool
	done         bool
}

func (s *restrictSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if s.done {
		return nil, nil
	}
	var err error
	if !s.started {
		s.started = true
		if s.w, err = s.within.Next(ctx); err != nil || s.w == nil {
			s.done = true
			return nil, err
		}
	} else {
		// The last match was handed out: move the cheap side first, so
		// that text only scores documents at or after a local one.
		s.put(ctx, &s.w)
		if s.w, err = s.within.Next(ctx); err != nil || s.w == nil {
			s.done = true
			return nil, err
		}
	}
	if s.t, err = s.text.Advance(ctx, s.w.IndexInternalID); err != nil {
		return nil, err
	}
	return s.align(ctx)
}

func (s *restrictSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	if s.done {
		return nil, nil
	}
	s.started = true
	var err error
	s.put(ctx, &s.w)
	if s.w, err = s.within.Advance(ctx, id); err != nil || s.w == nil {
		s.done = true
		return nil, err
	}
	s.put(ctx, &s.t)
	if s.t, err = s.text.Advance(ctx, s.w.IndexInternalID); err != nil {
		return nil, err
	}
	return s.align(ctx)
}

// align advances whichever side is behind until both are on the same
// document (returned) or one is exhausted.
func (s *restrictSearcher) align(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	var err error
	for {
		if s.t == nil || s.w == nil {
			s.done = true
			return nil, nil
		}
		switch c := s.t.IndexInternalID.Compare(s.w.IndexInternalID); {
		case c == 0:
			t := s.t
			s.t = nil
			return t, nil
		case c < 0:
			id := s.w.IndexInternalID
			s.put(ctx, &s.t)
			s.t, err = s.text.Advance(ctx, id)
		default:
			id := s.t.IndexInternalID
			s.put(ctx, &s.w)
			s.w, err = s.within.Advance(ctx, id)
		}
		if err != nil {
			return nil, err
		}
	}
}

// put recycles *d, if any.
func (s *restrictSearcher) put(ctx *search.SearchContext, d **search.DocumentMatch) {
	if *d != nil {
		ctx.DocumentMatchPool.Put(*d)
		*d = nil
	}
}

func (s *restrictSearcher) Close() error {
	err := s.text.Close()
	if werr := s.within.Close(); err == nil {
		err = werr
	}
	return err
}

func (s *restrictSearcher) Weight() float64            { return s.text.Weight() }
func (s *restrictSearcher) SetQueryNorm(qnorm float64) { s.text.SetQueryNorm(qnorm) }
func (s *restrictSearcher) Count() uint64              { return s.text.Count() }
func (s *restrictSearcher) Min() int                   { return 0 }
func (s *restrictSearcher) Size() int                  { return s.text.Size() + s.within.Size() }

func (s *restrictSearcher) DocumentMatchPoolSize() int {
	return s.text.DocumentMatchPoolSize() + s.within.DocumentMatchPoolSize()
}
