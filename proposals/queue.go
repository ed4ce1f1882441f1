package proposals

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/aiguillage/aiguillage/content"
)

// maxChain bounds how many commits a proposal's ref may hold: the proposal
// and its decision, with room for a repaired history.
const maxChain = 8

// ErrUnchanged is returned by Propose for a modification that leaves the
// page as it was.
var ErrUnchanged = errors.New("proposals: the proposed file is the current one")

// Config holds a Queue's dependencies.
type Config struct {
	Store Store
	// Texts are the subjects of the decision commits; French for the
	// empty ones.
	Texts Texts
}

// Texts are the subjects of the commits that record decisions: fmt
// formats of the proposal's summary. They end up in the proposals'
// history, so they follow the language of the server that decides.
type Texts struct {
	Accepted string // a modification accepted
	Declined string // a modification declined
	Closed   string // a report closed
}

// orFrench fills the empty texts of t with the French defaults.
func (t Texts) orFrench() Texts {
	t.Accepted = cmp.Or(t.Accepted, "Proposition acceptée : %s")
	t.Declined = cmp.Or(t.Declined, "Proposition refusée : %s")
	t.Closed = cmp.Or(t.Closed, "Signalement clos : %s")
	return t
}

// Queue is the set of proposals of a repository. It keeps no state of its
// own but a cache of proposals read back, keyed by their ref's tip (a
// commit never changes), so it always agrees with the refs, including refs
// written by another process. Its methods are safe for concurrent use.
type Queue struct {
	store Store
	texts Texts
	mu    sync.Mutex
	cache map[content.Revision]*Proposal
}

// New returns the queue of cfg.Store.
func New(cfg Config) (*Queue, error) {
	if cfg.Store == nil {
		return nil, errors.New("proposals: Config.Store is required")
	}
	return &Queue{store: cfg.Store, texts: cfg.Texts.orFrench(), cache: map[content.Revision]*Proposal{}}, nil
}

// Propose stores d as a new open proposal and returns it.
func (q *Queue) Propose(ctx context.Context, d Draft) (Proposal, error) {
	if err := d.check(); err != nil {
		return Proposal{}, err
	}
	if d.Kind == Modification {
		old, err := q.store.ReadFile(ctx, d.Base, d.Path.File())
		if err != nil && !errors.Is(err, content.ErrNotFound) {
			return Proposal{}, fmt.Errorf("proposals: propose %s: %w", d.Path, err)
		}
		if err == nil && bytes.Equal(old.Data, d.File) {
			return Proposal{}, fmt.Errorf("proposals: propose %s: %w", d.Path, ErrUnchanged)
		}
	}
	id, err := newID()
	if err != nil {
		return Proposal{}, err
	}
	ch := content.Change{Base: d.Base, Author: d.Author}
	if d.Kind == Modification {
		ch.Writes = map[string][]byte{d.Path.File(): d.File}
	}
	summary := d.Summary
	if strings.TrimSpace(summary) == "" {
		summary = truncate(oneLine(d.Text), 72)
	}
	ch.Message = message(summary, d.Text, []trailer{
		{keyID, id}, {keyPath, string(d.Path)}, {keyKind, string(d.Kind)},
		{keyAccount, d.Account}, {keyContact, d.Contact},
	})
	if _, err := q.store.CommitRef(ctx, RefPrefix+id, "", ch); err != nil {
		return Proposal{}, fmt.Errorf("proposals: propose %s: %w", d.Path, err)
	}
	return q.Get(ctx, id)
}

