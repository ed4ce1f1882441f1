// Package gitstore keeps aiguillage's content in a git repository through
// go-git: it reads files at any revision, lists what changed between two
// revisions, commits changes with plumbing only (bare or non-bare
// repositories alike, never touching a work tree or the index file), and
// serves the history of a file from a bbolt index kept next to the
// repository.
//
// Durability: objects are written and fsynced before the branch moves, and
// the branch moves by writing refs/heads/<branch>.lock, fsyncing it and
// renaming it over the ref (git's own protocol, so the git CLI and the store
// exclude each other). A crash therefore leaves the branch either on the old
// commit or on the new one, never on a missing object; at worst it leaves
// unreferenced loose objects (harmless, collected by git gc) or a stale
// .lock file, which the next commit takes over once it is 30 seconds old
// (git holds such a lock for milliseconds). The history index (bbolt) is
// updated after the ref: after a crash it lags, and is caught up from git.
//
// In a repository with a work tree, the store moves the branch without
// touching the work tree or the index file, like a push to a checked-out
// branch would: `git status` there then shows the store's commits as
// reverted changes until someone runs `git reset --hard` or `git pull`.
//
// Other processes may commit with the git CLI meanwhile (they take the same
// lock); Head, History and Log notice it. The history index is built with
// `git log` when the CLI is available (Config.GitPath), else with go-git.
package gitstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/aiguillage/aiguillage/content"
)

// ErrNoChange is returned by Commit when the change leaves the tree as it
// is: no commit is made.
var ErrNoChange = errors.New("gitstore: nothing to commit")

// Config says where the repository and the derived state live.
type Config struct {
	// Dir is the content repository, bare or with a work tree. If it holds
	// no repository and Seed is non-nil, a bare repository is created there
	// and Seed committed as its first commit.
	Dir string
	// Branch is the branch served and committed to; "main" when empty.
	Branch string
	// Seed is demo content (structures/..., services/..., pages/...,
	// .aiguillage/... at its root) for a new repository; may be nil.
	Seed fs.FS
	// StateDir holds derived state: the path-history index at
	// StateDir/history.db. Created if missing. Empty: no index, History
	// and Log walk the repository (for one-shot commands, which must not
	// wait for the index a running server keeps locked).
	StateDir string
	// Log receives diagnostics; nil discards them.
	Log *slog.Logger
	// Now is the clock for commit dates; time.Now when nil.
	Now func() time.Time
	// GitPath is the git CLI used to build the history index quickly: ""
	// looks "git" up on PATH, "-" never uses the CLI (go-git only).
	GitPath string
}

// Store is the content repository. Its methods are safe for concurrent use.
type Store struct {
	dir     string // as configured
	gitDir  string // the directory holding objects/ and refs/
	branch  string
	refName string // refs/heads/<branch>
	log     *slog.Logger
	now     func() time.Time
	gitPath string // "" when the CLI is not used

	splitMin int // history length from which the index build runs two git processes

	readers chan *handle // pool of independent go-git handles for reads
	all     []*handle    // every handle, to close them

	commitMu sync.Mutex // one writer at a time
	writer   *handle    // used under commitMu only

	// committed holds the trees the last commits wrote, decoded, for every
	// handle: after a save, the readers that bring the catalogue to it
	// would otherwise decode again the 450 KB tree of a 10,000-file folder
	// that the writer has just encoded.
	committed *treeCache

	maint *maintenance

	ix *index
}

// Open opens (or, with a Seed, creates) the repository described by cfg,
// checks that its branch resolves to a commit, and opens the history index,
// building or catching it up in the background when that cannot be done at
// once.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	s, err := newStore(cfg)
	if err != nil {
		return nil, err
	}
	if err := s.openRepo(ctx, cfg.Seed); err != nil {
		s.closeHandles()
		return nil, err
	}
	if cfg.StateDir != "" {
		ix, err := openIndex(filepath.Join(cfg.StateDir, "history.db"), s.branch)
		if err != nil {
			s.closeHandles()
			return nil, err
		}
		s.ix = ix
		s.startIndex(ctx)
	}
	s.maint = newMaintenance(s.gitPath, s.gitDir, s.log)
	if s.ix != nil {
		// A store with a history index serves for long: check at once for
		// loose objects piled up while stopped. A one-shot command's store
		// would kill the work when it closes a moment later.
		s.maint.start()
	}
	return s, nil
}

