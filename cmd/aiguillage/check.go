package main

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/aiguillage/aiguillage/content"
)

var checkCmd = command{
	name: "check",
	args: "[PATH]",
	about: `Validate a content repository and print every problem with its file, line
and field. Exit status 1 if any problem is an error (warnings alone exit 0),
so it works as a git pre-commit hook:

    #!/bin/sh
    exec aiguillage check .

PATH (default: --content, else the current folder) is read as a work tree
when it has a services, structures or pages folder; otherwise, or with
--rev, it is opened as a git repository and read at the branch's tip or at
that revision.`,
	flags: func(c *config, fs *flag.FlagSet) {
		fs.StringVar(&c.Content, "content", "", "repository to check when no PATH is given (AIGUILLAGE_CONTENT)")
		fs.StringVar(&c.Branch, "branch", "", "branch read in a git repository; default: the repository's HEAD, else main (AIGUILLAGE_BRANCH)")
	},
	nargs: 1,
}

// check validates a content repository and prints every problem. It exits
// 1 when any problem is an error, so it can serve as a pre-commit hook.
func check(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var format, rev string
	cmd := checkCmd
	cmd.extra = func(fs *flag.FlagSet) {
		fs.StringVar(&format, "format", "text", "output: text (one problem a line) or json")
		fs.StringVar(&rev, "rev", "", "check this revision of the git repository (commit, branch, tag, HEAD~1...) instead of the work tree")
	}
	c, paths, err := parse(cmd, args, getenv, stdout, stderr)
	if err == nil && format != "text" && format != "json" {
		fmt.Fprintf(stderr, "aiguillage check: unknown format %q: want text or json\nRun \"aiguillage check -h\" for help.\n", format)
		err = errUsage
	}
	if err != nil {
		return usageErr(err)
	}
	dir := c.Content
	if len(paths) > 0 {
		dir = paths[0]
	}
	dir = cmp.Or(dir, ".")
	set, err := readRepository(ctx, dir, c.Branch, rev)
	if err != nil {
		return fmt.Errorf("check %s: %w", dir, err)
	}
	refs, err := content.LoadReferentials()
	if err != nil {
		return err
	}
	problems := append(set.unread, content.Check(set.files, refs)...)
	slices.SortStableFunc(problems, func(a, b content.Problem) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	if err := report(stdout, format, set.count(), problems); err != nil {
		return err
	}
	for _, p := range problems {
		if !p.Warning {
			return exitError(1)
		}
	}
	return nil
}

func report(w io.Writer, format string, files int, problems []content.Problem) error {
	errs, warns := 0, 0
	for _, p := range problems {
		if p.Warning {
			warns++
		} else {
			errs++
		}
	}
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"files": files, "errors": errs, "warnings": warns, "problems": nonNil(problems)})
	}
	for _, p := range problems {
		level := "erreur"
		if p.Warning {
			level = "avertissement"
		}
		fmt.Fprintf(w, "%s [%s]\n", problemLine(p), level)
	}
	_, err := fmt.Fprintf(w, "%d fichier(s) vérifié(s) : %d erreur(s), %d avertissement(s)\n", files, errs, warns)
	return err
}

// problemLine formats p as "file:line: field: message", leaving the field
// out when the message already starts with it ("nom : champ obligatoire").
func problemLine(p content.Problem) string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteString(":" + strconv.Itoa(p.Line))
	}
	b.WriteString(": ")
	if p.Field != "" && !strings.HasPrefix(p.Message, p.Field+" ") && !strings.HasPrefix(p.Message, p.Field+":") {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

func nonNil(p []content.Problem) []content.Problem {
	if p == nil {
		return []content.Problem{}
	}
	return p
}
