package edit

import (
	"bytes"
	"context"
	"fmt"

	"github.com/aiguillage/aiguillage/content"
)

// unchangedSince refuses a change based on a revision after which the page
// was modified: deleting or renaming must not discard an edit the person
// has not seen. Ours is nil: there is no text of theirs to keep.
func (e *Editor) unchangedSince(ctx context.Context, p content.Path, base, head content.Revision, cur []byte) error {
	if base == "" || base == head {
		return nil
	}
	baseData, err := e.read(ctx, base, p.File())
	if err != nil {
		return err
	}
	if !bytes.Equal(baseData, cur) {
		return &ConflictError{Path: p, Base: baseData, Theirs: cur, Head: head,
			Conflicts: []content.MergeConflict{{Base: string(baseData), Theirs: string(cur)}}}
	}
	return nil
}

// Delete removes the page p in one commit; the history keeps it, and
// Revert to an earlier revision restores it. base is the revision the
// person saw ("" skips the check): a page changed since is not deleted.
func (e *Editor) Delete(ctx context.Context, a Actor, p content.Path, base content.Revision, summaryText string) (Result, error) {
	if err := checkPath("delete", p); err != nil {
		return Result{}, err
	}
	msg := summary(summaryText, fmt.Sprintf(e.texts.Delete, p))
	return e.commit(ctx, a, p, msg, func(head content.Revision) (*change, error) {
		cur, err := e.read(ctx, head, p.File())
		if err != nil {
			return nil, err
		}
		if cur == nil {
			return nil, fmt.Errorf("edit: delete %s: %w", p, content.ErrNotFound)
		}
		if !Allowed(a, p.File(), cur, nil) {
			return nil, forbidden("delete", p)
		}
		if err := e.unchangedSince(ctx, p, base, head, cur); err != nil {
			return nil, err
		}
		return &change{deletes: []string{p.File()}}, nil
	})
}

// Rename moves the page from to the new name to (same kind) in one commit,
// and records the move in content.RedirectsFile so the old address
// answers with a permanent redirect. Renaming a structure also rewrites
// the structure key of its services when the store can list files, in the
// same commit.
func (e *Editor) Rename(ctx context.Context, a Actor, from, to content.Path, base content.Revision, summaryText string) (Result, error) {
	if err := checkPath("rename", from); err != nil {
		return Result{}, err
	}
	if err := checkPath("rename", to); err != nil {
		return Result{}, err
	}
	if from.Kind() != to.Kind() || from == to {
		return Result{}, fmt.Errorf("edit: rename %s to %s: same kind, other name required: %w", from, to, content.ErrInvalidPath)
	}
	msg := summary(summaryText, fmt.Sprintf(e.texts.Rename, from, to))
	return e.commit(ctx, a, to, msg, func(head content.Revision) (*change, error) {
		cur, err := e.read(ctx, head, from.File())
		if err != nil {
			return nil, err
		}
		if cur == nil {
			return nil, fmt.Errorf("edit: rename %s: %w", from, content.ErrNotFound)
		}
		if err := e.unchangedSince(ctx, from, base, head, cur); err != nil {
			return nil, err
		}
		if exists, err := e.read(ctx, head, to.File()); err != nil {
			return nil, err
		} else if exists != nil {
			return nil, fmt.Errorf("edit: rename %s to %s: %w", from, to, ErrExists)
		}
		text := setField(cur, "date_maj", e.today())
		if !Allowed(a, from.File(), cur, nil) || !Allowed(a, to.File(), nil, text) {
			return nil, forbidden("rename", from)
		}
		warnings, err := e.validate(ctx, to, head, text)
		if err != nil {
			return nil, err
		}
		redirects, err := e.read(ctx, head, content.RedirectsFile)
		if err != nil {
			return nil, err
		}
		ch := &change{raw: text, warnings: warnings, deletes: []string{from.File()}, writes: map[string][]byte{
			to.File():             text,
			content.RedirectsFile: content.AddRedirect(redirects, from, to),
		}}
		if from.Kind() == content.KindStructure {
			if err := e.moveServices(ctx, a, head, from, to, ch); err != nil {
				return nil, err
			}
		}
		return ch, nil
	})
}

// lister is the optional Store method Rename uses to find the services of
// a renamed structure.
type lister interface {
	Files(ctx context.Context, rev content.Revision) ([]content.File, error)
}

// moveServices points the services of structure from at structure to.
func (e *Editor) moveServices(ctx context.Context, a Actor, head content.Revision, from, to content.Path, ch *change) error {
	l, ok := e.store.(lister)
	if !ok {
		return nil
	}
	files, err := l.Files(ctx, head)
	if err != nil {
		return fmt.Errorf("edit: rename %s: list files: %w", from, err)
	}
	for _, f := range files {
		p, ok := content.PathFromFile(f.Name)
		if !ok || p.Kind() != content.KindService || f.Data == nil {
			continue
		}
		if s, ok := structureOf(f.Data); !ok || s != from.Slug() {
			continue
		}
		moved := setField(f.Data, "structure", to.Slug())
		if !Allowed(a, f.Name, f.Data, moved) {
			return forbidden("rename", from)
		}
		ch.writes[f.Name] = moved
	}
	return nil
}
