package themes_test

// Browser tests: the real pages, served by the real server over a git
// repository seeded with the demo content, in Debian's headless Chromium
// driven by chromedp. One browser and one server (per theme) serve the
// whole package; each test opens its own tab.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/aiguillage/aiguillage/accounts"
	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/content/demo"
	"github.com/aiguillage/aiguillage/content/gitstore"
	"github.com/aiguillage/aiguillage/proposals"
	"github.com/aiguillage/aiguillage/search"
	"github.com/aiguillage/aiguillage/server"
	"github.com/aiguillage/aiguillage/territory"
	"github.com/aiguillage/aiguillage/themes"
)

// now is the servers' clock: Tuesday 24 November 2026, 10:00 in Paris, a
// time when some demo services are open and others closed.
var now = time.Date(2026, 11, 24, 10, 0, 0, 0, time.FixedZone("CET", 3600))

// Pages of the demo content the tests visit. The service gets a second
// commit (see seedHistory) so that its history and diff have something to
// show.
const (
	servicePath   = "/services/epicerie-sociale-cluny"
	structurePath = "/structures/ccas-cluny"
	guidePath     = "/pages/aide-alimentaire-clunisois"
	searchPath    = "/recherche?q=aide+alimentaire&commune=71137"
)

// env is what the whole package shares: one browser, one server per theme.
type env struct {
	browser  context.Context // a chromedp context whose browser runs
	stop     []func()        // run in reverse order by teardown
	urls     map[string]string
	accounts *accounts.SQLite // the servers' accounts: see browserUsers
	queue    *proposals.Queue // the servers' proposals
	store    *gitstore.Store  // the servers' content repository
	seedRev  content.Revision // the demo content's commit
	editRev  content.Revision // the second commit, on servicePath
	serveErr chan error
}

var shared struct {
	once sync.Once
	env  *env
	skip string // why browser tests are skipped, if they are
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.env != nil {
		shared.env.teardown()
	}
	os.Exit(code)
}

// browserEnv returns the shared environment, starting it on first use; it
// skips the test where no Chromium is installed.
func browserEnv(t *testing.T) *env {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	shared.once.Do(func() {
		path, why := chromiumPath()
		if path == "" {
			shared.skip = why
			return
		}
		shared.env, shared.err = start(path)
	})
	if shared.skip != "" {
		t.Skip(shared.skip)
	}
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.env
}

// chromiumPath finds the browser: $AIGUILLAGE_CHROMIUM, else chromium or
// chromium-browser on PATH.
func chromiumPath() (path, why string) {
	if p := os.Getenv("AIGUILLAGE_CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Sprintf("AIGUILLAGE_CHROMIUM=%s is not runnable (%v): browser tests skipped", p, err)
		}
		return p, ""
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, ""
		}
	}
	return "", "no chromium or chromium-browser on PATH and AIGUILLAGE_CHROMIUM unset: browser tests skipped " +
		"(apt-get install chromium)"
}

// start builds the servers and the browser. Everything it starts is
// registered in e.stop, so a failure half-way leaves nothing running.
func start(chromium string) (e *env, err error) {
	e = &env{urls: map[string]string{}, serveErr: make(chan error, 4)}
	defer func() {
		if err != nil {
			e.teardown()
			e = nil
		}
	}()
	dir, err := os.MkdirTemp("", "aiguillage-browser-")
	if err != nil {
		return e, err
	}
	e.stop = append(e.stop, func() { _ = os.RemoveAll(dir) })
	if err := e.startServers(dir); err != nil {
		return e, err
	}
	return e, e.startBrowser(chromium, filepath.Join(dir, "chromium"))
}

