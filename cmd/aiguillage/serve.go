package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"time"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/content/demo"
	"github.com/aiguillage/aiguillage/content/gitstore"
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
}

func (p *parts) close(log *slog.Logger) {
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
		return nil, err
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

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, _, err := parse("serve", args, getenv, stderr, nil)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return exitError(2)
	}
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	start := time.Now()
	p, err := open(ctx, c, log)
	if err != nil {
		return err
	}
	defer p.close(log)

	theme, err := loadTheme(c.Theme, c.Lang)
	if err != nil {
		return err
	}
	srv, err := server.New(ctx, server.Config{
		Store: p.store, Search: p.index, Territory: p.terr, Theme: theme, Refs: p.refs, Log: log,
		BaseURL: c.BaseURL, PollInterval: c.Poll,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		_ = srv.Shutdown(time.Second)
		return fmt.Errorf("listen on %s: %w", c.Addr, err)
	}
	log.Info("serving", "url", "http://"+ln.Addr().String(), "repository", c.repoDir(),
		"startup_ms", time.Since(start).Milliseconds())
	fmt.Fprintf(stdout, "aiguillage: http://%s\n", ln.Addr())

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		_ = srv.Shutdown(5 * time.Second)
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	if err := srv.Shutdown(10 * time.Second); err != nil {
		return err
	}
	return nil
}

func loadTheme(name, lang string) (*themes.Theme, error) {
	fsys, err := themes.FS(name)
	if err != nil {
		return nil, err
	}
	return themes.Load(fsys, lang)
}
