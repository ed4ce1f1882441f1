package search

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/aiguillage/aiguillage/content"
)

// synonymsFile is the repository file of search synonyms.
const synonymsFile = ".aiguillage/synonymes.txt"

// batchSize is the number of documents per bleve batch.
const batchSize = 500

// catalog is what Sync reads of a content.Catalog.
type catalog interface {
	Revision() content.Revision
	Docs(kind content.Kind) []*content.Document
	Doc(p content.Path) (*content.Document, bool)
	StructureOf(svc *content.Document) (*content.Document, bool)
	ServicesOf(structureSlug string) []*content.Document
	Synonyms() [][]string
}

var _ catalog = (*content.Catalog)(nil)

// Sync brings the index to cat.Revision(). changed lists the repository
// files that changed since ix.Revision() (gitstore's ChangedFiles); nil
// means a full rebuild: every page of cat is indexed and documents not in
// cat are removed. Only the pages named are re-indexed (a deleted page is
// removed), plus the services of a changed structure, which show its name
// and fall back to its place and hours. The repository's synonyms are
// re-read on every call, so an edit of .aiguillage/synonymes.txt applies
// at the next search without a restart. The revision is written inside the
// index with the last batch of documents. Searches may run meanwhile; they
// see the new documents once Sync returns.
func (ix *Index) Sync(ctx context.Context, cat *content.Catalog, changed []string) error {
	return ix.sync(ctx, cat, changed)
}

func (ix *Index) sync(ctx context.Context, cat catalog, changed []string) error {
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	start := time.Now()
	old := ix.state.Load()
	rev := cat.Revision()

	todo := ix.paths(old, cat, changed)
	b := &docBuilder{terr: ix.cfg.Territory, labels: ix.labels()}
	metas := maps.Clone(old.metas)
	batch := ix.bi.NewBatch()
	flush := func(last bool) error {
		if last {
			batch.SetInternal([]byte(keyRevision), []byte(rev))
		}
		if batch.Size() == 0 && !last {
			return nil
		}
		if err := ix.bi.Batch(batch); err != nil {
			return fmt.Errorf("search: sync to %s: %w", rev.Short(), err)
		}
		// A fresh batch rather than Reset: scorch may still read the
		// batch it was given after Batch returns (bleve issue #1460).
		batch = ix.bi.NewBatch()
		return nil
	}
	indexed, deleted := 0, 0
	for _, p := range todo {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("search: sync to %s: %w", rev.Short(), err)
		}
		var doc map[string]interface{}
		var m *meta
		if d, ok := cat.Doc(content.Path(p)); ok && d != nil {
			st, _ := cat.StructureOf(d)
			doc, m = b.build(d, st)
		}
		if doc == nil {
			if _, ok := metas[p]; ok || changed != nil {
				batch.Delete(p)
				delete(metas, p)
				deleted++
			}
		} else {
			if err := batch.Index(p, doc); err != nil {
				return fmt.Errorf("search: sync %s: %w", p, err)
			}
			metas[p] = m.prepare(ix.facetDict)
			indexed++
		}
		if batch.Size() >= batchSize {
			if err := flush(false); err != nil {
				return err
			}
		}
	}
	if err := flush(true); err != nil {
		return err
	}
	if changed == nil && indexed > 0 {
		ix.compact(ctx)
	}
	dict := old.dict
	if indexed+deleted > 0 {
		var err error
		if dict, err = loadDictionary(ix.bi); err != nil {
			return err
		}
	}
	st := &state{rev: rev, metas: metas, dict: dict, synonyms: old.synonyms, synRaw: old.synRaw}
	if repo := cat.Synonyms(); old.synonyms == nil || !slices.EqualFunc(repo, old.synRaw, slices.Equal) {
		st.synonyms, st.synRaw = newSynonymSet(repo, ix.analyzer, ix.words), repo
	}
	ix.state.Store(st)
	ix.cfg.Log.Info("search index synced", "revision", rev.Short(), "indexed", indexed,
		"deleted", deleted, "full", changed == nil, "took_ms", time.Since(start).Milliseconds())
	return nil
}

// compact merges the index into a single segment, after a full rebuild.
// Each term of a query is looked up, and iterated, once per segment: with
// the 8 segments a 10,000-service build settles at, that was a fifth of a
// query's CPU. Later incremental syncs add small segments that bleve's
// merger folds in as usual. A failure only costs speed: it is logged.
func (ix *Index) compact(ctx context.Context) {
	adv, err := ix.bi.Advanced()
	if err != nil {
		ix.cfg.Log.Warn("search index not compacted", "err", err)
		return
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return
	}
	if err := s.ForceMerge(ctx, nil); err != nil {
		ix.cfg.Log.Warn("search index not compacted", "err", err)
	}
}

// paths lists the document IDs to (re)index or delete, sorted.
func (ix *Index) paths(old *state, cat catalog, changed []string) []string {
	set := map[string]bool{}
	if changed == nil {
		for _, k := range content.Kinds {
			for _, d := range cat.Docs(k) {
				set[string(d.Path)] = true
			}
		}
		for p := range old.metas {
			set[p] = true
		}
		return slices.Sorted(maps.Keys(set))
	}
	for _, f := range changed {
		p, ok := content.PathFromFile(f)
		if !ok {
			continue
		}
		set[string(p)] = true
		if p.Kind() != content.KindStructure {
			continue
		}
		for _, d := range cat.ServicesOf(p.Slug()) {
			set[string(d.Path)] = true
		}
		for id, m := range old.metas { // services that pointed to it before
			if m.StructurePath == string(p) {
				set[id] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// loadMetas reads the meta record of every document, in pages.
func loadMetas(ctx context.Context, bi bleve.Index, fd *facetDict) (map[string]*meta, error) {
	n, err := bi.DocCount()
	if err != nil {
		return nil, fmt.Errorf("search: load: %w", err)
	}
	metas := make(map[string]*meta, n)
	in := newInterner()
	const page = 5000
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), page, 0, false)
		req.Fields = []string{fMeta}
		req.SortBy([]string{"_id"})
		req.Score = "none"
		if after != nil {
			req.SearchAfter = after
		}
		sr, err := bi.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("search: load: %w", err)
		}
		for _, h := range sr.Hits {
			raw, _ := h.Fields[fMeta].(string)
			m := new(meta)
			if err := json.Unmarshal([]byte(raw), m); err != nil {
				return nil, fmt.Errorf("search: load %s: %w", h.ID, err)
			}
			m.intern(in)
			metas[h.ID] = m.prepare(fd)
		}
		if len(sr.Hits) < page {
			break
		}
		after = []string{sr.Hits[len(sr.Hits)-1].ID}
	}
	if uint64(len(metas)) != n {
		return nil, fmt.Errorf("search: load: %d records for %d documents", len(metas), n)
	}
	return metas, nil
}
