package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

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

// parts are the opened dependencies of the server.
type parts struct {
	store *gitstore.Store
	index *search.Index
	refs  *content.Referentials
	terr  *territory.Directory

	accounts *accounts.SQLite // serve only
}

func (p *parts) close(log *slog.Logger) {
	if p.accounts != nil {
		if err := p.accounts.Close(); err != nil {
			log.Error("close accounts", "err", err)
		}
	}
	if p.index != nil {
		if err := p.index.Close(); err != nil {
			log.Error("close search index", "err", err)
		}
	}
	if p.store != nil {
		if err := p.store.Close(); err != nil {
			log.Error("close content repository", "err", err)
		}
	}
}

// open opens the content repository (creating the demo one on first start),
// the referentials, the communes and the search index.
func open(ctx context.Context, c config, log *slog.Logger) (*parts, error) {
	if c.Content != "" {
		// Before the state folder is made for it.
		if _, err := os.Stat(c.Content); err != nil {
			return nil, fmt.Errorf("--content: %w", err)
		}
	}
	state, err := c.stateDir()
	if err != nil {
		return nil, err
	}
	if err := ensureDir(state); err != nil {
		return nil, err
	}
	p := &parts{}
	storeCfg := gitstore.Config{Dir: c.repoDir(), Branch: c.Branch, StateDir: state, Log: log}
	if c.Content == "" {
		storeCfg.Seed = demo.FS()
	}
	if p.store, err = gitstore.Open(ctx, storeCfg); err != nil {
		return nil, fmt.Errorf("open content repository %s (branch %s): %w", storeCfg.Dir, storeCfg.Branch, err)
	}
	if p.refs, err = content.LoadReferentials(); err != nil {
		p.close(log)
		return nil, err
	}
	if p.terr, err = territory.Load(); err != nil {
		p.close(log)
		return nil, err
	}
	p.index, err = search.Open(ctx, search.Config{Dir: filepath.Join(state, "index"), Territory: p.terr, Refs: p.refs, Log: log})
	if err != nil {
		p.close(log)
		return nil, err
	}
	return p, nil
}

var serveCmd = command{
	name: "serve",
	about: `Serve the directory over HTTP until interrupted (SIGINT or SIGTERM). The
first start creates a git repository of demo content in DATA/content.git;
with --content the server serves that existing repository instead.
Other commands: aiguillage check, aiguillage reindex (see "aiguillage help").`,
	flags: func(c *config, fs *flag.FlagSet) { c.serverFlags(fs); c.repoFlags(fs); c.logFlags(fs) },
}

// serve runs the web server until ctx ends, then shuts it down gracefully.
// It prints "aiguillage: http://ADDR" on stdout once it accepts requests.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, _, err := parse(serveCmd, args, getenv, stdout, stderr)
	if err != nil {
		return usageErr(err)
	}
	log := c.logger(stderr)
	began := time.Now()
	// Listen first: a busy port fails at once, not after loading the content.
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.Addr, err)
	}
	defer ln.Close()
	p, srv, err := start(ctx, c, log)
	if err != nil {
		if ctx.Err() != nil {
			return nil // interrupted while starting
		}
		return err
	}
	defer p.close(log)
	log.Info("serving", "url", "http://"+ln.Addr().String(), "repository", c.repoDir(),
		"startup_ms", time.Since(began).Milliseconds())

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "aiguillage: http://%s\n", ln.Addr())
	select {
	case err := <-errc:
		_ = srv.Shutdown(5 * time.Second)
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	return srv.Shutdown(10 * time.Second)
}

// start opens the parts and builds the server on them, ready to serve.
func start(ctx context.Context, c config, log *slog.Logger) (*parts, *server.Server, error) {
	// The themes are loaded before anything is opened, so a bad --lang
	// fails at once.
	theme, choices, err := loadThemes(c.Theme, c.Lang)
	if err != nil {
		return nil, nil, err
	}
	p, err := open(ctx, c, log)
	if err != nil {
		return nil, nil, err
	}
	secret, err := loadSecret(c.Data)
	if err != nil {
		p.close(log)
		return nil, nil, err
	}
	if p.accounts, err = openAccounts(ctx, c.Data); err != nil {
		p.close(log)
		return nil, nil, err
	}
	queue, err := proposals.New(proposals.Config{Store: p.store, Texts: server.ProposalTexts(theme)})
	if err != nil {
		p.close(log)
		return nil, nil, err
	}
	srv, err := server.New(ctx, server.Config{
		Store: p.store, Search: p.index, Territory: p.terr, Theme: theme, Themes: choices, Refs: p.refs, Log: log,
		BaseURL: c.BaseURL, PollInterval: c.Poll, Proposals: queue,
		Accounts: p.accounts, Secret: secret, TrustedProxies: splitList(c.Proxies),
	})
	if err != nil {
		p.close(log)
		return nil, nil, err
	}
	return p, srv, nil
}

// loadThemes loads the theme the --theme flag names, which then cannot be
// changed by the content; without the flag, the default theme and every
// built-in theme the repository's config.yaml may choose.
func loadThemes(flag, lang string) (*themes.Theme, map[string]*themes.Theme, error) {
	if flag != "" {
		theme, err := loadTheme(flag, lang)
		return theme, nil, err
	}
	choices := make(map[string]*themes.Theme)
	for _, name := range themes.Builtin() {
		theme, err := loadTheme(name, lang)
		if err != nil {
			return nil, nil, err
		}
		choices[name] = theme
	}
	return choices["default"], choices, nil
}

func loadTheme(name, lang string) (*themes.Theme, error) {
	fsys, err := themes.FS(name)
	if err != nil {
		return nil, err
	}
	return themes.Load(fsys, lang)
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
