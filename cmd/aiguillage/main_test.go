package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// These tests drive run() as main does, in the test process: the server
// listens on 127.0.0.1:0 with a temporary data folder and is fetched over
// real HTTP; cancelling the context is the SIGINT of the real program.

// TestMain lets a test run this test binary as the real program: with
// AIGUILLAGE_TEST_MAIN=1 in its environment it is aiguillage itself (see
// mainCommand), for tests of signals, exit statuses and git hooks.
func TestMain(m *testing.M) {
	if os.Getenv("AIGUILLAGE_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// mainCommand is the program as a process: the test binary run as main.
func mainCommand(t testing.TB, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "AIGUILLAGE_TEST_MAIN=1")
	return cmd
}

// env is a fake environment for run's getenv.
type env map[string]string

func (e env) get(name string) string { return e[name] }

// instance is one serve run() in the background.
type instance struct {
	t      testing.TB
	url    string
	cancel context.CancelFunc
	done   chan error
	stderr *syncBuffer
	client *http.Client
}

// startServe runs `aiguillage serve args...` until the test ends, waits for
// it to print its URL and for /healthz to answer, and returns it. The
// listen address is 127.0.0.1:0 unless args or e name one.
func startServe(t testing.TB, e env, args ...string) *instance {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout := newURLWriter()
	in := &instance{t: t, cancel: cancel, done: make(chan error, 1), stderr: &syncBuffer{},
		client: &http.Client{Timeout: 30 * time.Second}}
	if e == nil {
		e = env{}
	}
	if e["AIGUILLAGE_ADDR"] == "" && !hasFlag(args, "addr") {
		args = append([]string{"--addr", "127.0.0.1:0"}, args...)
	}
	go func() {
		in.done <- run(ctx, append([]string{"serve"}, args...), e.get, strings.NewReader(""), stdout, in.stderr)
	}()
	t.Cleanup(func() {
		if err := in.stop(); err != nil {
			t.Errorf("serve did not stop cleanly: %v", err)
		}
	})
	select {
	case in.url = <-stdout.url:
	case err := <-in.done:
		in.done <- err // for stop
		t.Fatalf("serve ended before listening: %v\n%s", err, in.stderr)
	case <-time.After(3 * time.Minute):
		t.Fatalf("serve printed no URL in 3 minutes\n%s", in.stderr)
	}
	in.waitHealthy()
	return in
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		a = strings.TrimLeft(a, "-")
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}

func (in *instance) waitHealthy() {
	in.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, _ := in.get("/healthz")
		if code == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			in.t.Fatalf("/healthz: %d after 30 s\n%s", code, in.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// health returns the decoded /healthz answer.
func (in *instance) health() (h struct {
	Status   string `json:"status"`
	Revision string `json:"revision"`
	Indexed  bool   `json:"indexed"`
	Services int    `json:"services"`
}) {
	in.t.Helper()
	code, body := in.get("/healthz")
	if code != http.StatusOK {
		in.t.Fatalf("/healthz: %d %s", code, body)
	}
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		in.t.Fatalf("/healthz: %v: %s", err, body)
	}
	return h
}

// waitIndexed waits for /healthz to report the search index up to date.
func (in *instance) waitIndexed() {
	in.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !in.health().Indexed {
		if time.Now().After(deadline) {
			in.t.Fatalf("search index not ready after 2 minutes\n%s", in.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// get fetches path and returns the status and body; a transport error is
// status 0 with the error as body.
func (in *instance) get(path string) (int, string) {
	resp, err := in.client.Get(in.url + path)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err.Error()
	}
	return resp.StatusCode, string(b)
}

// mustGet fetches path and fails the test unless it answers want.
func (in *instance) mustGet(path string, want int) string {
	in.t.Helper()
	code, body := in.get(path)
	if code != want {
		in.t.Fatalf("GET %s: %d, want %d\n%.2000s", path, code, want, body)
	}
	return body
}

// hasTitle reports whether a page has an <h1> with some text.
func hasTitle(body string) bool {
	m := h1Pattern.FindStringSubmatch(body)
	return m != nil && strings.TrimSpace(tagPattern.ReplaceAllString(m[1], "")) != ""
}

var (
	h1Pattern  = regexp.MustCompile(`(?s)<h1[^>]*>(.*?)</h1>`)
	tagPattern = regexp.MustCompile(`<[^>]*>`)
)

// stop cancels run's context, as SIGINT does, and returns what run
// returned. It may be called more than once.
func (in *instance) stop() error {
	// A client that is done hangs up first: fasthttp's graceful shutdown
	// waits for a connection Go's transport dialled but never used (it only
	// counts as idle 5 s after it was accepted), and once, on a CI machine
	// loaded by every package's race tests, serve's 10 s ran out.
	in.client.CloseIdleConnections()
	in.cancel()
	select {
	case err := <-in.done:
		in.done <- err
		return err
	case <-time.After(30 * time.Second):
		return errors.New("run did not return 30 s after cancel")
	}
}

// urlWriter is serve's stdout: it hands over the URL of the
// "aiguillage: http://..." line.
type urlWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	url  chan string
	sent bool
}

func newURLWriter() *urlWriter { return &urlWriter{url: make(chan string, 1)} }

func (w *urlWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if !w.sent {
		for line := range strings.Lines(w.buf.String()) {
			if u, ok := strings.CutPrefix(line, "aiguillage: "); ok && strings.HasSuffix(line, "\n") {
				w.url <- strings.TrimSpace(u)
				w.sent = true
				break
			}
		}
	}
	return len(p), nil
}

// syncBuffer is a bytes.Buffer safe for the server's logger and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// result is what one short command (check, reindex, a bad flag) did.
type result struct {
	err            error
	code           int // exit status main would use
	stdout, stderr string
}

// runCmd runs a command that ends by itself.
func runCmd(t testing.TB, e env, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	err := run(ctx, args, e.get, strings.NewReader(""), &stdout, &stderr)
	return result{err: err, code: exitCode(err), stdout: stdout.String(), stderr: stderr.String()}
}

// exitCode is the status main exits with after run returned err.
func exitCode(err error) int {
	var exit exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return int(exit)
	}
	return 2
}

// requireGit skips the test when the git CLI is absent.
func requireGit(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git CLI not installed")
	}
	return p
}

// gitRun runs git in dir with a fixed identity and fails the test on error.
func gitRun(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.org",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.org")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// writeFiles writes files (slash names) under dir.
func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
