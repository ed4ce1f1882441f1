package gitstore

import (
	"context"
	"errors"
	"fmt"

	"slices"
	"sync"
	"testing"

	"github.com/aiguillage/aiguillage/content"
)

func TestCommitRef(t *testing.T) {
	requireGit(t)
	s, dir := seeded(t)
	ctx := context.Background()
	base := head(t, s)
	const ref = "refs/propositions/abc123"
	c, err := s.CommitRef(ctx, ref, "", content.Change{
		Base: base, Author: alice, Message: "Proposition : horaires",
		Writes: map[string][]byte{"services/epicerie-sociale-cluny.md": []byte("---\nnom: Épicerie\n---\nProposé.\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Parent != base || c.Author != alice || !slices.Equal(c.Files, []string{"services/epicerie-sociale-cluny.md"}) {
		t.Errorf("CommitRef = %+v", c)
	}
	if head(t, s) != base {
		t.Fatalf("the branch moved to %s", head(t, s))
	}
	if got := git(t, dir, "show", ref+":services/epicerie-sociale-cluny.md"); got != "---\nnom: Épicerie\n---\nProposé." {
		t.Errorf("git show: %q", got)
	}
	// Creating it again is refused: the ref exists.
	if _, err := s.CommitRef(ctx, ref, "", content.Change{Base: base, Author: alice, Message: "x"}); !errors.Is(err, content.ErrConflict) {
		t.Errorf("second create: %v, want ErrConflict", err)
	}
	// A commit that changes no file records a message on top.
	d, err := s.CommitRef(ctx, ref, c.Revision, content.Change{Base: c.Revision, Author: alice, Message: "Décision"})
	if err != nil || d.Parent != c.Revision || len(d.Files) != 0 {
		t.Fatalf("message-only commit = %+v, %v", d, err)
	}
	// From a stale old value: refused.
	if _, err := s.CommitRef(ctx, ref, c.Revision, content.Change{Base: d.Revision, Author: alice, Message: "y"}); !errors.Is(err, content.ErrConflict) {
		t.Errorf("stale old: %v, want ErrConflict", err)
	}
	git(t, dir, "fsck", "--strict", "--no-dangling")
	if got := git(t, dir, "rev-parse", ref); got != string(d.Revision) {
		t.Errorf("rev-parse = %s, want %s", got, d.Revision)
	}

	// Refs lists loose refs, then packed ones after git pack-refs.
	if _, err := s.CommitRef(ctx, "refs/propositions/def456", "", content.Change{Base: base, Author: alice, Message: "z"}); err != nil {
		t.Fatal(err)
	}
	refs, err := s.Refs(ctx, "refs/propositions/")
	if err != nil || len(refs) != 2 || refs[ref] != d.Revision {
		t.Fatalf("Refs = %v, %v", refs, err)
	}
	git(t, dir, "pack-refs", "--all")
	packed, err := s.Refs(ctx, "refs/propositions/")
	if err != nil || fmt.Sprint(packed) != fmt.Sprint(refs) {
		t.Errorf("Refs after pack-refs = %v, %v; want %v", packed, err, refs)
	}
	// A packed ref moves on with a loose one.
	e, err := s.CommitRef(ctx, ref, d.Revision, content.Change{Base: d.Revision, Author: alice, Message: "w"})
	if err != nil {
		t.Fatal(err)
	}
	if refs, _ := s.Refs(ctx, "refs/propositions/"); refs[ref] != e.Revision {
		t.Errorf("Refs after update = %v", refs)
	}
	if got, err := s.Ref(ctx, ref); err != nil || got != e.Revision {
		t.Errorf("Ref(%s) = %s, %v", ref, got, err)
	}
	if _, err := s.Ref(ctx, "refs/propositions/absente"); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("Ref of a missing ref: %v", err)
	}
	if got, _ := s.Refs(ctx, "refs/autres/"); len(got) != 0 {
		t.Errorf("Refs of another prefix = %v", got)
	}
}

func TestCommitRefRefused(t *testing.T) {
	s, _ := seeded(t)
	ctx := context.Background()
	base := head(t, s)
	for _, ref := range []string{"refs/heads/main", "refs/tags/v1", "HEAD", "refs/propositions/../heads/main", "refs/propositions/a.lock", "refs/propositions/a b"} {
		if _, err := s.CommitRef(ctx, ref, "", content.Change{Base: base, Author: alice, Message: "x"}); !errors.Is(err, content.ErrInvalidPath) {
			t.Errorf("CommitRef(%q) = %v, want ErrInvalidPath", ref, err)
		}
	}
	if _, err := s.CommitRef(ctx, "refs/propositions/x", "", content.Change{Author: alice, Message: "x"}); !errors.Is(err, content.ErrInvalid) {
		t.Errorf("no parent: %v", err)
	}
	if _, err := s.CommitRef(ctx, "refs/propositions/x", "", content.Change{Base: content.Revision(string(base[:39]) + "0"), Author: alice, Message: "x"}); err == nil {
		t.Error("unknown parent accepted")
	}
	if _, err := s.Refs(ctx, "propositions/"); !errors.Is(err, content.ErrInvalidPath) {
		t.Errorf("Refs without refs/: %v", err)
	}
}

// Concurrent updates of one ref from the same old value: exactly one wins.
func TestCommitRefConcurrent(t *testing.T) {
	s, _ := seeded(t)
	ctx := context.Background()
	base := head(t, s)
	c, err := s.CommitRef(ctx, "refs/propositions/p", "", content.Change{Base: base, Author: alice, Message: "p"})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.CommitRef(ctx, "refs/propositions/p", c.Revision, content.Change{Base: c.Revision, Author: alice, Message: "décision"})
			if err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			} else if !errors.Is(err, content.ErrConflict) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d concurrent updates won, want 1", wins)
	}
}
