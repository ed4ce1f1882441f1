package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/aiguillage/aiguillage/content"
)

// soakDuration is how long TestConcurrentEditors runs: 10 s in the suite,
// 2 s with -short, AIGUILLAGE_SOAK (a Go duration, e.g. 60s) to soak.
func soakDuration(t *testing.T) time.Duration {
	if v := os.Getenv("AIGUILLAGE_SOAK"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("AIGUILLAGE_SOAK=%q: %v", v, err)
		}
		return d
	}
	if testing.Short() {
		return 2 * time.Second
	}
	return 10 * time.Second
}

const (
	soakClients = 50
	soakPages   = 4
	soakLines   = 2*soakClients + 2
)

func soakPage(i int) string { return fmt.Sprintf("services/soak-%d", i) }

// soakSeed adds pages whose body has one line per client, two lines apart,
// so that clients' own edits merge, and a shared first line, so that edits
// of it conflict.
func soakSeed() fstest.MapFS {
	seed := fixtureFiles()
	for i := range soakPages {
		var b strings.Builder
		fmt.Fprintf(&b, "---\nnom: \"Service soak %d\"\nstructure: ccas-cluny\nthematiques: [equipement-et-alimentation--alimentation]\n---\n", i)
		for l := range soakLines {
			fmt.Fprintf(&b, "ligne %03d\n", l)
		}
		seed[soakPage(i)+".md"] = &fstest.MapFile{Data: []byte(b.String())}
	}
	return seed
}

// soakAck is an acknowledged save.
type soakAck struct {
	page, revision, marker string
	client, line           int
}

// soakClient edits pages through the API until the deadline.
type soakClient struct {
	id      int
	base    string
	http    *http.Client
	headers map[string]string
	rng     *rand.Rand
}