func (e *env) startServers(dir string) error {
	ctx := context.Background()
	var out io.Writer = io.Discard
	if os.Getenv("AIGUILLAGE_TEST_LOG") != "" {
		out = os.Stderr // the servers' log, to debug a failing test
	}
	log := slog.New(slog.NewTextHandler(out, nil))
	terr, err := territory.Load()
	if err != nil {
		return err
	}
	refs, err := content.LoadReferentials()
	if err != nil {
		return err
	}
	store, err := gitstore.Open(ctx, gitstore.Config{
		Dir: filepath.Join(dir, "repo.git"), Branch: "main", Seed: demo.FS(),
		StateDir: filepath.Join(dir, "state"), Log: log, Now: commitClock(), GitPath: "-",
	})
	if err != nil {
		return err
	}
	e.stop = append(e.stop, func() { _ = store.Close() })
	e.store = store
	if err := e.seedHistory(ctx, store); err != nil {
		return err
	}
	if err := e.openAccounts(ctx, filepath.Join(dir, "accounts.db")); err != nil {
		return err
	}
	queue, err := proposals.New(proposals.Config{Store: store})
	if err != nil {
		return err
	}
	e.queue = queue
	for _, name := range themes.Builtin() {
		fsys, err := themes.FS(name)
		if err != nil {
			return err
		}
		theme, err := themes.Load(fsys, "fr")
		if err != nil {
			return err
		}
		idx, err := search.Open(ctx, search.Config{
			Dir: filepath.Join(dir, "index-"+name), Territory: terr, Refs: refs, Log: log,
			Now: func() time.Time { return now },
		})
		if err != nil {
			return err
		}
		e.stop = append(e.stop, func() { _ = idx.Close() })
		cfg := server.Config{
			Store: store, Search: idx, Territory: terr, Theme: theme, Refs: refs, Log: log,
			PollInterval: -1, Now: func() time.Time { return now }, Accounts: e.accounts, Proposals: queue,
		}
		srv, err := server.New(ctx, cfg)
		if err != nil {
			return err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		go func() { e.serveErr <- srv.Serve(ln) }()
		e.stop = append(e.stop, func() { _ = srv.Shutdown(2 * time.Second) })
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err = srv.WaitIndexed(wctx)
		cancel()
		if err != nil {
			return fmt.Errorf("theme %s: index not ready: %w", name, err)
		}
		e.urls[name] = "http://" + ln.Addr().String()
		if err := e.startBrokenServer(ctx, name, cfg); err != nil {
			return err
		}
	}
	return nil
}

// seedHistory commits a second version of the demo service, so that its
// history lists two commits and the diff between them is not empty.
func (e *env) seedHistory(ctx context.Context, store *gitstore.Store) error {
	head, err := store.Head(ctx)
	if err != nil {
		return err
	}
	e.seedRev = head
	name := strings.TrimPrefix(servicePath, "/") + ".md"
	f, err := store.ReadFile(ctx, head, name)
	if err != nil {
		return err
	}
	text := strings.Replace(string(f.Data), "verifie_le: 2026-09-15", "verifie_le: 2026-11-20", 1)
	text = strings.Replace(text, "budget un jeudi par mois.", "budget le premier jeudi du mois.", 1)
	if text == string(f.Data) {
		return errors.New("seedHistory: the demo service changed; update the edit")
	}
	cm, err := store.Commit(ctx, content.Change{
		Base: head, Author: content.Author{Name: "Camille Martin", Email: "camille@example.org"},
		Message: "Épicerie sociale : vérifiée, ateliers le premier jeudi", Writes: map[string][]byte{name: []byte(text)},
	})
	if err != nil {
		return err
	}
	e.editRev = cm.Revision
	return nil
}

// commitClock returns commit times one minute apart from 23 November 2026
// at 09:00 in Paris, so commits (and their hashes) are the same every run.
func commitClock() func() time.Time {
	var mu sync.Mutex
	t := time.Date(2026, 11, 23, 9, 0, 0, 0, time.FixedZone("CET", 3600))
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Minute)
		return t
	}
}

func (e *env) startBrowser(chromium, profile string) error {
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests run as root here
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter"),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("lang", "fr-FR"),
		chromedp.WindowSize(1280, 900),
	)
	e.stop = append(e.stop, cancelAlloc)
	browser, cancel := chromedp.NewContext(alloc)
	e.stop = append(e.stop, cancel)
	// The first Do starts the browser; its life is bound to browser, which
	// has no deadline, so a slow test cannot kill it for the others.
	if err := chromedp.Do(browser); err != nil {
		return fmt.Errorf("start %s: %w", chromium, err)
	}
	e.browser = browser
	return nil
}

func (e *env) teardown() {
	for i := len(e.stop) - 1; i >= 0; i-- {
		e.stop[i]()
	}
	e.stop = nil
}

// url is the address of path on the server of theme.
func (e *env) url(theme, path string) string { return e.urls[theme] + path }

// diffPath is the diff of the demo service between its two commits.
func (e *env) diffPath() string {
	return servicePath + "/diff?de=" + string(e.seedRev) + "&a=" + string(e.editRev)
}

// tab opens a new tab, closed at the end of the test, with a viewport of
// width×900 CSS pixels. The whole test must be done with it within 3 minutes
// (about 20 s are enough on an idle machine; CI runs other packages beside).
// The test fails if a page of ours throws an uncaught exception or logs an
// error (a script or style refused by the CSP, a missing asset…).
func (e *env) tab(t *testing.T, width int64) context.Context {
	t.Helper()
	return e.newTab(t, width)
}

// newTab is tab with chromedp's context options: a new browser context
// (see privateTab) keeps the tab's cookies apart from the other tabs'.
func (e *env) newTab(t *testing.T, width int64, opts ...chromedp.ContextOption) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(e.browser, opts...)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	var mu sync.Mutex
	var errs []string
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type != chromedp.ConsoleException && m.Type != chromedp.ConsoleError {
				continue
			}
			if m.URL != "" && !e.ours(m.URL) {
				continue // map tiles from the internet, unreachable here
			}
			if strings.HasPrefix(m.Text, "Failed to load resource") && !strings.Contains(m.URL, "/static/") {
				continue // a page answering 404 on purpose; a missing asset counts
			}
			mu.Lock()
			errs = append(errs, fmt.Sprintf("%s: %s", m.URL, m.Text))
			mu.Unlock()
		}
	}()
	t.Cleanup(func() { // runs before cancel: cleanups run last in, first out
		mu.Lock()
		defer mu.Unlock()
		for _, msg := range errs {
			t.Errorf("browser console: %s", msg)
		}
	})
	tctx, tcancel := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(tcancel)
	return tctx
}

// ours reports whether url is served by one of the test servers.
func (e *env) ours(url string) bool {
	for _, base := range e.urls {
		if strings.HasPrefix(url, base+"/") {
			return true
		}
	}
	return false
}

// do runs actions in ctx and fails the test on error.
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression and decodes its value.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// navigate loads url in ctx and waits for the document to be ready.
func navigate(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	do(t, ctx, "navigate to "+url, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body")))
}

// setMedia emulates a CSS media type ("print", "screen"; "" resets).
func setMedia(t *testing.T, ctx context.Context, media string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media}); err != nil {
		t.Fatalf("emulate media %q: %v", media, err)
	}
}
