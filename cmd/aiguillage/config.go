package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aiguillage/aiguillage/themes"
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
	Proxies  string // trusted reverse proxies, comma-separated
}

// Groups of settings, so each command declares only the flags it reads.
func (c *config) repoFlags(fs *flag.FlagSet) {
	c.dataFlag(fs)
	fs.StringVar(&c.Content, "content", "", "serve this existing content git repository instead of the demo; --data then holds only derived state (AIGUILLAGE_CONTENT)")
	fs.StringVar(&c.Branch, "branch", "main", "branch of the content repository to serve and commit to (AIGUILLAGE_BRANCH)")
}

func (c *config) dataFlag(fs *flag.FlagSet) {
	fs.StringVar(&c.Data, "data", "aiguillage-data", "data folder: demo repository, search index, history index, accounts (AIGUILLAGE_DATA)")
}

func (c *config) logFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.LogLevel, "log-level", "info", "debug, info, warn or error (AIGUILLAGE_LOG_LEVEL)")
	fs.Var(boolFlag{&c.LogJSON}, "log-json", "log JSON lines instead of text (AIGUILLAGE_LOG_JSON=1)")
}

func (c *config) serverFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "listen address; port 0 picks a free port (AIGUILLAGE_ADDR)")
	fs.StringVar(&c.Theme, "theme", "", "built-in theme: "+strings.Join(themes.Builtin(), " or ")+"; empty: the repository's config.yaml, else default (AIGUILLAGE_THEME)")
	fs.StringVar(&c.Lang, "lang", "fr", "interface language (AIGUILLAGE_LANG_UI)")
	fs.StringVar(&c.BaseURL, "base-url", "", "public URL of the site, for canonical links (AIGUILLAGE_BASE_URL)")
	fs.StringVar(&c.Proxies, "trusted-proxies", "", "comma-separated addresses or CIDR prefixes of reverse proxies whose X-Forwarded-For is believed (AIGUILLAGE_TRUSTED_PROXIES)")
	c.Poll = 500 * time.Millisecond // a commit pushed from outside is searchable within a second
	fs.Var(durationFlag{&c.Poll}, "poll", "how often to look for commits made outside the server, as a `duration` (500ms, 2s); negative disables (AIGUILLAGE_POLL)")
}

// durationFlag and boolFlag are flag.DurationVar and flag.BoolVar with
// error messages that say what is expected, for flags and variables alike.
type durationFlag struct{ d *time.Duration }

func (f durationFlag) String() string {
	if f.d == nil {
		return ""
	}
	return f.d.String()
}

func (f durationFlag) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("want a duration such as 2s, 500ms or 1m")
	}
	*f.d = d
	return nil
}

type boolFlag struct{ b *bool }

func (f boolFlag) String() string   { return strconv.FormatBool(f.b != nil && *f.b) }
func (f boolFlag) IsBoolFlag() bool { return true }

func (f boolFlag) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("want 1 or 0 (true or false)")
	}
	*f.b = b
	return nil
}

// envName is the environment variable that backs a flag.
func envName(flag string) string {
	if flag == "lang" {
		return "AIGUILLAGE_LANG_UI" // AIGUILLAGE_LANG would read as the locale
	}
	return "AIGUILLAGE_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// command describes one subcommand for parse.
type command struct {
	name  string
	args  string // synopsis of the positional arguments, "" for none
	about string
	flags func(c *config, fs *flag.FlagSet) // config's flags, backed by the environment
	extra func(fs *flag.FlagSet)            // the command's own flags, flag only
	nargs int                               // how many positional arguments at most
}

// errUsage is returned by parse once it has told the user what is wrong.
var errUsage = errors.New("usage")

// parse reads args into a config and returns the positional arguments.
// Flags may come before or after them (check PATH --format json). A flag
// wins over its AIGUILLAGE_* variable, which wins over the default; a bad
// value in either is a usage error. -h prints the command's help on stdout
// and returns flag.ErrHelp; a usage error is printed on stderr and returns
// errUsage.
func parse(cmd command, args []string, getenv func(string) string, stdout, stderr io.Writer) (config, []string, error) {
	var c config
	fs := flag.NewFlagSet("aiguillage "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {} // the error alone, then a hint: see fail
	cmd.flags(&c, fs)
	var fromEnv []string
	fs.VisitAll(func(f *flag.Flag) { fromEnv = append(fromEnv, f.Name) })
	if cmd.extra != nil {
		cmd.extra(fs)
	}
	fail := func(format string, args ...any) (config, []string, error) {
		if format != "" {
			fmt.Fprintf(stderr, "aiguillage %s: "+format+"\n", append([]any{cmd.name}, args...)...)
		}
		fmt.Fprintf(stderr, "Run \"aiguillage %s -h\" for help.\n", cmd.name)
		return c, nil, errUsage
	}
	positional, err := parseArgs(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		printHelp(stdout, cmd, fs)
		return c, nil, err
	}
	if err != nil {
		return fail("") // the flag package has printed the error
	}
	if len(positional) > cmd.nargs {
		return fail("unexpected argument %q", positional[cmd.nargs])
	}
	if err := applyEnv(fs, fromEnv, getenv); err != nil {
		return fail("%v", err)
	}
	if err := c.validate(); err != nil {
		return fail("%v", err)
	}
	return c, positional, nil
}

// parseArgs parses flags wherever they are among the positional
// arguments, which it returns; after "--" every argument is positional.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(positional, rest...), nil
		}
		positional, args = append(positional, rest[0]), rest[1:]
	}
}

// applyEnv sets the flags named that the command line left unset from
// their AIGUILLAGE_* variables.
func applyEnv(fs *flag.FlagSet, names []string, getenv func(string) string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, name := range names {
		v := getenv(envName(name))
		if set[name] || v == "" {
			continue
		}
		if err := fs.Set(name, v); err != nil {
			return fmt.Errorf("invalid value %q for %s: %v", v, envName(name), err)
		}
	}
	return nil
}

// validate checks the values the flag package cannot.
func (c config) validate() error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); c.LogLevel != "" && err != nil {
		return fmt.Errorf("invalid log level %q: want debug, info, warn or error", c.LogLevel)
	}
	if c.Theme != "" && !slices.Contains(themes.Builtin(), c.Theme) {
		return fmt.Errorf("unknown theme %q: want %s", c.Theme, strings.Join(themes.Builtin(), " or "))
	}
	return nil
}

func printHelp(w io.Writer, cmd command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: aiguillage %s [flags]", cmd.name)
	if cmd.args != "" {
		fmt.Fprintf(w, " %s", cmd.args)
	}
	fmt.Fprintf(w, "\n\n%s\n\nFlags (a flag wins over its environment variable):\n", cmd.about)
	fs.SetOutput(w)
	fs.PrintDefaults()
}

func (c config) logger(w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.LogLevel)) // checked by validate
	opts := &slog.HandlerOptions{Level: level}
	if c.LogJSON {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
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