func (d Draft) check() error {
	bad := func(what string) error { return fmt.Errorf("proposals: %s: %w", what, content.ErrInvalid) }
	switch {
	case d.Kind != Modification && d.Kind != Report:
		return bad("unknown kind " + string(d.Kind))
	case d.Kind == Report && d.Path.Kind() != content.KindService && d.Path.Kind() != content.KindStructure:
		return bad("a report is on a service or a structure, not " + string(d.Path))
	case len(d.Summary) > MaxSummary, len(d.Text) > MaxText, len(d.Contact) > MaxContact:
		return fmt.Errorf("proposals: text too long: %w", content.ErrTooLarge)
	case !utf8.ValidString(d.Summary + d.Text + d.Contact):
		return bad("text is not UTF-8")
	case d.Kind == Report && strings.TrimSpace(d.Text) == "":
		return bad("a report needs a text")
	case d.Kind == Modification && d.File == nil:
		return bad("a modification needs the proposed file")
	case d.Kind == Modification && strings.TrimSpace(d.Summary) == "":
		return bad("a modification needs a summary")
	}
	if _, err := content.ParsePath(string(d.Path)); err != nil {
		return fmt.Errorf("proposals: %w", err)
	}
	return nil
}

// Decide records d on proposal id, which must be open: Accepted (with the
// branch commit that applied it) or Declined for a modification, Closed for
// a report. Declining and closing need a reason.
func (q *Queue) Decide(ctx context.Context, id string, d Decision) (Proposal, error) {
	p, err := q.Get(ctx, id)
	if err != nil {
		return Proposal{}, err
	}
	if p.Status != Open {
		return Proposal{}, fmt.Errorf("proposals: decide %s: already %s: %w", id, p.Status, content.ErrConflict)
	}
	if err := d.check(p.Kind); err != nil {
		return Proposal{}, fmt.Errorf("proposals: decide %s: %w", id, err)
	}
	subject := map[Status]string{Accepted: q.texts.Accepted, Declined: q.texts.Declined, Closed: q.texts.Closed}[d.Status]
	msg := message(fmt.Sprintf(subject, p.Summary), d.Reason, []trailer{
		{keyID, id}, {keyDecision, string(d.Status)}, {keyResult, string(d.Result)},
	})
	ch := content.Change{Base: p.Tip, Author: d.By, Message: msg}
	if _, err := q.store.CommitRef(ctx, RefPrefix+id, p.Tip, ch); err != nil {
		return Proposal{}, fmt.Errorf("proposals: decide %s: %w", id, err)
	}
	return q.Get(ctx, id)
}

func (d Decision) check(k Kind) error {
	switch {
	case k == Modification && d.Status != Accepted && d.Status != Declined,
		k == Report && d.Status != Closed:
		return fmt.Errorf("a %s cannot be %s: %w", k, d.Status, content.ErrInvalid)
	case d.Status == Accepted && d.Result == "":
		return fmt.Errorf("accepted without the resulting commit: %w", content.ErrInvalid)
	case d.Status != Accepted && strings.TrimSpace(d.Reason) == "":
		return fmt.Errorf("a reason is required: %w", content.ErrInvalid)
	case len(d.Reason) > MaxText:
		return fmt.Errorf("reason: %w", content.ErrTooLarge)
	}
	return nil
}

// Get returns proposal id; content.ErrNotFound when there is none.
func (q *Queue) Get(ctx context.Context, id string) (Proposal, error) {
	if !validID(id) {
		return Proposal{}, fmt.Errorf("proposals: %q: %w", id, content.ErrNotFound)
	}
	tip, err := q.store.Ref(ctx, RefPrefix+id)
	if err != nil {
		return Proposal{}, fmt.Errorf("proposals: get %s: %w", id, err)
	}
	p, err := q.read(ctx, id, tip)
	if err != nil {
		return Proposal{}, err
	}
	return *p, nil
}

// List returns the proposals f selects, newest first.
func (q *Queue) List(ctx context.Context, f Filter) ([]Proposal, error) {
	refs, err := q.store.Refs(ctx, RefPrefix)
	if err != nil {
		return nil, fmt.Errorf("proposals: list: %w", err)
	}
	var out []Proposal
	for ref, tip := range refs {
		id := strings.TrimPrefix(ref, RefPrefix)
		if !validID(id) {
			continue
		}
		p, err := q.read(ctx, id, tip)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			// A damaged ref must not hide the whole queue.
			continue
		}
		if f.match(p) {
			out = append(out, *p)
		}
	}
	slices.SortFunc(out, func(a, b Proposal) int {
		return cmp.Or(b.When.Compare(a.When), cmp.Compare(a.ID, b.ID))
	})
	q.forgetOld(refs)
	return out, nil
}

