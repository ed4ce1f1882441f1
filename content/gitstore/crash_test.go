package gitstore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/content"
)

// TestCrashDuringCommits kills (SIGKILL) a process committing in a loop at
// random moments: the repository must stay consistent (fsck), the branch on
// a complete commit, and the history index right after reopening.
func TestCrashDuringCommits(t *testing.T) {
	if dir := os.Getenv("GITSTORE_CRASH_DIR"); dir != "" {
		crashChild(dir, os.Getenv("GITSTORE_CRASH_STATE"))
		return
	}
	if testing.Short() {
		t.Skip("short")
	}
	s, dir := seeded(t)
	s.Close()
	state := t.TempDir()
	lock := filepath.Join(dir, "refs", "heads", "main.lock")
	locks := 0
	for i := range 8 {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestCrashDuringCommits$")
		cmd.Env = append(os.Environ(), "GITSTORE_CRASH_DIR="+dir, "GITSTORE_CRASH_STATE="+state)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(150+rand.IntN(400)) * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()
		if _, err := os.Stat(lock); err == nil {
			// Killed between lock and rename: age the lock so that the
			// next process takes it over as stale.
			locks++
			old := time.Now().Add(-time.Minute)
			os.Chtimes(lock, old, old)
		}
		git(t, dir, "fsck", "--strict", "--no-dangling")
		_ = i
	}
	n := git(t, dir, "rev-list", "--count", "main")
	t.Logf("%s commits survived 8 kills; %d stale locks taken over", n, locks)
	if n == "1" {
		t.Fatal("the child made no commit: nothing was tested")
	}
	if _, err := os.Stat(lock); err == nil {
		old := time.Now().Add(-time.Minute)
		os.Chtimes(lock, old, old)
	}
	s2 := open(t, Config{Dir: dir, StateDir: state})
	waitReady(t, s2)
	ctx := context.Background()
	if _, err := s2.Files(ctx, head(t, s2)); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"pages/crash-0.md", "pages/crash-1.md", "pages/crash-2.md", "structures/ccas-cluny.md"} {
		h, err := s2.History(ctx, f, 0)
		if err != nil || !slices.Equal(revisions(h), gitHistory(t, dir, f)) {
			t.Errorf("History(%s) after crashes = %d commits, %v; git says %d", f, len(h), err, len(gitHistory(t, dir, f)))
		}
	}
	lg, _ := s2.Log(ctx, 0)
	if fmt.Sprint(len(lg)) != n {
		t.Errorf("Log: %d commits, git %s", len(lg), n)
	}
	if _, err := s2.Commit(ctx, content.Change{Base: head(t, s2), Author: alice, Message: "after",
		Writes: map[string][]byte{"pages/after.md": []byte("after\n")}}); err != nil {
		t.Errorf("commit after the crashes: %v", err)
	}
	git(t, dir, "fsck", "--strict", "--no-dangling")
}

func crashChild(dir, state string) {
	ctx := context.Background()
	s, err := Open(ctx, Config{Dir: dir, StateDir: state})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for i := 0; ; i++ {
		base, err := s.Head(ctx)
		if err != nil {
			os.Exit(1)
		}
		name := fmt.Sprintf("pages/crash-%d.md", i%3)
		writes := map[string][]byte{name: []byte(strings.Repeat("x", i%100) + "\n")}
		if i%5 == 4 { // a commit big enough to be written as a pack
			for k := range packMin {
				writes[fmt.Sprintf("pages/bulk-%d.md", k)] = fmt.Appendf(nil, "%d %d\n", i, k)
			}
		}
		_, err = s.Commit(ctx, content.Change{Base: base, Author: alice, Message: "crash test", Writes: writes})
		if err != nil && err != ErrNoChange {
			os.Exit(1)
		}
	}
}
