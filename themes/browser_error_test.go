package themes_test

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/server"
)

// brokenLog is the repository of a server whose log cannot be read, so
// that /modifications answers with the error page (500): no route of the
// application fails on purpose.
type brokenLog struct{ server.Store }

func (brokenLog) Log(context.Context, int) ([]content.Commit, error) {
	return nil, errors.New("browser tests: the log fails on purpose")
}

// brokenURL is the base URL of a theme's server whose log fails.
func (e *env) brokenURL(theme, path string) string { return e.urls[theme+"-500"] + path }

// startBrokenServer starts, beside a theme's server, one with the same
// configuration on a repository whose log fails, without search or
// proposals (it serves the error page only, so it needs no index).
func (e *env) startBrokenServer(ctx context.Context, theme string, cfg server.Config) error {
	cfg.Store, cfg.Search, cfg.Proposals = brokenLog{cfg.Store}, nil, nil
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
	e.urls[theme+"-500"] = "http://" + ln.Addr().String()
	return nil
}
