package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/content/gitstore"
)

// fileSet is what check reads of a repository: the files to parse, and
// problems of files it could not hand to the parser.
type fileSet struct {
	files  []content.File
	unread []content.Problem
}

func (s fileSet) count() int { return len(s.files) + len(s.unread) }

// readRepository reads dir as a work tree when it has the content folders
// and no revision is asked for, else as a git repository at rev (default:
// the branch's tip).
func readRepository(ctx context.Context, dir, branch, rev string) (fileSet, error) {
	if rev == "" && isWorkTree(dir) {
		return readWorkTree(dir)
	}
	var set fileSet
	state, err := os.MkdirTemp("", "aiguillage-check-")
	if err != nil {
		return set, err
	}
	defer os.RemoveAll(state)
	if branch == "" {
		branch = headBranch(ctx, dir)
	}
	// No git CLI for the store: check never needs the history index that
	// the CLI would build faster.
	store, err := gitstore.Open(ctx, gitstore.Config{Dir: dir, Branch: branch, StateDir: state, GitPath: "-"})
	if err != nil {
		return set, fmt.Errorf("branch %s: %w", branch, err)
	}
	defer store.Close()
	var r content.Revision
	if rev == "" {
		r, err = store.Head(ctx)
	} else {
		r, err = resolveRev(ctx, dir, rev)
	}
	if err != nil {
		return set, err
	}
	set.files, err = store.Files(ctx, r)
	return set, err
}

// resolveRev turns a revision name into a commit hash with the git CLI; a
// full hash needs no CLI.
func resolveRev(ctx context.Context, dir, rev string) (content.Revision, error) {
	if len(rev) == 40 && strings.Trim(strings.ToLower(rev), "0123456789abcdef") == "" {
		return content.Revision(strings.ToLower(rev)), nil
	}
	git, err := exec.LookPath("git")
	if err != nil {
		return "", fmt.Errorf("--rev %s: name the full commit hash (the git CLI, which resolves names, is not installed)", rev)
	}
	out, err := exec.CommandContext(ctx, git, "-C", dir, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}").Output()
	if err != nil {
		return "", fmt.Errorf("--rev %s: no such commit in %s", rev, dir)
	}
	return content.Revision(strings.TrimSpace(string(out))), nil
}

// headBranch is the branch HEAD names in the repository (what a clone
// checks out), "main" when it cannot be told.
func headBranch(ctx context.Context, dir string) string {
	git, err := exec.LookPath("git")
	if err != nil {
		return "main"
	}
	out, err := exec.CommandContext(ctx, git, "-C", dir, "symbolic-ref", "--quiet", "--short", "HEAD").Output()
	if b := strings.TrimSpace(string(out)); err == nil && b != "" {
		return b
	}
	return "main"
}

func isWorkTree(dir string) bool {
	for _, kind := range content.Kinds {
		if st, err := os.Stat(filepath.Join(dir, string(kind))); err == nil && st.IsDir() {
			return true
		}
	}
	return false
}

// readWorkTree reads the files of a work tree the server would read from a
// commit of it: Markdown files and settings (the .git folder is skipped).
// A page that git would not store as a file (a symbolic link) or that is
// too large to publish is reported without being read whole.
func readWorkTree(dir string) (fileSet, error) {
	var set fileSet
	root := os.DirFS(dir)
	err := fs.WalkDir(root, ".", func(name string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && name == ".git":
			return fs.SkipDir
		case d.IsDir() || !strings.HasSuffix(name, ".md") && !strings.HasPrefix(name, ".aiguillage/"):
			return nil
		}
		p, err := unreadable(d, name)
		if err != nil || p != nil {
			if p != nil {
				set.unread = append(set.unread, *p)
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil // a device or a socket: not something git stores
		}
		data, err := readLimited(root, name)
		if err != nil {
			return err
		}
		set.files = append(set.files, content.File{Name: name, Data: data})
		return nil
	})
	if err != nil {
		return set, fmt.Errorf("read %s: %w", dir, err)
	}
	return set, nil
}

// unreadable reports a page file that is a symbolic link or larger than
// content.MaxFileSize.
func unreadable(d fs.DirEntry, name string) (*content.Problem, error) {
	if !isPageName(name) {
		return nil, nil
	}
	if d.Type()&fs.ModeSymlink != 0 {
		return &content.Problem{File: name, Code: content.CodeSymlink, Message: content.SymlinkMessage}, nil
	}
	info, err := d.Info()
	if err != nil {
		return nil, err
	}
	if info.Size() > content.MaxFileSize {
		pr := content.TooLargeProblem(name, info.Size(), content.MaxFileSize)
		return &pr, nil
	}
	return nil, nil
}

// isPageName reports whether name is a .md file in a page folder (valid
// slug or not), as the catalogue sees it.
func isPageName(name string) bool {
	kind, _, ok := strings.Cut(name, "/")
	return ok && strings.HasSuffix(name, ".md") && slices.Contains(content.Kinds, content.Kind(kind))
}

// readLimited reads at most a little more than the largest valid file, so
// a file that grows while it is read is still reported as too large
// without being loaded whole.
func readLimited(root fs.FS, name string) ([]byte, error) {
	f, err := root.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, content.MaxFileSize+1))
}
