package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// config is every setting of the program, from flags and AIGUILLAGE_*
// environment variables.
type config struct {
	Addr     string
	Data     string
	Content  string
	Branch   string
	Theme    string
	Lang     string
	BaseURL  string
	LogLevel string
	LogJSON  bool
	Poll     time.Duration
}

// flags declares the settings on fs, with defaults taken from the
// environment, so that "flag > environment > default" holds.
func (c *config) flags(fs *flag.FlagSet, getenv func(string) string) {
	env := func(name, def string) string {
		if v := getenv("AIGUILLAGE_" + name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.Addr, "addr", env("ADDR", "127.0.0.1:8080"), "listen address (AIGUILLAGE_ADDR)")
	fs.StringVar(&c.Data, "data", env("DATA", "aiguillage-data"), "data folder: demo repository, index, caches (AIGUILLAGE_DATA)")
	fs.StringVar(&c.Content, "content", env("CONTENT", ""), "serve this existing git content repository instead of the demo (AIGUILLAGE_CONTENT)")
	fs.StringVar(&c.Branch, "branch", env("BRANCH", "main"), "branch of the content repository to serve and commit to (AIGUILLAGE_BRANCH)")
	fs.StringVar(&c.Theme, "theme", env("THEME", ""), "built-in theme: default or contraste; empty: the repository's config, else default (AIGUILLAGE_THEME)")
	fs.StringVar(&c.Lang, "lang", env("LANG_UI", "fr"), "interface language: fr or en (AIGUILLAGE_LANG_UI)")
	fs.StringVar(&c.BaseURL, "base-url", env("BASE_URL", ""), "public URL of the site, for canonical links (AIGUILLAGE_BASE_URL)")
	fs.StringVar(&c.LogLevel, "log-level", env("LOG_LEVEL", "info"), "debug, info, warn or error (AIGUILLAGE_LOG_LEVEL)")
	fs.BoolVar(&c.LogJSON, "log-json", env("LOG_JSON", "") == "1", "log JSON lines instead of text (AIGUILLAGE_LOG_JSON=1)")
	poll, err := time.ParseDuration(env("POLL", "2s"))
	if err != nil {
		poll = 2 * time.Second
	}
	fs.DurationVar(&c.Poll, "poll", poll, "how often to look for commits made outside the server; negative disables (AIGUILLAGE_POLL)")
}

// parse reads args into a config; -h prints the flags and returns
// flag.ErrHelp.
func parse(name string, args []string, getenv func(string) string, stderr io.Writer, extra func(*flag.FlagSet)) (config, *flag.FlagSet, error) {
	var c config
	fs := flag.NewFlagSet("aiguillage "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c.flags(fs, getenv)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return c, fs, err
	}
	return c, fs, nil
}

func (c config) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.LogJSON {
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return slog.New(slog.NewTextHandler(w, opts)), nil
}

// repoDir is the content repository to open: the --content one, or the demo
// repository inside the data folder.
func (c config) repoDir() string {
	if c.Content != "" {
		return c.Content
	}
	return filepath.Join(c.Data, "content.git")
}

// stateDir holds derived state. With --content it is a sub-folder of the
// data folder named after the repository's absolute path, so two
// repositories never share an index.
func (c config) stateDir() (string, error) {
	if c.Content == "" {
		return filepath.Join(c.Data, "state"), nil
	}
	abs, err := filepath.Abs(c.Content)
	if err != nil {
		return "", fmt.Errorf("--content: %w", err)
	}
	name := strings.Trim(strings.NewReplacer("/", "_", "\\", "_", ":", "_").Replace(abs), "_")
	return filepath.Join(c.Data, "state", name), nil
}

func ensureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	return nil
}
