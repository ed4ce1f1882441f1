// Package proposals keeps the proposed changes and error reports of
// aiguillage in the content repository itself, not in a side database.
//
// Each proposal is a commit on its own ref, refs/propositions/<id>: its
// parent is the branch commit the proposer saw, its tree is that commit's
// tree with the proposed file (the same tree for an error report), its
// author is the proposer, and its message ends with trailers
// (Proposition-Id, Proposition-Path, Proposition-Kind, ...). A decision
// (accepted, declined with a reason, report closed with a note) is a further
// commit on that ref, with the same tree and its own trailers, authored by
// whoever decided. The queue is therefore rebuilt from the refs at start,
// and survives any restart.
//
// The refs hold reporters' contact details, which are not public: a content
// repository served to the public must hide refs/propositions/* (git clone
// fetches only branches and tags by default, but `git clone --mirror` or a
// fetch of refs/* would get them; set `uploadpack.hideRefs =
// refs/propositions` where the repository is served).
package proposals

import (
	"context"
	"time"

	"github.com/aiguillage/aiguillage/content"
)

// RefPrefix is where proposals live in the repository.
const RefPrefix = "refs/propositions/"

// Limits of what a proposal carries, in bytes.
const (
	MaxSummary = 200
	MaxText    = 4000
	MaxContact = 200
)

// Store is the content repository as proposals use it (gitstore.Store).
type Store interface {
	ReadFile(ctx context.Context, rev content.Revision, name string) (content.File, error)
	CommitInfo(ctx context.Context, rev content.Revision) (content.Commit, error)
	Refs(ctx context.Context, prefix string) (map[string]content.Revision, error)
	Ref(ctx context.Context, ref string) (content.Revision, error)
	CommitRef(ctx context.Context, ref string, old content.Revision, ch content.Change) (content.Commit, error)
}

// Kind is what a proposal is.
type Kind string

// The kinds of proposals.
const (
	// Modification proposes a new version of a page's file.
	Modification Kind = "modification"
	// Report (signalement) says what is wrong, in words; no file changes.
	Report Kind = "signalement"
)

// Status is where a proposal stands.
type Status string

// The statuses of a proposal.
const (
	Open     Status = "ouverte"
	Accepted Status = "acceptee" // a modification applied to the branch
	Declined Status = "refusee"  // a modification turned down, with a reason
	Closed   Status = "close"    // a report dealt with, with a note
)

// Proposal is one proposal or report, as read back from its ref.
type Proposal struct {
	ID      string
	Kind    Kind
	Path    content.Path
	Base    content.Revision // the branch commit it was based on
	Commit  content.Revision // the proposal's own commit (its tree holds the proposed file)
	Tip     content.Revision // the ref's tip: Commit, or the decision's commit
	Author  content.Author   // the proposer; "" e-mail for an anonymous report
	Account string           // the proposer's account id, when signed in
	When    time.Time
	Summary string
	Text    string // the report, or the proposer's explanation
	Contact string // how to reach an anonymous reporter: never public
	Status  Status
	// Decision is set once the proposal is decided.
	Decision *Decision
}

// Decision is what became of a proposal.
type Decision struct {
	Status Status
	By     content.Author
	When   time.Time
	Reason string           // why it was declined, or the closing note
	Result content.Revision // the branch commit that applied an accepted proposal
}

// Draft is a new proposal, before it is stored.
type Draft struct {
	Kind    Kind
	Path    content.Path
	Base    content.Revision // the branch commit the proposer saw
	Author  content.Author
	Account string
	Summary string
	Text    string
	Contact string
	File    []byte // the proposed file (Modification only)
}

// Filter selects proposals; zero fields match everything.
type Filter struct {
	Status  Status
	Kind    Kind
	Path    content.Path
	Account string
	Match   func(*Proposal) bool // further condition, e.g. "pages this user edits"
}

func (f Filter) match(p *Proposal) bool {
	return (f.Status == "" || p.Status == f.Status) &&
		(f.Kind == "" || p.Kind == f.Kind) &&
		(f.Path == "" || p.Path == f.Path) &&
		(f.Account == "" || p.Account == f.Account) &&
		(f.Match == nil || f.Match(p))
}
