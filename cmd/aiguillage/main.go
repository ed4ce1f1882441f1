// Command aiguillage serves the shared directory of social services from a
// git content repository, and checks or re-indexes such a repository.
//
//	aiguillage [serve] [--addr 127.0.0.1:8080] [--data ./aiguillage-data] [--content PATH]
//	aiguillage check [--format text|json] [PATH]
//	aiguillage reindex [--data DIR] [--content PATH]
//	aiguillage user add --email E --name N --role admin|editeur|agent [--structure SLUG]... < password
//	aiguillage user token --email E [--name N]
//	aiguillage export [--format data-inclusion|csv|all] [--data DIR] [--content PATH] DIR
//	aiguillage import [--dry-run] [--mapping F] --author-email E [--data DIR] [--content PATH] FILE...
//
// Every flag may also be set with an AIGUILLAGE_* environment variable
// (AIGUILLAGE_ADDR, AIGUILLAGE_DATA, ...); a flag wins over the variable.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	_ "time/tzdata" // opening hours are evaluated in Europe/Paris even on a machine without tzdata
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	var exit exitError
	switch {
	case errors.As(err, &exit):
		os.Exit(int(exit))
	case err != nil:
		fmt.Fprintln(os.Stderr, "aiguillage:", err)
		os.Exit(2)
	}
}

// exitError ends the program with a status and no further message: the
// command has already said what went wrong.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// run is the whole program, with its environment passed in so tests can
// boot it on a free port with a temporary data folder. Cancelling ctx stops
// the server gracefully.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	switch name {
	case "serve":
		return serve(ctx, args, getenv, stdout, stderr)
	case "check":
		return check(ctx, args, getenv, stdout, stderr)
	case "reindex":
		return reindex(ctx, args, getenv, stdout, stderr)
	case "user":
		return user(ctx, args, getenv, stdin, stdout, stderr)
	case "export":
		return export(ctx, args, getenv, stdout, stderr)
	case "import":
		return importData(ctx, args, getenv, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "aiguillage: unknown command %q\n\n%s", name, usage)
	return exitError(2)
}

// usageErr maps parse's outcome to run's: nil after -h, exit status 2 for a
// usage error (already reported).
func usageErr(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return exitError(2)
}

const usage = `Usage:
  aiguillage [serve] [flags]      serve the directory (default command)
  aiguillage check [flags] [PATH] validate a content repository; exit 1 on any error
  aiguillage reindex [flags]      rebuild the search index from the repository
  aiguillage user add [flags]     create an account (password on standard input)
  aiguillage user token [flags]   print a new personal access token of an account
  aiguillage export [flags] DIR   write the public directory in the data·inclusion schema
  aiguillage import [flags] FILE... import data·inclusion JSON, CSV or XLSX as one commit

With no flags, the server listens on http://127.0.0.1:8080 and serves a demo
repository it creates in ./aiguillage-data; --content PATH serves an existing
content git repository instead. Every flag may also be set with an
AIGUILLAGE_* environment variable; a flag wins over its variable.

Run "aiguillage COMMAND -h" for the flags of a command.
`
