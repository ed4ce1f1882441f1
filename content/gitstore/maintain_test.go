package gitstore

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aiguillage/aiguillage/content"
)

// TestMaintenancePacksWhileServing has git gc pack the repository (every
// time, not only past gc.auto) every few commits while commits and reads go
// on: nothing fails, every file reads back at every revision, and the
// repository ends packed and consistent.
func TestMaintenancePacksWhileServing(t *testing.T) {
	requireGit(t)
	s, dir := seeded(t)
	waitMaintenance(s.maint) // the run Open started
	s.maint.mu.Lock()
	s.maint.every, s.maint.args = 10, []string{"gc", "--quiet"}
	s.maint.mu.Unlock()
	ctx := context.Background()
	const ref = "refs/propositions/0123456789abcdef"
	proposal, err := s.CommitRef(ctx, ref, "", content.Change{Base: head(t, s), Author: alice, Message: "Proposition",
		Writes: map[string][]byte{"services/propose.md": []byte("---\nnom: Proposé\n---\n")}})
	if err != nil {
		t.Fatal(err)
	}
	var revs []content.Revision
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() { // a reader that keeps reading the tip meanwhile
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			head, err := s.Head(ctx)
			if err == nil {
				_, err = s.Files(ctx, head)
			}
			if err != nil {
				t.Errorf("read during maintenance: %v", err)
				return
			}
		}
	}()
	for i := range 60 {
		c, err := s.Commit(ctx, content.Change{Base: head(t, s), Author: alice, Message: fmt.Sprint("Modification ", i),
			Writes: map[string][]byte{fmt.Sprintf("services/service-%d.md", i%7): []byte(fmt.Sprintf("---\nnom: Service %d\n---\nVersion %d.\n", i%7, i))}})
		if err != nil {
			t.Fatalf("commit %d: %v", i, err)
		}
		revs = append(revs, c.Revision)
	}
	close(stop)
	wg.Wait()
	waitMaintenance(s.maint)
	s.maint.start() // a last run after the last commit
	waitMaintenance(s.maint)
	for i, rev := range revs {
		f, err := s.ReadFile(ctx, rev, fmt.Sprintf("services/service-%d.md", i%7))
		if err != nil || !strings.Contains(string(f.Data), fmt.Sprintf("Version %d.", i)) {
			t.Fatalf("revision %d after packing: %q, %v", i, f.Data, err)
		}
	}
	if h, err := s.History(ctx, "services/service-3.md", 100); err != nil || len(h) != 9 {
		t.Errorf("History after packing: %d commits, %v", len(h), err)
	}
	if _, err := s.Commit(ctx, content.Change{Base: head(t, s), Author: alice, Message: "Après",
		Writes: map[string][]byte{"services/apres.md": []byte("---\nnom: Après\n---\n")}}); err != nil {
		t.Fatalf("commit after packing: %v", err)
	}
	// git gc packed the refs too: side refs still list and move.
	if refs, err := s.Refs(ctx, "refs/propositions/"); err != nil || refs[ref] != proposal.Revision {
		t.Errorf("Refs after packing = %v, %v", refs, err)
	}
	if _, err := s.CommitRef(ctx, ref, proposal.Revision, content.Change{Base: proposal.Revision, Author: alice, Message: "Décision"}); err != nil {
		t.Errorf("CommitRef on a packed ref: %v", err)
	}
	if loose := git(t, dir, "count-objects", "-v"); !strings.Contains(loose, "packs: 1\n") {
		t.Errorf("not packed into one pack:\n%s", loose)
	}
	git(t, dir, "fsck", "--strict", "--no-dangling")
}

// waitMaintenance waits until no maintenance runs.
func waitMaintenance(m *maintenance) {
	for {
		m.wg.Wait()
		m.mu.Lock()
		running := m.running
		m.mu.Unlock()
		if !running {
			return
		}
	}
}
