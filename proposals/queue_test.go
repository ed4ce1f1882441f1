package proposals_test

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/content/gitstore"
	"github.com/aiguillage/aiguillage/proposals"
)

const svc = "services/epicerie"

var seed = fstest.MapFS{
	"structures/ccas.md": {Data: []byte("---\nnom: CCAS\n---\nAccueil.\n")},
	"services/epicerie.md": {Data: []byte("---\nnom: Épicerie\nstructure: ccas\n" +
		"pro:\n  notes: secret\n---\nProduits.\n")},
}

var (
	agent  = content.Author{Name: "Agnès Agent", Email: "agnes@example.org"}
	editor = content.Author{Name: "Éric Éditeur", Email: "eric@example.org"}
)

func openStore(t *testing.T, dir, state string) *gitstore.Store {
	t.Helper()
	clock := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	tick := func() time.Time { clock = clock.Add(time.Minute); return clock }
	s, err := gitstore.Open(context.Background(), gitstore.Config{Dir: dir, StateDir: state, Seed: seed, GitPath: "-", Now: tick})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newQueue(t *testing.T, s proposals.Store) *proposals.Queue {
	t.Helper()
	q, err := proposals.New(proposals.Config{Store: s})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestProposeDecideAndRestart(t *testing.T) {
	ctx := context.Background()
	dir, state := filepath.Join(t.TempDir(), "repo"), t.TempDir()
	s := openStore(t, dir, state)
	q := newQueue(t, s)
	base, _ := s.Head(ctx)
	proposed := []byte("---\nnom: Épicerie solidaire\nstructure: ccas\n---\nProduits.\n")
	p, err := q.Propose(ctx, proposals.Draft{
		Kind: proposals.Modification, Path: svc, Base: base, Author: agent, Account: "42",
		Summary: "Nouveau nom", Text: "Le nom a changé.\n\nProposition-Kind: signalement", File: proposed,
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != proposals.Open || p.Kind != proposals.Modification || p.Author != agent || p.Account != "42" ||
		p.Base != base || p.Summary != "Nouveau nom" || p.Text != "Le nom a changé.\n\nProposition-Kind: signalement" {
		t.Errorf("proposal = %+v", p)
	}
	if head, _ := s.Head(ctx); head != base {
		t.Error("proposing moved the branch")
	}
	before, after, err := q.Files(ctx, p)
	if err != nil || !strings.Contains(string(before), "nom: Épicerie\n") || string(after) != string(proposed) {
		t.Errorf("Files = %q, %q, %v", before, after, err)
	}
	r, err := q.Propose(ctx, proposals.Draft{
		Kind: proposals.Report, Path: "structures/ccas", Base: base, Author: content.Author{Name: "Signalement anonyme"},
		Text: "Le téléphone ne répond plus.\nIl a changé.", Contact: "moi@example.org",
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary != "Le téléphone ne répond plus. Il a changé." || r.Contact != "moi@example.org" || r.Author.Email != "" {
		t.Errorf("report = %+v", r)
	}

	// Decisions.
	if _, err := q.Decide(ctx, p.ID, proposals.Decision{Status: proposals.Declined, By: editor}); !errors.Is(err, content.ErrInvalid) {
		t.Errorf("decline without reason: %v", err)
	}
	if _, err := q.Decide(ctx, r.ID, proposals.Decision{Status: proposals.Accepted, By: editor, Result: base}); !errors.Is(err, content.ErrInvalid) {
		t.Errorf("accept a report: %v", err)
	}
	d, err := q.Decide(ctx, p.ID, proposals.Decision{Status: proposals.Declined, By: editor, Reason: "Le nom officiel n'a pas changé."})
	if err != nil || d.Status != proposals.Declined || d.Decision.By != editor || d.Decision.Reason != "Le nom officiel n'a pas changé." {
		t.Fatalf("Decide = %+v, %v", d, err)
	}
	if _, err := q.Decide(ctx, p.ID, proposals.Decision{Status: proposals.Accepted, By: editor, Result: base}); !errors.Is(err, content.ErrConflict) {
		t.Errorf("deciding twice: %v", err)
	}
	if _, err := q.Decide(ctx, r.ID, proposals.Decision{Status: proposals.Closed, By: editor, Reason: "Corrigé."}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	// A new store and queue on the same folders rebuild everything from the refs.
	s2 := openStore(t, dir, t.TempDir())
	defer s2.Close()
	q2 := newQueue(t, s2)
	all, err := q2.List(ctx, proposals.Filter{})
	if err != nil || len(all) != 2 {
		t.Fatalf("List after restart = %+v, %v", all, err)
	}
	if all[0].ID != r.ID || all[0].Status != proposals.Closed || all[0].Decision.Reason != "Corrigé." || all[0].Contact != "moi@example.org" {
		t.Errorf("report after restart = %+v", all[0])
	}
	if all[1].ID != p.ID || all[1].Status != proposals.Declined || all[1].Account != "42" {
		t.Errorf("proposal after restart = %+v", all[1])
	}
	mine, _ := q2.List(ctx, proposals.Filter{Account: "42"})
	open, _ := q2.List(ctx, proposals.Filter{Status: proposals.Open})
	onPage, _ := q2.List(ctx, proposals.Filter{Path: "structures/ccas"})
	if len(mine) != 1 || len(open) != 0 || len(onPage) != 1 || onPage[0].ID != r.ID {
		t.Errorf("filters: mine %d, open %d, on page %d", len(mine), len(open), len(onPage))
	}
	if out, err := exec.Command("git", "-C", dir, "fsck", "--strict").CombinedOutput(); err != nil {
		t.Errorf("git fsck: %v\n%s", err, out)
	}
	// git itself sees the proposal: author and trailers.
	if out, err := exec.Command("git", "-C", dir, "log", "-1", "--format=%an|%(trailers:key=Proposition-Path,valueonly)",
		"refs/propositions/"+p.ID+"~1").CombinedOutput(); err != nil || !strings.HasPrefix(string(out), "Agnès Agent|services/epicerie") {
		t.Errorf("git log: %q %v", out, err)
	}
}

func TestProposeRefused(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, filepath.Join(t.TempDir(), "repo"), t.TempDir())
	defer s.Close()
	q := newQueue(t, s)
	base, _ := s.Head(ctx)
	current := seed["services/epicerie.md"].Data
	for name, tc := range map[string]struct {
		d    proposals.Draft
		want error
	}{
		"unchanged":    {proposals.Draft{Kind: proposals.Modification, Path: svc, Summary: "x", File: current}, proposals.ErrUnchanged},
		"no summary":   {proposals.Draft{Kind: proposals.Modification, Path: svc, File: []byte("x")}, content.ErrInvalid},
		"empty":        {proposals.Draft{Kind: proposals.Report, Path: svc, Text: "  "}, content.ErrInvalid},
		"guide report": {proposals.Draft{Kind: proposals.Report, Path: "pages/aide", Text: "x"}, content.ErrInvalid},
		"bad kind":     {proposals.Draft{Kind: "autre", Path: svc, Text: "x"}, content.ErrInvalid},
		"long text":    {proposals.Draft{Kind: proposals.Report, Path: svc, Text: strings.Repeat("x", proposals.MaxText+1)}, content.ErrTooLarge},
		"path tricks":  {proposals.Draft{Kind: proposals.Report, Path: "services/../x", Text: "x"}, content.ErrInvalidPath},
	} {
		tc.d.Base, tc.d.Author = base, agent
		if _, err := q.Propose(ctx, tc.d); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
	}
	if _, err := q.Get(ctx, "../../heads/main"); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("Get of a forged id: %v", err)
	}
	if all, _ := q.List(ctx, proposals.Filter{}); len(all) != 0 {
		t.Errorf("refused drafts were stored: %+v", all)
	}
}

// TestCacheKeepsOneEntryPerRef checks that decisions (which move a
// proposal's ref) do not leave stale entries in the queue's cache.
func TestCacheKeepsOneEntryPerRef(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, filepath.Join(t.TempDir(), "repo"), t.TempDir())
	defer s.Close()
	q := newQueue(t, s)
	base, _ := s.Head(ctx)
	var ids []string
	for i := range 5 {
		r, err := q.Propose(ctx, proposals.Draft{Kind: proposals.Report, Path: svc, Base: base, Author: agent, Text: strings.Repeat("Horaires faux. ", i+1)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	for round := range 2 {
		if _, err := q.List(ctx, proposals.Filter{}); err != nil {
			t.Fatal(err)
		}
		if n := proposals.CacheLen(q); n != len(ids) {
			t.Errorf("round %d: cache holds %d proposals for %d refs", round, n, len(ids))
		}
		for _, id := range ids {
			if round == 0 {
				if _, err := q.Decide(ctx, id, proposals.Decision{Status: proposals.Closed, By: editor, Reason: "Corrigé."}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// TestDecisionSubjects reads the subject of each decision's commit: the
// configured text, or the French default for a text left empty.
func TestDecisionSubjects(t *testing.T) {
	for _, tt := range []struct {
		name                       string
		texts                      proposals.Texts
		accepted, declined, closed string
	}{
		{"french by default", proposals.Texts{},
			"Proposition acceptée : Nouveau nom", "Proposition refusée : Nouveau nom", "Signalement clos : Nouveau nom"},
		{"configured", proposals.Texts{Accepted: "Proposal accepted: %s", Declined: "Proposal declined: %s", Closed: "Report closed: %s"},
			"Proposal accepted: Nouveau nom", "Proposal declined: Nouveau nom", "Report closed: Nouveau nom"},
		{"partly configured", proposals.Texts{Closed: "Report closed: %s"},
			"Proposition acceptée : Nouveau nom", "Proposition refusée : Nouveau nom", "Report closed: Nouveau nom"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := openStore(t, filepath.Join(t.TempDir(), "repo"), t.TempDir())
			q, err := proposals.New(proposals.Config{Store: s, Texts: tt.texts})
			if err != nil {
				t.Fatal(err)
			}
			base, _ := s.Head(ctx)
			subject := func(kind proposals.Kind, d proposals.Decision) string {
				t.Helper()
				draft := proposals.Draft{Kind: kind, Path: svc, Base: base, Author: agent, Summary: "Nouveau nom", Text: "Le nom a changé."}
				if kind == proposals.Modification {
					draft.File = []byte("---\nnom: Épicerie solidaire\nstructure: ccas\n---\nProduits.\n")
				}
				p, err := q.Propose(ctx, draft)
				if err != nil {
					t.Fatal(err)
				}
				if p, err = q.Decide(ctx, p.ID, d); err != nil {
					t.Fatal(err)
				}
				c, err := s.CommitInfo(ctx, p.Tip)
				if err != nil {
					t.Fatal(err)
				}
				first, _, _ := strings.Cut(c.Message, "\n")
				return first
			}
			for _, c := range []struct{ got, want string }{
				{subject(proposals.Modification, proposals.Decision{Status: proposals.Accepted, By: editor, Result: base}), tt.accepted},
				{subject(proposals.Modification, proposals.Decision{Status: proposals.Declined, By: editor, Reason: "Non."}), tt.declined},
				{subject(proposals.Report, proposals.Decision{Status: proposals.Closed, By: editor, Reason: "Corrigé."}), tt.closed},
			} {
				if c.got != c.want {
					t.Errorf("subject %q, want %q", c.got, c.want)
				}
			}
		})
	}
}
