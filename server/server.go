// Package server is aiguillage's web front: the Fiber application, its
// routes, handlers and middleware. It reads the content repository through
// the Store interface, searches through the Searcher interface, and renders
// pages with a themes.Theme. It keeps the live catalogue — the parsed content
// at the branch's tip — and brings it and the search index up to date when
// the branch moves.
package server

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/accounts"
	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/edit"
	"github.com/aiguillage/aiguillage/proposals"
	"github.com/aiguillage/aiguillage/search"
	"github.com/aiguillage/aiguillage/territory"
	"github.com/aiguillage/aiguillage/themes"
)

// Store is the content repository as the server reads it.
type Store interface {
	Head(ctx context.Context) (content.Revision, error)
	Files(ctx context.Context, rev content.Revision) ([]content.File, error)
	ReadFile(ctx context.Context, rev content.Revision, name string) (content.File, error)
	ChangedFiles(ctx context.Context, from, to content.Revision) ([]string, error)
	CommitInfo(ctx context.Context, rev content.Revision) (content.Commit, error)
	History(ctx context.Context, name string, limit int) ([]content.Commit, error)
	Log(ctx context.Context, limit int) ([]content.Commit, error)
	// Commit writes a change as one commit, refusing it with
	// content.ErrConflict when a file it touches moved since ch.Base.
	Commit(ctx context.Context, ch content.Change) (content.Commit, error)
}

// Searcher is the search index as the server uses it.
type Searcher interface {
	Revision() content.Revision
	Sync(ctx context.Context, cat *content.Catalog, changed []string) error
	Search(ctx context.Context, q search.Query) (*search.Results, error)
}

// Config holds the server's dependencies and settings. Store, Theme, Refs
// and Log are required.
type Config struct {
	Store     Store
	Search    Searcher // nil disables search pages and API
	Territory *territory.Directory
	// Theme is the built-in theme. The content repository's
	// .aiguillage/theme/ folder overrides it: the server layers those files
	// over it again at each commit that changes them.
	Theme *themes.Theme
	// Themes are the built-in themes the repository's config.yaml may
	// choose with theme: <name>, live at the commit that changes it; nil
	// when the theme is fixed (the --theme flag).
	Themes map[string]*themes.Theme
	Refs   *content.Referentials
	Log    *slog.Logger

	// Proposals is the queue of proposals and error reports; nil disables
	// the proposal and report routes.
	Proposals *proposals.Queue

	BaseURL      string        // public URL of the site, for canonical links; may be empty
	PollInterval time.Duration // how often to look for commits made outside the server (default 500 ms, so that a pushed commit is searchable within a second; < 0 disables)
	CacheBytes   int           // rendered-page cache budget (default 64 MiB; < 0 disables the cache)
	Now          func() time.Time

	// Accounts are the people who may sign in; nil disables signing in:
	// everyone is an anonymous visitor.
	Accounts accounts.Store
	// Secret keys the CSRF tokens (at least 32 bytes). When empty, a
	// random one is made at start: forms opened before a restart then
	// fail once.
	Secret []byte
	// TrustedProxies are the addresses or CIDR prefixes of reverse
	// proxies whose X-Forwarded-For is believed (for sign-in limits).
	TrustedProxies []string
}

// Server is the running web application.
type Server struct {
	cfg      Config
	app      *fiber.App
	live     *live
	editor   *edit.Editor // every write of pages goes through it
	pages    *pageCache
	exports  *exports
	imports  *pendingImports
	renderer *content.Renderer
	log      *slog.Logger
	now      func() time.Time
	paris    *time.Location
	spam     *antiSpam
	presence *presence
	// deciding serializes the decisions on one proposal: accepting commits
	// to the branch before it records the decision, and a decline landing
	// in between would leave an applied proposal marked declined.
	deciding keyedLocks
	stop     context.CancelFunc
	done     chan struct{}

	secret      []byte
	proxies     []netip.Prefix
	signinIP    *limiter // failed sign-ins per client address
	signinEmail *limiter // failed sign-ins per e-mail
}

