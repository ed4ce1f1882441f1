package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/territory"
)

// Keys of the values kept inside the index, written in the same batch as
// the documents they describe.
const (
	keyRevision = "aiguillage_revision"
	keySchema   = "aiguillage_schema"
)

// Config is what Open needs.
type Config struct {
	// Dir is the index folder (inside the data folder); it is created, and
	// rebuilt when unreadable, as needed.
	Dir string
	// Territory resolves communes (query and fallback coordinates). Required.
	Territory *territory.Directory
	// Refs gives the French labels of referential values. Required.
	Refs *content.Referentials
	// Log receives recoveries (index rebuilt) and sync summaries. Required.
	Log *slog.Logger
	// Now is the clock for "ouvert maintenant", evaluated in Europe/Paris
	// time; time.Now when nil.
	Now func() time.Time
}

// Index is the search index of one content repository: a bleve index on
// disk plus, in memory, the facts needed to filter, facet and rank each
// candidate (see meta). It is safe for concurrent use: searches run while
// Sync writes; Sync calls are serialised.
type Index struct {
	cfg      Config
	bi       bleve.Index
	analyzer analysis.Analyzer // stemmed French analysis, as indexed
	words    analysis.Analyzer // same without stemming (typo dictionary)
	excerpts *wordTerms        // analyzer's terms of excerpt words, memoised
	paris    *time.Location
	open     *openCache
	// facetDict numbers facet values (see meta.codes); shared by every state.
	facetDict *facetDict
	scoring   string // bleve's scoring model name, from the mapping
	tables    tables // per-snapshot document tables (see docTable)

	closeOnce sync.Once
	closeErr  error

	syncMu sync.Mutex            // one Sync at a time
	state  atomic.Pointer[state] // swapped whole by Sync
}

// state is everything a search reads besides bleve, replaced atomically.
type state struct {
	rev      content.Revision
	metas    map[string]*meta // by document ID (the page path)
	dict     *dictionary
	synonyms *synonymSet
	synRaw   [][]string // the repository's groups, to detect a change
}

// Open opens the index in cfg.Dir, or creates it. An index that cannot be
// opened or read, or that was written by another version of the mapping, is
// removed and recreated empty (and the event logged): its Revision is then
// "", and the caller's next Sync rebuilds it from the repository. Open never
// fails because of the index files' content, only on a bad Config or when
// the folder cannot be written.
func Open(ctx context.Context, cfg Config) (*Index, error) {
	if cfg.Dir == "" || cfg.Territory == nil || cfg.Refs == nil || cfg.Log == nil {
		return nil, errors.New("search: open: Dir, Territory, Refs and Log are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return nil, fmt.Errorf("search: open: %w", err)
	}
	ix := &Index{cfg: cfg, paris: paris, open: newOpenCache(), facetDict: newFacetDict()}
	bi, st, err := ix.openExisting(ctx)
	if err != nil {
		cfg.Log.Warn("search index unreadable, rebuilding", "dir", cfg.Dir, "err", err)
		if bi != nil {
			_ = bi.Close()
		}
		if bi, st, err = ix.create(); err != nil {
			return nil, err
		}
	}
	ix.bi = bi
	im := bi.Mapping()
	ix.scoring = index.DefaultScoringModel
	if m, ok := im.(*mapping.IndexMappingImpl); ok && m.ScoringModel != "" {
		ix.scoring = m.ScoringModel
	}
	ix.analyzer = im.AnalyzerNamed(analyzerName)
	ix.words = im.AnalyzerNamed(wordsAnalyzerName)
	if ix.analyzer == nil || ix.words == nil {
		_ = bi.Close()
		return nil, errors.New("search: open: analyzers missing from the mapping")
	}
	ix.excerpts = newWordTerms(ix.analyzer)
	st.synonyms = newSynonymSet(nil, ix.analyzer, ix.words)
	ix.state.Store(st)
	return ix, nil
}

// openExisting opens cfg.Dir and loads the in-memory state from it. Any
// error (or panic from a damaged segment) means the index must be rebuilt.
func (ix *Index) openExisting(ctx context.Context) (bi bleve.Index, st *state, err error) {
	if _, err := os.Stat(ix.cfg.Dir); errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("no index in %s", ix.cfg.Dir)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("search: open %s: panic: %v", ix.cfg.Dir, r)
		}
	}()
	if err := registerAnalysis(); err != nil {
		return nil, nil, err
	}
	bi, err = bleve.Open(ix.cfg.Dir)
	if err != nil {
		return nil, nil, fmt.Errorf("search: open %s: %w", ix.cfg.Dir, err)
	}
	schema, err := bi.GetInternal([]byte(keySchema))
	if err != nil {
		return bi, nil, fmt.Errorf("search: open %s: %w", ix.cfg.Dir, err)
	}
	if string(schema) != schemaVersion {
		return bi, nil, fmt.Errorf("search: open %s: schema %q, want %q", ix.cfg.Dir, schema, schemaVersion)
	}
	rev, err := bi.GetInternal([]byte(keyRevision))
	if err != nil {
		return bi, nil, fmt.Errorf("search: open %s: %w", ix.cfg.Dir, err)
	}
	metas, err := loadMetas(ctx, bi, ix.facetDict)
	if err != nil {
		return bi, nil, err
	}
	dict, err := loadDictionary(bi)
	if err != nil {
		return bi, nil, err
	}
	return bi, &state{rev: content.Revision(rev), metas: metas, dict: dict}, nil
}

// create removes whatever is in cfg.Dir and makes an empty index there.
func (ix *Index) create() (bleve.Index, *state, error) {
	if err := os.RemoveAll(ix.cfg.Dir); err != nil {
		return nil, nil, fmt.Errorf("search: create %s: %w", ix.cfg.Dir, err)
	}
	if err := os.MkdirAll(filepath.Dir(ix.cfg.Dir), 0o755); err != nil {
		return nil, nil, fmt.Errorf("search: create %s: %w", ix.cfg.Dir, err)
	}
	im, err := newMapping()
	if err != nil {
		return nil, nil, err
	}
	bi, err := bleve.New(ix.cfg.Dir, im)
	if err != nil {
		return nil, nil, fmt.Errorf("search: create %s: %w", ix.cfg.Dir, err)
	}
	if err := bi.SetInternal([]byte(keySchema), []byte(schemaVersion)); err != nil {
		_ = bi.Close()
		return nil, nil, fmt.Errorf("search: create %s: %w", ix.cfg.Dir, err)
	}
	return bi, &state{metas: map[string]*meta{}, dict: newDictionary(nil)}, nil
}

// scoringModel names the scoring model, as bleve's searchers ask for it.
func (ix *Index) scoringModel() string { return ix.scoring }

// Revision returns the commit the index reflects, "" for a new index. It is
// stored inside the index, in the same batch as the documents.
func (ix *Index) Revision() content.Revision { return ix.state.Load().rev }

// Len returns the number of documents in the index.
func (ix *Index) Len() int { return len(ix.state.Load().metas) }

// Close closes the bleve index; later calls do nothing. Searches and
// Sync must have returned.
func (ix *Index) Close() error {
	ix.closeOnce.Do(func() {
		if err := ix.bi.Close(); err != nil {
			ix.closeErr = fmt.Errorf("search: close: %w", err)
		}
	})
	return ix.closeErr
}