func newStore(cfg Config) (*Store, error) {
	if cfg.Dir == "" {
		return nil, errors.New("gitstore: Config.Dir is required")
	}
	branch := cfg.Branch
	if branch == "" {
		branch = "main"
	}
	refName := plumbing.NewBranchReferenceName(branch)
	if err := refName.Validate(); err != nil {
		return nil, fmt.Errorf("gitstore: branch %q: %w", branch, err)
	}
	if cfg.StateDir != "" {
		if err := os.MkdirAll(cfg.StateDir, 0o755); err != nil {
			return nil, fmt.Errorf("gitstore: state dir: %w", err)
		}
	}
	s := &Store{
		dir:     cfg.Dir,
		branch:  branch,
		refName: string(refName),
		log:     cfg.Log,
		now:     cfg.Now,

		splitMin:  splitMin,
		committed: newTreeCache(committedTreesSize),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	switch cfg.GitPath {
	case "-":
	case "":
		if p, err := exec.LookPath("git"); err == nil {
			s.gitPath = p
		}
	default:
		s.gitPath = cfg.GitPath
	}
	return s, nil
}

// openRepo finds (or creates) the git directory, opens the handles and
// checks that the branch names a readable commit.
func (s *Store) openRepo(ctx context.Context, seed fs.FS) error {
	gitDir, err := findGitDir(s.dir)
	if err != nil {
		return err
	}
	created := false
	if gitDir == "" {
		if seed == nil {
			return fmt.Errorf("gitstore: open %s: no git repository there and no seed", s.dir)
		}
		if err := initBare(s.dir, s.refName); err != nil {
			return err
		}
		gitDir, created = s.dir, true
	}
	s.gitDir = gitDir
	n := max(2, runtime.GOMAXPROCS(0))
	s.readers = make(chan *handle, n)
	for range n {
		h := s.newHandle()
		s.all = append(s.all, h)
		s.readers <- h
	}
	s.writer = s.newHandle()
	s.all = append(s.all, s.writer)

	head, err := s.readRef()
	if errors.Is(err, errRefMissing) && seed != nil {
		if err := s.commitSeed(ctx, seed); err != nil {
			return err
		}
		head, err = s.readRef()
	}
	if err != nil {
		return fmt.Errorf("gitstore: open %s: %w", s.dir, err)
	}
	if _, err := s.writer.commit(head); err != nil {
		return fmt.Errorf("gitstore: open %s: branch %s points to %s, which cannot be read (corrupt repository?): %w",
			s.dir, s.branch, head, err)
	}
	if created {
		s.log.Info("gitstore: created repository from seed", "dir", s.dir, "branch", s.branch, "head", head.String())
	}
	return nil
}

// findGitDir returns the git directory of dir: dir/.git for a repository
// with a work tree (following a "gitdir:" file), dir itself when bare, ""
// when dir holds no repository (missing or empty).
func findGitDir(dir string) (string, error) {
	dotGit := filepath.Join(dir, ".git")
	st, err := os.Stat(dotGit)
	switch {
	case err == nil && st.IsDir():
		return dotGit, nil
	case err == nil:
		b, err := os.ReadFile(dotGit)
		if err != nil {
			return "", fmt.Errorf("gitstore: open %s: %w", dir, err)
		}
		target, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
		if !ok {
			return "", fmt.Errorf("gitstore: open %s: malformed .git file", dir)
		}
		target = strings.TrimSpace(target)
		if !filepath.IsAbs(target) {
			target = filepath.Join(dir, target)
		}
		return target, nil
	}
	if isBare(dir) {
		return dir, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("gitstore: open %s: %w", dir, err)
	}
	if len(entries) > 0 {
		return "", fmt.Errorf("gitstore: open %s: not a git repository and not empty", dir)
	}
	return "", nil
}

func isBare(dir string) bool {
	for _, name := range []string{"HEAD", "objects", "refs"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return false
		}
	}
	return true
}

// Close stops the background index work, waits for it and releases the
// repository handles and the index. The Store must not be used afterwards.
func (s *Store) Close() error {
	s.maint.close()
	var err error
	if s.ix != nil {
		err = s.ix.close()
	}
	s.closeHandles()
	return err
}

func (s *Store) closeHandles() {
	for _, h := range s.all {
		h.close()
	}
	s.all = nil
}

// Head returns the commit at the tip of the branch. It reads the ref file
// only, so it is cheap enough to poll for commits made by others.
func (s *Store) Head(ctx context.Context) (content.Revision, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	h, err := s.readRef()
	if err != nil {
		if errors.Is(err, errRefMissing) {
			return "", fmt.Errorf("gitstore: head of %s: %w", s.branch, content.ErrNotFound)
		}
		return "", fmt.Errorf("gitstore: head of %s: %w", s.branch, err)
	}
	return content.Revision(h.String()), nil
}

// acquire takes a read handle from the pool, waiting for one if need be.
func (s *Store) acquire(ctx context.Context) (*handle, error) {
	select {
	case h := <-s.readers:
		return h, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s *Store) release(h *handle) { s.readers <- h }

// parseRev checks that rev is a full hex object name.
func parseRev(rev content.Revision) (plumbing.Hash, bool) {
	if len(rev) != 40 {
		return plumbing.ZeroHash, false
	}
	for _, c := range []byte(rev) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return plumbing.ZeroHash, false
		}
	}
	return plumbing.NewHash(string(rev)), true
}
