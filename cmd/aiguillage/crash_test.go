package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// crashPages are the demo services the crash test's clients edit, one
// each, so that a client's saves follow each other.
var crashPages = []string{
	"services/accompagnement-social-mds-cluny",
	"services/accueil-social-ccas-cluny",
	"services/accueil-social-ccas-reims",
	"services/accueil-de-jour-maison-amitie",
}

// TestCrashDuringSaves runs the program as a process, streams API saves
// into it and kills it with SIGKILL in the middle, twice, then starts it
// again: the repository must pass git fsck --strict, HEAD must hold every
// acknowledged save, and the index must catch up with HEAD.
func TestCrashDuringSaves(t *testing.T) {
	git := requireGit(t)
	data := t.TempDir()
	if out, errOut, err := runUser(t, "un mot de passe solide\n", "add", "--data", data, "--email", "crash@example.org",
		"--name", "Test Crash", "--role", "admin"); err != nil {
		t.Fatalf("user add: %v\n%s%s", err, out, errOut)
	}
	out, errOut, err := runUser(t, "", "token", "--data", data, "--email", "crash@example.org", "--name", "crash")
	if err != nil {
		t.Fatalf("user token: %v\n%s", err, errOut)
	}
	api := &crashAPI{token: strings.TrimSpace(out), http: &http.Client{Timeout: 30 * time.Second}}
	acked := map[string][]string{} // page → acknowledged markers
	start := time.Now()
	for round := range 2 {
		p := startProcess(t, data)
		t.Logf("round %d: started after %s", round, time.Since(start))
		api.base = p.url
		killed := make(chan struct{})
		first := make(chan struct{})
		go func() {
			select {
			case <-first:
			case <-time.After(time.Minute): // no save went through: kill anyway, the checks will say
			}
			time.Sleep(time.Duration(100+rand.IntN(900)) * time.Millisecond)
			_ = p.cmd.Process.Signal(syscall.SIGKILL)
			close(killed)
		}()
		got := api.stream(round, killed, first)
		_ = p.cmd.Wait()
		n := 0
		for page, markers := range got {
			acked[page] = append(acked[page], markers...)
			n += len(markers)
		}
		t.Logf("round %d: %d saves acknowledged before SIGKILL, at %s", round, n, time.Since(start))
	}
	repo := filepath.Join(data, "content.git")
	if out, err := exec.Command(git, "-C", repo, "fsck", "--strict").CombinedOutput(); err != nil {
		t.Fatalf("git fsck --strict after the crashes: %v\n%s", err, out)
	}
	p := startProcess(t, data)
	defer func() { _ = p.cmd.Process.Signal(syscall.SIGTERM); _ = p.cmd.Wait() }()
	api.base = p.url
	head := strings.TrimSpace(gitRun(t, repo, "rev-parse", "main"))
	for _, page := range crashPages {
		text := gitRun(t, repo, "show", "main:"+page+".md")
		for _, m := range acked[page] {
			if !strings.Contains(text, m) {
				t.Errorf("%s: acknowledged save %s missing at HEAD", page, m)
			}
		}
	}
	t.Logf("restarted at %s", time.Since(start))
	api.waitIndexed(t, head, acked)
	t.Logf("index caught up at %s", time.Since(start))
}

// process is the program running as a server.
type process struct {
	cmd *exec.Cmd
	url string
}

func startProcess(t *testing.T, data string) *process {
	t.Helper()
	cmd := mainCommand(t, "--addr", "127.0.0.1:0", "--data", data, "--log-level", "warn")
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if u, ok := strings.CutPrefix(lines.Text(), "aiguillage: "); ok {
			go func() { _, _ = io.Copy(io.Discard, stdout) }()
			return &process{cmd: cmd, url: u}
		}
	}
	t.Fatalf("no URL printed\n%s", stderr)
	return nil
}

// crashAPI is a client of the page API.
type crashAPI struct {
	base, token string
	http        *http.Client
}

// stream runs one client per page, each adding a marker line to its page
// save after save, until the server dies; it returns the acknowledged
// markers. first is closed at the first acknowledgement.
func (a *crashAPI) stream(round int, killed, first chan struct{}) map[string][]string {
	var mu sync.Mutex
	var once sync.Once
	out := map[string][]string{}
	var wg sync.WaitGroup
	stop := time.Now().Add(90 * time.Second)
	for i, page := range crashPages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				marker := fmt.Sprintf("crashmarque%dx%dx%d", round, i, n)
				if err := a.save(page, marker); err != nil {
					select {
					case <-killed:
						return // the server is gone: expected
					default:
						if time.Now().After(stop) {
							return
						}
						time.Sleep(20 * time.Millisecond)
						continue // a refusal while the server runs: try again
					}
				}
				mu.Lock()
				out[page] = append(out[page], marker)
				mu.Unlock()
				once.Do(func() { close(first) })
			}
		}()
	}
	wg.Wait()
	return out
}

// save reads the page and writes it back with a marker line in front of
// its body; any answer but 200 is an error.
func (a *crashAPI) save(page, marker string) error {
	var p struct {
		Revision string `json:"revision"`
		Body     string `json:"body"`
		Front    any    `json:"front_matter"`
	}
	if err := a.do("GET", page, "", nil, &p); err != nil {
		return err
	}
	body := map[string]any{"front_matter": p.Front, "body": marker + "\n\n" + p.Body, "summary": marker}
	return a.do("PUT", page, p.Revision, body, &p)
}

func (a *crashAPI) do(method, page, rev string, body, out any) error {
	var buf bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&buf).Encode(body); err != nil {
			return err
		}
	}
	req, err := http.NewRequest(method, a.base+"/api/v1/pages/"+page, &buf)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", "application/json")
	if rev != "" {
		req.Header.Set("If-Match", rev)
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s", method, page, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// waitIndexed waits until the server's catalogue is at head and the search
// finds the last acknowledged marker of each page.
func (a *crashAPI) waitIndexed(t *testing.T, head string, acked map[string][]string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for _, page := range crashPages {
		if len(acked[page]) == 0 {
			continue
		}
		m := acked[page][len(acked[page])-1]
		for {
			var health struct {
				Revision string `json:"revision"`
				Indexed  bool   `json:"indexed"`
			}
			var found bool
			if resp, err := a.http.Get(a.base + "/healthz"); err == nil {
				_ = json.NewDecoder(resp.Body).Decode(&health)
				resp.Body.Close()
			}
			if resp, err := a.http.Get(a.base + "/api/v1/search?q=" + url.QueryEscape(m)); err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				found = strings.Contains(string(b), page)
			}
			if health.Revision == head && health.Indexed && found {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("index did not catch up: catalogue at %s (HEAD %s), indexed %v, %s found %v", health.Revision, head, health.Indexed, m, found)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}
