package gitstore

import (
	"context"
	"log/slog"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// maintainEvery is how many commits pass between two checks that the
// repository needs packing. Each save writes its new trees and blob as
// loose objects (the tree of a 10,000-file folder is 300 KB compressed);
// `git gc --auto` packs them once there are enough (gc.auto, 6,700 by
// default) and does nothing, in milliseconds, otherwise.
const maintainEvery = 100

// maintenance runs `git gc --auto` in the background, one at a time, with
// the git CLI (without it the repository is left to the operator's own
// git gc, as README says).
type maintenance struct {
	gitPath, gitDir string
	log             *slog.Logger
	every           int
	args            []string // the git command run

	mu      sync.Mutex
	commits int
	running bool
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

func newMaintenance(gitPath, gitDir string, log *slog.Logger) *maintenance {
	m := &maintenance{gitPath: gitPath, gitDir: gitDir, log: log, every: maintainEvery,
		args: []string{"-c", "gc.autoDetach=false", "gc", "--auto", "--quiet"}}
	m.ctx, m.cancel = context.WithCancel(context.Background())
	return m
}

// committed counts a commit and starts a check every m.every commits.
func (m *maintenance) committed() {
	m.mu.Lock()
	m.commits++
	due := m.commits%m.every == 0
	m.mu.Unlock()
	if due {
		m.start()
	}
}

// start runs one `git gc --auto` unless one runs or the store is closing.
func (m *maintenance) start() {
	if m.gitPath == "" {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.running || m.ctx.Err() != nil {
		return
	}
	m.running = true
	m.wg.Add(1)
	args := m.args
	go func() {
		defer m.wg.Done()
		m.run(args)
		m.mu.Lock()
		m.running = false
		m.mu.Unlock()
	}()
}

// run packs the repository if git thinks it needs it. Objects the server
// is writing are safe: git prunes only unreachable objects older than two
// weeks, and reading handles reopen when the packs change (handle.object).
// Detaching is off so that Close can wait for (or stop) it.
func (m *maintenance) run(args []string) {
	start := time.Now()
	cmd := exec.CommandContext(m.ctx, m.gitPath, append([]string{"--git-dir", m.gitDir}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil && m.ctx.Err() == nil {
		m.log.Warn("gitstore: repository maintenance failed", "command", args, "err", err, "output", strings.TrimSpace(string(out)))
		return
	}
	if d := time.Since(start); d > time.Second {
		m.log.Info("gitstore: repository packed", "duration_ms", d.Milliseconds())
	}
}

// close stops a running check (git leaves a consistent repository when
// killed) and waits for it.
func (m *maintenance) close() {
	m.cancel()
	m.wg.Wait()
}
