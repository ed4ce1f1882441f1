package gitstore

import (
	"context"
	"fmt"
	"time"

	"github.com/aiguillage/aiguillage/content"
)

// walkBudget bounds History while the index is not ready.
const walkBudget = 2 * time.Second

// History returns the commits of the branch that touched the file name
// (added, modified or deleted it), newest first, following first parents
// like `git log --first-parent -- name`; at most limit of them, all when
// limit <= 0. It is served from the history index, caught up first when
// the branch moved. Until the index is ready (its first build takes about a
// minute at 100,000 commits), History walks the repository for at most two
// seconds and returns the commits found in that time: the most recent ones,
// possibly fewer than exist.
func (s *Store) History(ctx context.Context, name string, limit int) ([]content.Commit, error) {
	if checkName(name) != nil {
		return nil, fmt.Errorf("gitstore: history of %q: %w", name, content.ErrInvalidPath)
	}
	if s.syncIndex(ctx) {
		return s.ix.history(name, limit)
	}
	head, err := s.readRef()
	if err != nil {
		return nil, fmt.Errorf("gitstore: history of %s: %w", name, err)
	}
	h, err := s.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer s.release(h)
	out, complete, err := h.walkHistory(ctx, head, name, limit, time.Now().Add(walkBudget))
	if err != nil {
		return nil, fmt.Errorf("gitstore: history of %s: %w", name, err)
	}
	if !complete {
		s.log.Info("gitstore: history incomplete while the index is being built", "file", name, "found", len(out))
	}
	return out, nil
}

// Log returns the latest commits of the branch (first parents), newest
// first, with the files each changed; at most limit, all when limit <= 0.
func (s *Store) Log(ctx context.Context, limit int) ([]content.Commit, error) {
	if s.syncIndex(ctx) {
		return s.ix.log(limit)
	}
	head, err := s.readRef()
	if err != nil {
		return nil, fmt.Errorf("gitstore: log: %w", err)
	}
	h, err := s.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer s.release(h)
	var out []content.Commit
	for cur := head; !cur.IsZero() && (limit <= 0 || len(out) < limit); {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c, err := h.commit(cur)
		if err != nil {
			return nil, fmt.Errorf("gitstore: log: %w", err)
		}
		r, err := h.record(c)
		if err != nil {
			return nil, fmt.Errorf("gitstore: log: %w", err)
		}
		out = append(out, r.commit())
		cur = r.parent
	}
	return out, nil
}
