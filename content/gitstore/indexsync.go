package gitstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// openWait is how long Open waits for the history index to be built or
// caught up before returning with the work going on in the background.
const openWait = 2 * time.Second

// errRewritten: the indexed tip is not on the first-parent chain of the
// branch any more (history rewritten): the index must be rebuilt.
var errRewritten = errors.New("history rewritten")

// startIndex makes the index ready at once when it is up to date, else
// starts the background build and waits a little for it.
func (s *Store) startIndex(ctx context.Context) {
	head, err := s.readRef()
	if err == nil && head == s.ix.tip {
		s.ix.ready.Store(true)
		return
	}
	done := s.launchBuild()
	t := time.NewTimer(openWait)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		s.log.Info("gitstore: history index is being built in the background")
	case <-ctx.Done():
	}
}

// launchBuild starts the background build unless one runs, and returns a
// channel closed when it ends.
func (s *Store) launchBuild() <-chan struct{} {
	ix := s.ix
	ix.bgMu.Lock()
	defer ix.bgMu.Unlock()
	if ix.building {
		return ix.done
	}
	if ix.ctx.Err() != nil { // closed
		ch := make(chan struct{})
		close(ch)
		return ch
	}
	ix.building = true
	ix.done = make(chan struct{})
	ix.wg.Add(1)
	go func(done chan struct{}) {
		defer ix.wg.Done()
		defer close(done)
		start := time.Now()
		err := s.build(ix.ctx)
		ix.bgMu.Lock()
		ix.building = false
		ix.bgMu.Unlock()
		switch {
		case err == nil:
			s.log.Info("gitstore: history index ready", "commits", ix.seq, "duration", time.Since(start).String())
		case ix.ctx.Err() != nil:
		default:
			s.log.Error("gitstore: history index build failed; history is served from git directly", "err", err)
		}
	}(ix.done)
	return ix.done
}

// waitIndex waits for the running build, if any.
func (s *Store) waitIndex(ctx context.Context) error {
	s.ix.bgMu.Lock()
	done := s.ix.done
	s.ix.bgMu.Unlock()
	if done == nil {
		return nil
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// build brings the index up to the branch tip, rebuilding it when history
// was rewritten, then marks it ready. Nobody else writes the index while it
// is not ready, but mu is held anyway so that ready flips atomically with
// respect to the last catch-up.
func (s *Store) build(ctx context.Context) error {
	ix := s.ix
	ix.mu.Lock()
	defer ix.mu.Unlock()
	h := s.newHandle() // a handle of its own: the pool stays free for readers
	defer h.close()
	for {
		head, err := s.readRef()
		if err != nil {
			return err
		}
		if head == ix.tip {
			ix.ready.Store(true)
			return nil
		}
		if err := s.catchUp(ctx, h, head, true); err != nil {
			return err
		}
	}
}

// syncIndex catches a ready index up with the branch (commits made with the
// git CLI) and reports whether it may serve queries. A rewritten history
// sends the index back to a background rebuild.
//
// Every writer of the index reads the branch while holding mu: the tip can
// then never be ahead of the branch unless history was rewritten.
func (s *Store) syncIndex(ctx context.Context) bool {
	ix := s.ix
	if ix == nil {
		return false
	}
	if !ix.ready.Load() {
		s.launchBuild()
		return false
	}
	ix.mu.Lock()
	err := s.syncLocked(ctx)
	ix.mu.Unlock()
	if err != nil {
		if errors.Is(err, errRewritten) {
			s.log.Info("gitstore: branch history rewritten, rebuilding the history index")
			s.launchBuild()
		} else if ctx.Err() == nil {
			s.log.Error("gitstore: history index catch-up failed", "err", err)
		}
		return false
	}
	return true
}

// syncLocked catches the index up to the branch. The caller holds mu. On
// errRewritten the index is marked not ready.
func (s *Store) syncLocked(ctx context.Context) error {
	head, err := s.readRef()
	if err != nil {
		return err
	}
	if head == s.ix.tip {
		return nil
	}
	h, err := s.acquire(ctx)
	if err != nil {
		return err
	}
	defer s.release(h)
	err = s.catchUp(ctx, h, head, false)
	if errors.Is(err, errRewritten) {
		s.ix.ready.Store(false)
	}
	return err
}

// recorded adds a commit the store just made (its ref is updated). The
// caller holds commitMu.
func (ix *index) recorded(ctx context.Context, s *Store, rec *record) {
	if !ix.ready.Load() {
		return // the build in progress will pick it up
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if head, err := s.readRef(); err == nil && head == rec.hash && ix.tip == rec.parent {
		if err := ix.put([]*record{rec}); err != nil {
			s.log.Error("gitstore: history index update failed", "commit", rec.hash.String(), "err", err)
		}
		return
	}
	// Someone committed with the CLI meanwhile: catch up instead.
	if err := s.syncLocked(ctx); err != nil {
		if errors.Is(err, errRewritten) {
			defer s.launchBuild()
		}
		s.log.Error("gitstore: history index catch-up failed", "err", err)
	}
}

// catchUp indexes the first-parent commits from the tip (exclusive) to head.
// The caller holds mu. With reset, a rewritten history empties the index
// and indexes everything; without, errRewritten is returned.
func (s *Store) catchUp(ctx context.Context, h *handle, head plumbing.Hash, reset bool) error {
	err := s.indexRange(ctx, h, head)
	if errors.Is(err, errRewritten) && reset {
		s.log.Info("gitstore: rebuilding the history index", "head", head.String())
		if err := s.ix.reset(s.branch); err != nil {
			return err
		}
		err = s.indexRange(ctx, h, head)
	}
	return err
}

// indexRange indexes the commits after the tip up to head with the git CLI
// when there is one, else (or when the CLI fails) with go-git.
func (s *Store) indexRange(ctx context.Context, h *handle, head plumbing.Hash) error {
	if s.gitPath != "" {
		err := s.indexWith(ctx, head, s.cliLogSplit)
		if err == nil || errors.Is(err, errRewritten) || ctx.Err() != nil {
			return err
		}
		s.log.Warn("gitstore: git log failed, indexing with go-git", "err", err)
	}
	return s.indexWith(ctx, head, func(ctx context.Context, since, head plumbing.Hash, emit func(*record) error) error {
		return h.walkLog(ctx, since, head, emit)
	})
}

// source streams the first-parent commits after since (ZeroHash: from the
// root) up to head, oldest first.
type source func(ctx context.Context, since, head plumbing.Hash, emit func(*record) error) error

// indexWith runs src from the tip and writes what it yields in batches. It
// checks that the commits continue the tip (errRewritten otherwise).
func (s *Store) indexWith(ctx context.Context, head plumbing.Hash, src source) error {
	ix := s.ix
	since := ix.tip
	var batch []*record
	files, n := 0, 0
	flush := func() error {
		err := ix.put(batch)
		batch, files = batch[:0], 0
		return err
	}
	err := src(ctx, since, head, func(r *record) error {
		if n == 0 && r.parent != since {
			return errRewritten
		}
		n++
		batch = append(batch, r)
		files += len(r.files)
		if len(batch) >= batchCommits || files >= batchFiles {
			return flush()
		}
		return ctx.Err()
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return err
	}
	if ix.tip != head {
		if n == 0 {
			return errRewritten // head is behind the tip, or elsewhere
		}
		return fmt.Errorf("gitstore: history index: stopped at %s, not at %s", ix.tip, head)
	}
	return nil
}
