package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/content/gitstore"
)

// check validates a content repository and prints every problem. It exits
// 1 when any problem is an error, so it can serve as a pre-commit hook.
//
// PATH (default: --content, else the current folder) is read as a work tree
// when it has the content folders, which is what a partner's hook checks;
// otherwise, or with --rev, it is opened as a git repository and read at the
// branch's tip or at that revision.
func check(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var format, rev string
	c, fs, err := parse("check", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&format, "format", "text", "output: text (one problem a line) or json")
		fs.StringVar(&rev, "rev", "", "check this revision of the git repository instead of the work tree")
	})
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return exitError(2)
	}
	dir := fs.Arg(0)
	if dir == "" {
		dir = c.Content
	}
	if dir == "" {
		dir = "."
	}
	files, err := checkFiles(ctx, c, dir, rev)
	if err != nil {
		return err
	}
	refs, err := content.LoadReferentials()
	if err != nil {
		return err
	}
	problems := content.Check(files, refs)
	if err := report(stdout, format, files, problems); err != nil {
		return err
	}
	for _, p := range problems {
		if !p.Warning {
			return exitError(1)
		}
	}
	return nil
}

func checkFiles(ctx context.Context, c config, dir, rev string) ([]content.File, error) {
	if rev == "" && isWorkTree(dir) {
		return readWorkTree(dir)
	}
	state, err := os.MkdirTemp("", "aiguillage-check-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(state)
	store, err := gitstore.Open(ctx, gitstore.Config{Dir: dir, Branch: c.Branch, StateDir: state, GitPath: "-"})
	if err != nil {
		return nil, err
	}
	defer store.Close()
	r := content.Revision(rev)
	if r == "" {
		if r, err = store.Head(ctx); err != nil {
			return nil, err
		}
	}
	return store.Files(ctx, r)
}

func isWorkTree(dir string) bool {
	for _, kind := range content.Kinds {
		if st, err := os.Stat(filepath.Join(dir, string(kind))); err == nil && st.IsDir() {
			return true
		}
	}
	return false
}

// readWorkTree reads the page files and settings of a work tree, as git
// would list them (the .git folder is skipped).
func readWorkTree(dir string) ([]content.File, error) {
	var files []content.File
	root := os.DirFS(dir)
	err := fs.WalkDir(root, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name == ".git" {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".md") && !strings.HasPrefix(name, ".aiguillage/") {
			return nil
		}
		data, err := readLimited(root, name)
		if err != nil {
			return err
		}
		files = append(files, content.File{Name: name, Data: data})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	return files, nil
}

// readLimited reads at most a little more than the largest valid file, so
// a huge file is reported as too large without being loaded whole.
func readLimited(root fs.FS, name string) ([]byte, error) {
	f, err := root.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, content.MaxFileSize+1))
}

func report(w io.Writer, format string, files []content.File, problems []content.Problem) error {
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
		return enc.Encode(map[string]any{"files": len(files), "errors": errs, "warnings": warns, "problems": nonNil(problems)})
	}
	for _, p := range problems {
		level := "erreur"
		if p.Warning {
			level = "avertissement"
		}
		fmt.Fprintf(w, "%s [%s]\n", p.Error(), level)
	}
	fmt.Fprintf(w, "%d fichier(s) vérifié(s) : %d erreur(s), %d avertissement(s)\n", len(files), errs, warns)
	return nil
}

func nonNil(p []content.Problem) []content.Problem {
	if p == nil {
		return []content.Problem{}
	}
	return p
}
