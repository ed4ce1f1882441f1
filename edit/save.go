package edit

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/aiguillage/aiguillage/content"
)

// ErrExists is returned (wrapped) when creating or renaming onto a page
// that exists. It wraps content.ErrConflict.
var ErrExists = fmt.Errorf("page exists: %w", content.ErrConflict)

// change is what one attempt of an operation wants to commit.
type change struct {
	writes    map[string][]byte
	deletes   []string
	raw       []byte // the page as it will be
	merged    bool
	unchanged bool
	warnings  []content.Problem
}

// commit runs build against the tip and commits its change with a
// compare-and-swap on that tip, starting over (a bounded number of times)
// when another commit lands in between.
func (e *Editor) commit(ctx context.Context, a Actor, p content.Path, msg string, build func(head content.Revision) (*change, error)) (Result, error) {
	res, err := e.commitLocked(ctx, a, p, msg, build)
	if err == nil && !res.Unchanged && e.after != nil {
		e.after(ctx, res.Revision)
	}
	return res, err
}

func (e *Editor) commitLocked(ctx context.Context, a Actor, p content.Path, msg string, build func(head content.Revision) (*change, error)) (Result, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for range maxAttempts {
		head, err := e.store.Head(ctx)
		if err != nil {
			return Result{}, fmt.Errorf("edit: %s: read tip: %w", p, err)
		}
		ch, err := build(head)
		if err != nil {
			return Result{}, err
		}
		res := Result{Path: p, Revision: head, Merged: ch.merged, Raw: ch.raw, Warnings: ch.warnings}
		if ch.unchanged {
			res.Unchanged = true
			return res, nil
		}
		c, err := e.store.Commit(ctx, content.Change{Base: head, Author: a.author(), Message: msg, Writes: ch.writes, Deletes: ch.deletes})
		if errors.Is(err, content.ErrConflict) {
			continue // the tip moved under us: read it again
		}
		if err != nil {
			return Result{}, fmt.Errorf("edit: commit %s: %w", p, err)
		}
		res.Revision = c.Revision
		return res, nil
	}
	return Result{}, fmt.Errorf("edit: %s: the branch keeps moving, try again: %w", p, content.ErrConflict)
}

// read returns a file at rev, nil when it does not exist there (or rev is
// unknown).
func (e *Editor) read(ctx context.Context, rev content.Revision, name string) ([]byte, error) {
	if rev == "" {
		return nil, nil
	}
	f, err := e.store.ReadFile(ctx, rev, name)
	if errors.Is(err, content.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("edit: read %s at %s: %w", name, rev.Short(), err)
	}
	return f.Data, nil
}

func checkPath(op string, p content.Path) error {
	if _, err := content.ParsePath(string(p)); err != nil {
		return fmt.Errorf("edit: %s: %w", op, err)
	}
	return nil
}

func forbidden(op string, p content.Path) error {
	return fmt.Errorf("edit: %s %s: %w", op, p, ErrForbidden)
}

// today is the date in Paris, where the directory's people work.
func (e *Editor) today() string {
	return content.DateOf(e.now().In(e.paris)).String()
}

// Save replaces the page p with raw, on behalf of a, as one commit with
// summary as its message. base is the revision raw was edited from. If
// the page changed since, both changes are merged (Result.Merged) or, when
// they overlap, a *ConflictError is returned and nothing is written.
// date_maj is set to today; the result must validate (*content.ValidationError
// otherwise, with every problem).
func (e *Editor) Save(ctx context.Context, a Actor, p content.Path, base content.Revision, raw []byte, summaryText string) (Result, error) {
	if err := checkPath("save", p); err != nil {
		return Result{}, err
	}
	if err := e.checkSize(p, raw); err != nil {
		return Result{}, err
	}
	msg := summary(summaryText, fmt.Sprintf(e.texts.Save, p))
	return e.commit(ctx, a, p, msg, func(head content.Revision) (*change, error) {
		cur, err := e.read(ctx, head, p.File())
		if err != nil {
			return nil, err
		}
		if cur == nil {
			return nil, fmt.Errorf("edit: save %s: %w", p, content.ErrNotFound)
		}
		text, merged, err := e.mergeWith(ctx, p, base, head, raw, cur)
		if err != nil {
			return nil, err
		}
		return e.write(ctx, a, p, head, cur, text, merged)
	})
}