// New checks cfg, loads the catalogue at the branch's tip and builds the
// application. It does not listen yet: call Serve, or use Handler in tests.
// Bringing the search index up to date runs in the background so start-up
// stays fast on a large repository.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Theme == nil || cfg.Refs == nil || cfg.Log == nil {
		return nil, errors.New("server: Store, Theme, Refs and Log are required")
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 500 * time.Millisecond
	}
	if cfg.CacheBytes == 0 {
		cfg.CacheBytes = 64 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return nil, fmt.Errorf("server: load Europe/Paris time zone: %w", err)
	}
	s := &Server{cfg: cfg, log: cfg.Log, now: cfg.Now, paris: paris, done: make(chan struct{})}
	if err := s.setupAuth(); err != nil {
		return nil, err
	}
	s.pages = newPageCache(cfg.CacheBytes)
	if s.spam, err = newAntiSpam(s.secret); err != nil {
		return nil, err
	}
	s.presence = newPresence()
	s.renderer = content.NewRenderer()
	if s.exports, err = newExports(); err != nil {
		return nil, err
	}
	s.imports = newPendingImports()
	looks, err := newLooks(cfg.Theme, cfg.Themes, cfg.Store, cfg.Log)
	if err != nil {
		return nil, err
	}
	s.live = newLive(cfg.Store, cfg.Search, cfg.Refs, looks, cfg.Log, s.pages.clear)
	if err := s.live.load(ctx); err != nil {
		return nil, err
	}
	s.editor, err = edit.New(edit.Config{Store: cfg.Store, Refs: cfg.Refs, Now: cfg.Now, AfterCommit: s.afterWrite,
		Texts: editTexts(cfg.Theme.Messages())})
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s.app = s.newApp()
	s.routes()

	bg, stop := context.WithCancel(context.Background())
	s.stop = stop
	go s.background(bg)
	return s, nil
}

// background catches the search index up, then watches the branch.
func (s *Server) background(ctx context.Context) {
	defer close(s.done)
	if err := s.live.syncIndex(ctx); err != nil && ctx.Err() == nil {
		s.log.Error("search index sync failed", "err", err)
	}
	if s.cfg.PollInterval < 0 {
		<-ctx.Done()
		return
	}
	tick := time.NewTicker(s.cfg.PollInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := s.live.refresh(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("refresh from repository failed", "err", err)
			}
		}
	}
}

// writeSyncTimeout bounds how long a write waits for the catalogue and
// the index to catch up before answering.
const writeSyncTimeout = 30 * time.Second

// afterWrite brings the catalogue and the search index to the commit a
// write just made, before the write answers: whoever saved reads their
// own change at once, in pages and in search. A failure is logged; the
// background poll catches up.
func (s *Server) afterWrite(ctx context.Context, rev content.Revision) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeSyncTimeout)
	defer cancel()
	if err := s.live.refresh(ctx); err != nil {
		s.log.Error("refresh after a write failed", "revision", rev.Short(), "err", err)
	}
}

// Handler returns the Fiber application, for tests (app.Test).
func (s *Server) Handler() *fiber.App { return s.app }

// Refresh brings the catalogue and the index to the branch's tip now,
// instead of waiting for the next poll.
func (s *Server) Refresh(ctx context.Context) error { return s.live.refresh(ctx) }

// WaitIndexed blocks until the search index reflects the current catalogue
// or ctx ends. Tests and the reindex command use it.
func (s *Server) WaitIndexed(ctx context.Context) error { return s.live.waitIndexed(ctx) }

// Serve accepts connections on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	if err := s.app.Listener(ln); err != nil {
		return fmt.Errorf("server: serve: %w", err)
	}
	return nil
}

// Shutdown stops accepting requests, waits up to timeout for those under
// way, then stops the background work.
func (s *Server) Shutdown(timeout time.Duration) error {
	err := s.app.ShutdownWithTimeout(timeout)
	s.stop()
	<-s.done
	if err != nil {
		return fmt.Errorf("server: shutdown: %w", err)
	}
	return nil
}

// setupAuth checks the settings of signing in and makes its state.
func (s *Server) setupAuth() error {
	s.secret = s.cfg.Secret
	if len(s.secret) == 0 {
		s.secret = make([]byte, 32)
		if _, err := rand.Read(s.secret); err != nil {
			return fmt.Errorf("server: CSRF key: %w", err)
		}
	} else if len(s.secret) < 32 {
		return errors.New("server: Secret must have at least 32 bytes")
	}
	proxies, err := parseProxies(s.cfg.TrustedProxies)
	if err != nil {
		return fmt.Errorf("server: trusted proxies: %w", err)
	}
	s.proxies = proxies
	s.signinIP = newLimiter(signinPerIP, signinIPWindow)
	s.signinEmail = newLimiter(signinPerEmail, signinEmailWindow)
	return nil
}