// forgetOld drops from the cache the proposals read at a tip their ref has
// left (a decision moves it), so the cache holds at most one entry per ref.
func (q *Queue) forgetOld(refs map[string]content.Revision) {
	current := make(map[content.Revision]bool, len(refs))
	for _, tip := range refs {
		current[tip] = true
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	for tip := range q.cache {
		if !current[tip] {
			delete(q.cache, tip)
		}
	}
}

// Files returns the page's file at the proposal's base and as proposed;
// before is nil when the page did not exist at the base.
func (q *Queue) Files(ctx context.Context, p Proposal) (before, after []byte, err error) {
	name := p.Path.File()
	if f, err := q.store.ReadFile(ctx, p.Base, name); err == nil {
		before = f.Data
	} else if !errors.Is(err, content.ErrNotFound) {
		return nil, nil, fmt.Errorf("proposals: read %s at base: %w", name, err)
	}
	f, err := q.store.ReadFile(ctx, p.Commit, name)
	if err != nil {
		return nil, nil, fmt.Errorf("proposals: read proposed %s: %w", name, err)
	}
	return before, f.Data, nil
}

// read returns the proposal whose ref is at tip, from the cache or by
// walking its commits back to the proposal's own.
func (q *Queue) read(ctx context.Context, id string, tip content.Revision) (*Proposal, error) {
	q.mu.Lock()
	p, ok := q.cache[tip]
	q.mu.Unlock()
	if ok {
		return p, nil
	}
	p, err := q.walk(ctx, id, tip)
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	q.cache[tip] = p
	q.mu.Unlock()
	return p, nil
}

func (q *Queue) walk(ctx context.Context, id string, tip content.Revision) (*Proposal, error) {
	var decision *Decision
	rev := tip
	for range maxChain {
		c, err := q.store.CommitInfo(ctx, rev)
		if err != nil {
			return nil, fmt.Errorf("proposals: read %s: %w", id, err)
		}
		m := parseMessage(c.Message)
		if m.trailers[keyID] != id {
			return nil, fmt.Errorf("proposals: %s: commit %s is not one of its own: %w", id, rev.Short(), content.ErrInvalid)
		}
		if st := Status(m.trailers[keyDecision]); st != "" && decision == nil {
			decision = &Decision{Status: st, By: c.Author, When: c.When, Reason: m.body, Result: content.Revision(m.trailers[keyResult])}
		}
		if k := Kind(m.trailers[keyKind]); k != "" {
			return proposalOf(id, tip, c, m, decision)
		}
		rev = c.Parent
	}
	return nil, fmt.Errorf("proposals: %s: no proposal commit within %d commits: %w", id, maxChain, content.ErrInvalid)
}

func proposalOf(id string, tip content.Revision, c content.Commit, m parsed, d *Decision) (*Proposal, error) {
	path, err := content.ParsePath(m.trailers[keyPath])
	if err != nil {
		return nil, fmt.Errorf("proposals: %s: %w", id, err)
	}
	p := &Proposal{
		ID: id, Kind: Kind(m.trailers[keyKind]), Path: path,
		Base: c.Parent, Commit: c.Revision, Tip: tip,
		Author: c.Author, Account: m.trailers[keyAccount], When: c.When,
		Summary: m.subject, Text: m.body, Contact: m.trailers[keyContact],
		Status: Open, Decision: d,
	}
	if d != nil {
		p.Status = d.Status
	}
	return p, nil
}

// newID is 16 random hex digits: unguessable, so that a proposal's URL
// says nothing about the others.
func newID() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("proposals: new id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// ValidID reports whether id has the form of a proposal id.
func validID(id string) bool {
	if len(id) != 16 {
		return false
	}
	for i := range len(id) {
		if c := id[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