// mergeWith returns the text to save: raw itself when the page did not
// change since base, else the three-way merge of raw and the tip.
func (e *Editor) mergeWith(ctx context.Context, p content.Path, base, head content.Revision, raw, cur []byte) ([]byte, bool, error) {
	ours := setField(raw, "date_maj", e.today())
	if base == head {
		return ours, false, nil
	}
	// The person's own text must validate before it is merged, so the
	// problems they see are theirs.
	if _, err := e.validate(ctx, p, head, ours); err != nil {
		return nil, false, err
	}
	baseData, err := e.read(ctx, base, p.File())
	if err != nil {
		return nil, false, err
	}
	if bytes.Equal(baseData, cur) {
		return ours, false, nil
	}
	// date_maj moves on every save: align ours with the tip's before
	// merging so that it never conflicts, then stamp the result.
	forMerge := raw
	if d := fieldOf(cur, "date_maj"); d != "" {
		forMerge = setField(raw, "date_maj", d)
	}
	merged, conflicts := content.Merge3(baseData, forMerge, cur)
	if len(conflicts) > 0 {
		return nil, false, &ConflictError{Path: p, Base: baseData, Ours: bytes.Clone(raw), Theirs: cur, Head: head, Conflicts: conflicts}
	}
	return setField(merged, "date_maj", e.today()), true, nil
}

// write checks rights and validity of the new text and describes the
// commit that writes it.
func (e *Editor) write(ctx context.Context, a Actor, p content.Path, head content.Revision, cur, text []byte, merged bool) (*change, error) {
	// Rights on the page as it is first, so that someone who may not edit
	// it learns nothing more; then validity, so that an editor's broken
	// text gets its problems listed; then rights on the result.
	if !mayTry(a, p, cur) {
		return nil, forbidden("save", p)
	}
	warnings, err := e.validate(ctx, p, head, text)
	if err != nil {
		return nil, err
	}
	if !Allowed(a, p.File(), cur, text) {
		return nil, forbidden("save", p)
	}
	ch := &change{raw: text, merged: merged, warnings: warnings}
	if bytes.Equal(text, cur) {
		ch.unchanged = true
		return ch, nil
	}
	ch.writes = map[string][]byte{p.File(): text}
	return ch, nil
}

// checkSize refuses a file too big to be a page before any work is done.
func (e *Editor) checkSize(p content.Path, raw []byte) error {
	if len(raw) <= e.maxFile {
		return nil
	}
	// Not content.TooLargeProblem: the person edits a text in a form, and a
	// size in bytes tells them how much to cut where "1,0 Mo" would not.
	// Like content's problems, the message is part of the format's French
	// contract.
	return fmt.Errorf("edit: %s: %w", p, &content.ValidationError{Problems: []content.Problem{{
		File: p.File(), Code: content.CodeTooLarge,
		Message: fmt.Sprintf("texte trop long : %d octets, la limite est %d octets", len(raw), e.maxFile),
	}}})
}

// validate parses text as the page p and checks that a service's
// structure exists at head. It returns the warnings, or a
// *content.ValidationError listing every problem.
func (e *Editor) validate(ctx context.Context, p content.Path, head content.Revision, text []byte) ([]content.Problem, error) {
	if err := e.checkSize(p, text); err != nil {
		return nil, err
	}
	doc, problems := content.Parse(p.File(), text, e.refs)
	if doc != nil && doc.Service != nil {
		s, err := e.read(ctx, head, "structures/"+doc.Service.Structure+".md")
		if err != nil {
			return nil, err
		}
		if s == nil {
			problems = append(problems, content.MissingStructureProblem(p.File(), doc.Service.Structure))
		}
	}
	for _, pr := range problems {
		if !pr.Warning {
			return nil, fmt.Errorf("edit: %s: %w", p, &content.ValidationError{Problems: problems})
		}
	}
	return problems, nil
}

