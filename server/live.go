package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aiguillage/aiguillage/content"
)

// live holds the catalogue of the branch's tip and keeps it, and the search
// index, in step with the repository. Readers take the current snapshot with
// catalog() and never lock; refresh builds the next snapshot from the files
// that changed and swaps it in.
type live struct {
	store    Store
	index    Searcher
	refs     *content.Referentials
	looks    *looks
	log      *slog.Logger
	onChange func()

	cat     atomic.Pointer[snapshot]
	mu      sync.Mutex // one refresh or index sync at a time
	indexed chan struct{}
	closeMu sync.Mutex
}

// snapshot is a catalogue with the commit it was read from and the look
// of the site at that commit.
type snapshot struct {
	*content.Catalog
	commit content.Commit
	look   *look
}

func newLive(store Store, index Searcher, refs *content.Referentials, looks *looks, log *slog.Logger, onChange func()) *live {
	return &live{store: store, index: index, refs: refs, looks: looks, log: log, onChange: onChange, indexed: make(chan struct{})}
}

func (l *live) catalog() *snapshot { return l.cat.Load() }

// load reads the whole tree at the branch's tip.
func (l *live) load(ctx context.Context) error {
	start := time.Now()
	head, err := l.store.Head(ctx)
	if err != nil {
		return fmt.Errorf("server: read branch head: %w", err)
	}
	files, err := l.store.Files(ctx, head)
	if err != nil {
		return fmt.Errorf("server: read files at %s: %w", head.Short(), err)
	}
	commit, err := l.store.CommitInfo(ctx, head)
	if err != nil {
		return fmt.Errorf("server: read commit %s: %w", head.Short(), err)
	}
	cat := content.NewCatalog(head, files, l.refs)
	l.cat.Store(&snapshot{Catalog: cat, commit: commit, look: l.looks.build(ctx, cat)})
	l.log.Info("catalogue loaded", "revision", head.Short(), "files", len(files),
		"services", cat.Len(content.KindService), "problems", len(cat.Problems()),
		"duration_ms", time.Since(start).Milliseconds())
	return nil
}

// refresh moves the catalogue to the branch's tip if it moved, re-reading
// only the files that changed, then updates the index.
func (l *live) refresh(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	cur := l.catalog()
	head, err := l.store.Head(ctx)
	if err != nil {
		return fmt.Errorf("server: read branch head: %w", err)
	}
	if head == cur.Revision() {
		return nil
	}
	commit, err := l.store.CommitInfo(ctx, head)
	if err != nil {
		return fmt.Errorf("server: read commit %s: %w", head.Short(), err)
	}
	// One commit on top of the catalogue (every save): its files are the
	// changes, already diffed by CommitInfo; else diff the two trees.
	names := commit.Files
	if commit.Parent != cur.Revision() {
		if names, err = l.store.ChangedFiles(ctx, cur.Revision(), head); err != nil {
			return fmt.Errorf("server: changes %s..%s: %w", cur.Revision().Short(), head.Short(), err)
		}
	}
	next, err := l.advance(ctx, cur, commit, names)
	if err != nil {
		return err
	}
	l.cat.Store(next)
	l.onChange()
	l.log.Info("catalogue updated", "from", cur.Revision().Short(), "to", head.Short())
	return l.syncIndexLocked(ctx, &diff{from: cur.Revision(), names: names})
}

// diff is the files changed since a revision, when already known.
type diff struct {
	from  content.Revision
	names []string
}

func (l *live) advance(ctx context.Context, cur *snapshot, commit content.Commit, names []string) (*snapshot, error) {
	head := commit.Revision
	var changed []content.File
	var deleted []string
	for _, name := range names {
		f, err := l.store.ReadFile(ctx, head, name)
		switch {
		case err == nil:
			changed = append(changed, f)
		case errors.Is(err, content.ErrNotFound):
			deleted = append(deleted, name)
		default:
			return nil, fmt.Errorf("server: read %s at %s: %w", name, head.Short(), err)
		}
	}
	cat := cur.Apply(head, changed, deleted)
	return &snapshot{Catalog: cat, commit: commit, look: l.looks.next(ctx, cat, cur.look, names)}, nil
}

// syncIndex brings the search index to the current catalogue.
func (l *live) syncIndex(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.syncIndexLocked(ctx, nil)
}

// syncIndexLocked brings the index to the current catalogue; known, if
// not nil, saves reading the changes again when the index is at known.from.
func (l *live) syncIndexLocked(ctx context.Context, known *diff) error {
	if l.index == nil {
		l.markIndexed()
		return nil
	}
	cat := l.catalog()
	from := l.index.Revision()
	if from == cat.Revision() {
		l.markIndexed()
		return nil
	}
	var changed []string // nil: full rebuild
	switch {
	case known != nil && known.from == from:
		changed = append([]string{}, known.names...)
	case from != "":
		names, err := l.store.ChangedFiles(ctx, from, cat.Revision())
		if err != nil {
			l.log.Warn("index revision unknown to the repository: full rebuild", "index_revision", from.Short(), "err", err)
		} else {
			changed = names
			if changed == nil {
				changed = []string{}
			}
		}
	}
	if err := l.index.Sync(ctx, cat.Catalog, changed); err != nil { // the index logs what it did
		return fmt.Errorf("server: sync search index to %s: %w", cat.Revision().Short(), err)
	}
	l.markIndexed()
	return nil
}

func (l *live) markIndexed() {
	l.closeMu.Lock()
	defer l.closeMu.Unlock()
	select {
	case <-l.indexed:
	default:
		close(l.indexed)
	}
}

// isIndexed reports whether the first index sync has finished.
func (l *live) isIndexed() bool {
	select {
	case <-l.indexed:
		return true
	default:
		return false
	}
}

func (l *live) waitIndexed(ctx context.Context) error {
	select {
	case <-l.indexed:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