// TestConcurrentEditors: 50 clients edit four pages through a real HTTP
// listener. Every 200 must be in the history with its text, each client's
// last save of its own line must be at the tip, every refusal must be a
// 409 or 422 with a code and a French message, the repository must pass
// git fsck --strict and the index must reach the tip.
func TestConcurrentEditors(t *testing.T) {
	d := soakDuration(t)
	f := newFixture(t, options{seed: soakSeed(), accounts: true})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = f.srv.Serve(ln) }()
	base := "http://" + ln.Addr().String()
	headers := map[string]map[string]string{"editor": f.authHeader("editor"), "admin": f.authHeader("admin")}
	// One transport for all clients, closed at the end: idle keep-alive
	// connections would hold the server's shutdown.
	transport := &http.Transport{MaxIdleConnsPerHost: soakClients}
	defer transport.CloseIdleConnections()
	deadline := time.Now().Add(d)
	var (
		mu      sync.Mutex
		acks    []soakAck
		refused = map[int]int{}
		wg      sync.WaitGroup
	)
	for id := range soakClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := "editor"
			if id%5 == 0 {
				user = "admin"
			}
			c := &soakClient{id: id, base: base, http: &http.Client{Timeout: time.Minute, Transport: transport}, headers: headers[user], rng: rand.New(rand.NewPCG(uint64(id), 7))}
			for n := 0; time.Now().Before(deadline); n++ {
				ack, status, err := c.edit(n)
				mu.Lock()
				switch {
				case err != nil:
					t.Errorf("client %d: %v", id, err)
				case status == http.StatusOK:
					acks = append(acks, ack)
				default:
					refused[status]++
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("%s: %d acknowledged saves, refused: %v", d, len(acks), refused)
	if len(acks) == 0 {
		t.Fatal("no save acknowledged")
	}
	checkAcks(t, f, acks)
	fsck(t, f)
}

// edit makes one edit: mostly the client's own line, sometimes the shared
// line (conflicts) or an invalid postal code (422).
func (c *soakClient) edit(n int) (soakAck, int, error) {
	page := soakPage(c.rng.IntN(soakPages))
	var p pageJSON
	if status, err := c.do("GET", "/api/v1/pages/"+page, "", nil, &p); err != nil || status != 200 {
		return soakAck{}, status, fmt.Errorf("GET %s: %d %v", page, status, err)
	}
	line := 2 + 2*c.id
	marker := fmt.Sprintf("marque%02dx%d", c.id, n)
	fm := p.FrontMatter
	switch r := c.rng.IntN(10); {
	case r == 0:
		line = 0
	case r == 1:
		fm = edited(p, "code_postal", "pas-un-code")
	}
	lines := strings.Split(p.Body, "\n")
	lines[line] = fmt.Sprintf("ligne %03d %s", line, marker)
	body := map[string]any{"front_matter": fm, "body": strings.Join(lines, "\n"), "summary": marker}
	var out json.RawMessage
	status, err := c.do("PUT", "/api/v1/pages/"+page, p.Revision, body, &out)
	if err != nil {
		return soakAck{}, status, err
	}
	switch status {
	case 200:
		var saved pageJSON
		if err := json.Unmarshal(out, &saved); err != nil {
			return soakAck{}, status, err
		}
		return soakAck{page: page, revision: saved.Revision, marker: marker, client: c.id, line: line}, status, nil
	case 409, 422:
		var e apiErr
		if err := json.Unmarshal(out, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
			return soakAck{}, status, fmt.Errorf("refusal %d without a reason: %s", status, out)
		}
		return soakAck{}, status, nil
	}
	return soakAck{}, status, fmt.Errorf("PUT %s: status %d: %s", page, status, out)
}

func (c *soakClient) do(method, path, ifMatch string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if ifMatch != "" {
		req.Header.Set("If-Match", `"`+ifMatch+`"`)
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	return resp.StatusCode, json.Unmarshal(data, out)
}

// checkAcks checks that every acknowledged save is in the history with its
// text, that each client's last save of its own line is at the tip, and
// that the search index reached the tip.
func checkAcks(t *testing.T, f *fixture, acks []soakAck) {
	t.Helper()
	ctx := context.Background()
	head, err := f.store.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	log, err := f.store.Log(ctx, len(acks)+100)
	if err != nil {
		t.Fatal(err)
	}
	inHistory := map[string]bool{}
	for _, c := range log {
		inHistory[string(c.Revision)] = true
	}
	last := map[string]soakAck{} // page and client → last save of its own line
	for _, a := range acks {
		got, err := f.store.ReadFile(ctx, content.Revision(a.revision), a.page+".md")
		if err != nil || !strings.Contains(string(got.Data), a.marker+"\n") || !inHistory[a.revision] {
			t.Errorf("acknowledged save %s of %s not in the history: %v", a.marker, a.page, err)
		}
		if a.line != 0 {
			last[fmt.Sprintf("%s/%d", a.page, a.client)] = a
		}
	}
	for _, a := range last {
		got, err := f.store.ReadFile(ctx, head, a.page+".md")
		if err != nil || !strings.Contains(string(got.Data), fmt.Sprintf("ligne %03d %s\n", a.line, a.marker)) {
			t.Errorf("last save %s of client %d lost at the tip", a.marker, a.client)
		}
	}
	var health struct {
		Revision string `json:"revision"`
		Indexed  bool   `json:"indexed"`
	}
	if f.json("/healthz", &health); health.Revision != string(head) || !health.Indexed {
		t.Errorf("catalogue at %s, tip %s (indexed %v)", health.Revision, head, health.Indexed)
	}
	final := acks[len(acks)-1]
	r := f.get("/api/v1/search?q=" + url.QueryEscape(final.marker))
	if !strings.Contains(r.body, final.page) {
		t.Errorf("the index lacks the last save %s: %s", final.marker, r.body)
	}
}

// fsck runs git fsck --strict on the fixture's repository when git is
// installed.
func fsck(t *testing.T, f *fixture) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Log("git not installed: fsck skipped")
		return
	}
	out, err := exec.Command("git", "-C", f.repo, "fsck", "--strict").CombinedOutput()
	if err != nil {
		t.Fatalf("git fsck --strict: %v\n%s", err, out)
	}
}