// Create adds the page p with raw, on behalf of a. It fails with ErrExists
// when the page exists.
func (e *Editor) Create(ctx context.Context, a Actor, p content.Path, raw []byte, summaryText string) (Result, error) {
	if err := checkPath("create", p); err != nil {
		return Result{}, err
	}
	if err := e.checkSize(p, raw); err != nil {
		return Result{}, err
	}
	msg := summary(summaryText, fmt.Sprintf(e.texts.Create, p))
	text := setField(raw, "date_maj", e.today())
	return e.commit(ctx, a, p, msg, func(head content.Revision) (*change, error) {
		cur, err := e.read(ctx, head, p.File())
		if err != nil {
			return nil, err
		}
		if cur != nil {
			return nil, fmt.Errorf("edit: create %s: %w", p, ErrExists)
		}
		return e.write(ctx, a, p, head, nil, text, false)
	})
}

// Verify sets the page's verifie_le to today: someone responsible
// confirms that the information is right. Guide pages have no such date.
func (e *Editor) Verify(ctx context.Context, a Actor, p content.Path, summaryText string) (Result, error) {
	return e.VerifyFrom(ctx, a, p, "", summaryText)
}

// VerifyFrom is Verify for someone who read the page at revision base
// ("" skips the check): a page changed since is not confirmed, since the
// person vouches for a text they have not seen (a *ConflictError).
func (e *Editor) VerifyFrom(ctx context.Context, a Actor, p content.Path, base content.Revision, summaryText string) (Result, error) {
	if err := checkPath("verify", p); err != nil {
		return Result{}, err
	}
	if p.Kind() == content.KindPage {
		return Result{}, fmt.Errorf("edit: verify %s: guide pages have no verification date: %w", p, content.ErrInvalid)
	}
	msg := summary(summaryText, fmt.Sprintf(e.texts.Verify, p))
	return e.commit(ctx, a, p, msg, func(head content.Revision) (*change, error) {
		cur, err := e.read(ctx, head, p.File())
		if err != nil {
			return nil, err
		}
		if cur == nil {
			return nil, fmt.Errorf("edit: verify %s: %w", p, content.ErrNotFound)
		}
		if !mayTry(a, p, cur) {
			return nil, forbidden("verify", p)
		}
		if err := e.unchangedSince(ctx, p, base, head, cur); err != nil {
			return nil, err
		}
		return e.write(ctx, a, p, head, cur, setField(cur, "verifie_le", e.today()), false)
	})
}

// Revert writes the page as it was at revision to, as a new commit (the
// history keeps everything). It also restores a deleted page.
func (e *Editor) Revert(ctx context.Context, a Actor, p content.Path, to content.Revision, summaryText string) (Result, error) {
	if err := checkPath("revert", p); err != nil {
		return Result{}, err
	}
	old, err := e.read(ctx, to, p.File())
	if err != nil {
		return Result{}, err
	}
	if old == nil {
		return Result{}, fmt.Errorf("edit: revert %s: no such page at %s: %w", p, to.Short(), content.ErrNotFound)
	}
	msg := summary(summaryText, fmt.Sprintf(e.texts.Revert, p, to.Short()))
	text := setField(old, "date_maj", e.today())
	return e.commit(ctx, a, p, msg, func(head content.Revision) (*change, error) {
		cur, err := e.read(ctx, head, p.File())
		if err != nil {
			return nil, err
		}
		return e.write(ctx, a, p, head, cur, text, false)
	})
}
