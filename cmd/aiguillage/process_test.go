package main

import (
	"bufio"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests run the program as a process (the test binary as main, see
// TestMain): what main adds to run — signals and exit statuses — and use
// as a git hook.

// TestSignals starts the server, then stops it with SIGINT or SIGTERM: it
// must finish the requests under way and exit with status 0.
func TestSignals(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := mainCommand(t, "--addr", "127.0.0.1:0", "--data", t.TempDir())
			stderr := &syncBuffer{}
			cmd.Stderr = stderr
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			t.Cleanup(func() {
				if cmd.ProcessState == nil {
					_ = cmd.Process.Kill()
				}
			})
			lines := bufio.NewScanner(stdout)
			var url string
			for lines.Scan() {
				if u, ok := strings.CutPrefix(lines.Text(), "aiguillage: "); ok {
					url = u
					break
				}
			}
			if url == "" {
				t.Fatalf("no URL printed\n%s", stderr)
			}
			resp, err := http.Get(url + "/services/accompagnement-social-mds-cluny")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET a service: %s", resp.Status)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			go func() { exited <- cmd.Wait() }()
			select {
			case err := <-exited:
				if err != nil {
					t.Fatalf("exit after %s: %v\n%s", sig, err, stderr)
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("still running 20 s after %s\n%s", sig, stderr)
			}
			if !strings.Contains(stderr.String(), "shutting down") {
				t.Errorf("no graceful shutdown logged:\n%s", stderr)
			}
		})
	}
}

// TestExitStatus checks the statuses main exits with.
func TestExitStatus(t *testing.T) {
	tree := brokenTree(t)
	good := t.TempDir()
	copyDemo(t, good)
	tests := []struct {
		args []string
		want int
		out  string // in stdout or stderr
	}{
		{[]string{"check", good}, 0, "0 erreur(s)"},
		{[]string{"check", tree}, 1, "services/sans-nom.md"},
		{[]string{"--frobnicate"}, 2, "not defined: -frobnicate"},
		{[]string{"--content", filepath.Join(good, "absent"), "--addr", "127.0.0.1:0", "--data", t.TempDir()}, 2, "aiguillage: "},
	}
	for _, tt := range tests {
		out, err := mainCommand(t, tt.args...).CombinedOutput()
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tt.want || !strings.Contains(string(out), tt.out) {
			t.Errorf("aiguillage %q: status %d, want %d with %q in:\n%s", tt.args, code, tt.want, tt.out, out)
		}
	}
}

// TestPreCommitHook installs check as a partner's pre-commit hook: a valid
// change is committed, a broken one refused with the problem shown.
func TestPreCommitHook(t *testing.T) {
	requireGit(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	repo := t.TempDir()
	copyDemo(t, repo)
	gitRun(t, repo, "init", "-q", "-b", "main")
	hook := "#!/bin/sh\nAIGUILLAGE_TEST_MAIN=1 exec '" + exe + "' check .\n"
	if err := os.WriteFile(filepath.Join(repo, ".git", "hooks", "pre-commit"), []byte(hook), 0o755); err != nil {
		t.Fatal(err)
	}
	gitRun(t, repo, "add", ".")
	gitRun(t, repo, "commit", "-q", "-m", "démo")

	writeFiles(t, repo, map[string]string{"services/sans-nom.md": brokenFiles()[2].data})
	gitRun(t, repo, "add", ".")
	cmd := exec.Command("git", "-C", repo, "commit", "-q", "-m", "service sans nom")
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.org")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the hook let a broken file be committed:\n%s", out)
	}
	if !strings.Contains(string(out), "services/sans-nom.md: nom : champ obligatoire [erreur]") {
		t.Errorf("the hook did not say what is wrong:\n%s", out)
	}
	if n := len(gitLog(t, repo)); n != 1 {
		t.Errorf("%d commits, want 1", n)
	}
}
