package datainclusion

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aiguillage/aiguillage/content"
)

// ImportConfig holds what an import needs besides its input.
type ImportConfig struct {
	Refs *content.Referentials // required
	// Source is this directory's producer identifier: ids "Source--slug"
	// name the page slug; other ids become slugs whole ("dora--42" →
	// dora-42). DefaultSource when empty.
	Source string
	Now    func() time.Time // date_maj of changes that bring none; time.Now when nil
}

// Importer plans imports against a catalogue. It is safe for concurrent
// use.
type Importer struct {
	cfg      ImportConfig
	renderer *content.Renderer
}

// NewImporter returns an importer for cfg.
func NewImporter(cfg ImportConfig) (*Importer, error) {
	if cfg.Refs == nil {
		return nil, errors.New("datainclusion: ImportConfig.Refs is required")
	}
	if cfg.Source == "" {
		cfg.Source = DefaultSource
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Importer{cfg: cfg, renderer: content.NewRenderer()}, nil
}

// Action is what an import does to one page.
type Action string

// The actions of a plan.
const (
	Create    Action = "create"
	Change    Action = "change"
	Unchanged Action = "unchanged"
)

// Item is one valid row of an import and what it does.
type Item struct {
	Source string // file (and sheet) it comes from
	Line   int
	Nom    string
	Path   content.Path
	Action Action
	Fields []string // front matter keys changed ("description" for the body)
}

// Invalid is a row left out of an import, with every reason.
type Invalid struct {
	Source  string
	Line    int
	Nom     string
	Reasons []string
}

// String says which row was refused and why, in French.
func (iv Invalid) String() string {
	return fmt.Sprintf("%s, ligne %d (%s) : %s", iv.Source, iv.Line, iv.Nom, strings.Join(iv.Reasons, " ; "))
}

// Plan is what an import would do, computed on one revision.
type Plan struct {
	Base    content.Revision
	Items   []Item
	Invalid []Invalid
	Notes   []string          // columns ignored and other remarks
	Writes  map[string][]byte // file name → new content
}

// Count returns how many items have action a.
func (p *Plan) Count(a Action) int {
	n := 0
	for _, it := range p.Items {
		if it.Action == a {
			n++
		}
	}
	return n
}

// Digest identifies exactly what the plan writes on which revision, so that
// a confirmation can check it applies the plan that was shown.
func (p *Plan) Digest() string {
	h := sha256.New()
	h.Write([]byte(p.Base))
	names := make([]string, 0, len(p.Writes))
	for n := range p.Writes {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(h, "\x00%s\x00%x", n, sha256.Sum256(p.Writes[n]))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Files reads the page files an import edits, at a revision: the content
// store's ReadFile.
type Files interface {
	ReadFile(ctx context.Context, rev content.Revision, name string) (content.File, error)
}

// Committer makes one commit of a change: the content store's Commit
// (compare-and-swap on Change.Base).
type Committer interface {
	Commit(ctx context.Context, ch content.Change) (content.Commit, error)
}

// ErrStale is returned by Apply when the directory changed since the plan
// was made: plan again.
var ErrStale = errors.New("datainclusion: the directory changed since the import was planned")

// Apply writes a plan as one commit credited to author. A plan with
// nothing to write makes no commit (and returns a zero Commit).
func Apply(ctx context.Context, c Committer, p *Plan, author content.Author, message string) (content.Commit, error) {
	if len(p.Writes) == 0 {
		return content.Commit{}, nil
	}
	cm, err := c.Commit(ctx, content.Change{Base: p.Base, Author: author, Message: message, Writes: p.Writes})
	if errors.Is(err, content.ErrConflict) {
		return content.Commit{}, fmt.Errorf("%w: %w", ErrStale, err)
	}
	if err != nil {
		return content.Commit{}, fmt.Errorf("datainclusion: import commit: %w", err)
	}
	return cm, nil
}

// Message is the default commit message of an import.
func (p *Plan) Message(files []string) string {
	return fmt.Sprintf("Import de %s : %d créé(s), %d modifié(s)", strings.Join(files, ", "), p.Count(Create), p.Count(Change))
}
