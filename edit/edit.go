// Package edit is the write side of the directory: it loads a page for
// editing, checks who may change it, validates the result, merges
// concurrent edits and commits every change as one git commit credited to
// the person who made it. It knows the repository only through the small
// Store interface below and serves the web forms, the JSON API and the
// acceptance of proposals alike.
package edit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aiguillage/aiguillage/content"
)

// Store is the content repository as edit uses it (content/gitstore.Store
// implements it). Commit must be a compare-and-swap: a change whose Base
// is not the tip is refused with content.ErrConflict when a file it
// touches changed since Base.
type Store interface {
	Head(ctx context.Context) (content.Revision, error)
	ReadFile(ctx context.Context, rev content.Revision, name string) (content.File, error)
	Commit(ctx context.Context, ch content.Change) (content.Commit, error)
}

// ErrForbidden is returned (wrapped) when the actor may not make a change.
var ErrForbidden = errors.New("forbidden")

// Actor is who makes a change: the signed-in user, or the proposer of an
// accepted proposal. Name and Email become the commit's author.
type Actor struct {
	Name, Email string
	Admin       bool
	Structures  []string // slugs of the structures the actor edits
}

// Config holds an Editor's dependencies.
type Config struct {
	Store Store                 // required
	Refs  *content.Referentials // required: referentials to validate against
	// Now is the clock for date_maj and verifie_le; time.Now when nil.
	Now func() time.Time
	// MaxFile bounds a saved file in bytes; content.MaxFileSize when 0.
	MaxFile int
	// AfterCommit, when set, runs after each commit an operation makes and
	// before the operation returns: the server brings its catalogue and
	// search index to rev there, so that people read their own writes.
	AfterCommit func(ctx context.Context, rev content.Revision)
	// Texts are the commit messages used when a person gives no summary;
	// French for the empty ones.
	Texts Texts
}

// Editor performs the write operations. It is safe for concurrent use.
type Editor struct {
	// mu runs one operation at a time, from reading the tip to the commit:
	// commits are serialized by the store anyway, and without it writers of
	// one page would keep invalidating each other's compare-and-swap. The
	// retries remain for commits made outside this process.
	mu      sync.Mutex
	store   Store
	refs    *content.Referentials
	now     func() time.Time
	paris   *time.Location
	maxFile int
	after   func(ctx context.Context, rev content.Revision)
	texts   Texts
}

// maxAttempts bounds how often an operation starts over when another
// commit lands between its read and its compare-and-swap.
const maxAttempts = 8

// maxSummary bounds a commit message, in bytes.
const maxSummary = 2000

// New checks cfg and returns an Editor.
func New(cfg Config) (*Editor, error) {
	if cfg.Store == nil || cfg.Refs == nil {
		return nil, errors.New("edit: Store and Refs are required")
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return nil, fmt.Errorf("edit: load Europe/Paris time zone: %w", err)
	}
	e := &Editor{store: cfg.Store, refs: cfg.Refs, now: cfg.Now, paris: paris, maxFile: cfg.MaxFile, after: cfg.AfterCommit,
		texts: cfg.Texts.orFrench()}
	if e.now == nil {
		e.now = time.Now
	}
	if e.maxFile <= 0 || e.maxFile > content.MaxFileSize {
		e.maxFile = content.MaxFileSize
	}
	return e, nil
}

// Draft is a page as read for editing.
type Draft struct {
	Path     content.Path
	Revision content.Revision // the tip the file was read at: the base of a later Save
	Raw      []byte           // the whole file
	// FrontMatter holds the front matter's values (dates as "YYYY-MM-DD"
	// strings); nil when it cannot be read.
	FrontMatter map[string]any
	Body        string
	Doc         *content.Document // nil when the file does not validate
	Problems    []content.Problem // what is wrong with the file as it is
}

// Result describes a successful write.
type Result struct {
	Path     content.Path
	Revision content.Revision // the new commit; the tip when Unchanged
	// Merged is true when the page had changed since the base revision and
	// the two changes were merged.
	Merged bool
	// Unchanged is true when the change left the file as it was: no commit
	// was made.
	Unchanged bool
	Raw       []byte            // the file as committed (nil after Delete)
	Warnings  []content.Problem // problems that do not prevent saving
}

// ConflictError is returned when the page changed since the base revision
// and the changes overlap. Nothing is written; Ours keeps the text the
// person submitted.
type ConflictError struct {
	Path      content.Path
	Base      []byte           // the file at the base revision (nil if unknown there)
	Ours      []byte           // the text submitted
	Theirs    []byte           // the file at Head
	Head      content.Revision // the tip: the base for another attempt
	Conflicts []content.MergeConflict
}

func (e *ConflictError) Error() string {
	fields := make([]string, 0, len(e.Conflicts))
	for _, c := range e.Conflicts {
		if c.Field != "" {
			fields = append(fields, c.Field)
		} else {
			fields = append(fields, fmt.Sprintf("body line %d", c.Line))
		}
	}
	return fmt.Sprintf("edit: %s changed since the base revision (now %s), overlapping on %s: %v",
		e.Path, e.Head.Short(), strings.Join(fields, ", "), content.ErrConflict)
}

// Unwrap makes errors.Is(err, content.ErrConflict) hold.
func (e *ConflictError) Unwrap() error { return content.ErrConflict }

// Load reads a page at the branch's tip.
func (e *Editor) Load(ctx context.Context, p content.Path) (Draft, error) {
	if _, err := content.ParsePath(string(p)); err != nil {
		return Draft{}, fmt.Errorf("edit: load: %w", err)
	}
	head, err := e.store.Head(ctx)
	if err != nil {
		return Draft{}, fmt.Errorf("edit: load %s: %w", p, err)
	}
	f, err := e.store.ReadFile(ctx, head, p.File())
	if err != nil {
		return Draft{}, fmt.Errorf("edit: load %s: %w", p, err)
	}
	d := Draft{Path: p, Revision: head, Raw: f.Data}
	d.FrontMatter, d.Body, _ = Split(f.Data)
	d.Doc, d.Problems = content.Parse(p.File(), f.Data, e.refs)
	return d, nil
}

// identClean drops what would corrupt a commit's author line.
var identClean = strings.NewReplacer("<", "", ">", "", "\n", " ", "\r", " ", "\x00", "")

// author turns an actor into a commit author; the e-mail stands in for a
// missing name.
func (a Actor) author() content.Author {
	name := strings.TrimSpace(identClean.Replace(a.Name))
	email := strings.TrimSpace(identClean.Replace(a.Email))
	if name == "" {
		name = email
	}
	return content.Author{Name: name, Email: email}
}

// summary cleans an edit summary into a commit message, with a default.
func summary(s, fallback string) string {
	s = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, "\r", ""), "\x00", ""))
	if s == "" {
		s = fallback
	}
	if len(s) > maxSummary {
		s = strings.ToValidUTF8(s[:maxSummary], "")
	}
	return s
}
