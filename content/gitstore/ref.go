package gitstore

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/aiguillage/aiguillage/content"
)

var (
	// errRefMissing: the branch does not exist (an empty repository).
	errRefMissing = errors.New("branch does not exist")
	// errRefMoved: the branch moved between the read and the update.
	errRefMoved = errors.New("branch moved")
)

// readRef reads the branch tip from its loose ref file, or from
// packed-refs when there is no loose ref. It does not touch go-git, so it is
// cheap and safe to call from any goroutine.
func (s *Store) readRef() (plumbing.Hash, error) { return s.readNamedRef(s.refName) }

// readNamedRef is readRef for any ref (refs/...).
func (s *Store) readNamedRef(refName string) (plumbing.Hash, error) {
	b, err := os.ReadFile(filepath.Join(s.gitDir, filepath.FromSlash(refName)))
	if err == nil {
		line := string(bytes.TrimRight(b, "\n"))
		if !isHex40(line) {
			return plumbing.ZeroHash, fmt.Errorf("ref %s is corrupt (content %q): restore it, e.g. from logs/%s or `git fsck --lost-found`",
				refName, truncate(line, 60), refName)
		}
		return plumbing.NewHash(line), nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return plumbing.ZeroHash, err
	}
	return s.readPackedRef(refName)
}

func (s *Store) readPackedRef(refName string) (plumbing.Hash, error) {
	f, err := os.Open(filepath.Join(s.gitDir, "packed-refs"))
	if errors.Is(err, fs.ErrNotExist) {
		return plumbing.ZeroHash, errRefMissing
	}
	if err != nil {
		return plumbing.ZeroHash, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		hash, name, ok := bytes.Cut(sc.Bytes(), []byte(" "))
		if !ok || string(name) != refName {
			continue
		}
		if !isHex40(string(hash)) {
			return plumbing.ZeroHash, fmt.Errorf("ref %s in packed-refs is corrupt", refName)
		}
		return plumbing.NewHash(string(hash)), nil
	}
	if err := sc.Err(); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("read packed-refs: %w", err)
	}
	return plumbing.ZeroHash, errRefMissing
}

// writeRef moves the branch from old (ZeroHash: absent) to new the way git
// does: take refs/heads/<branch>.lock exclusively (which also keeps the git
// CLI out), check that the branch is still at old, write and fsync the lock,
// rename it over the ref and fsync the folder. A branch found only in
// packed-refs gets a loose ref, which takes precedence. errRefMoved means
// someone else moved the branch.
func (s *Store) writeRef(old, new plumbing.Hash) error { return s.writeNamedRef(s.refName, old, new) }

// writeNamedRef is writeRef for any ref (refs/...).
func (s *Store) writeNamedRef(refName string, old, new plumbing.Hash) (err error) {
	ref := filepath.Join(s.gitDir, filepath.FromSlash(refName))
	dir := filepath.Dir(ref)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("gitstore: update %s: %w", refName, err)
	}
	lock := ref + ".lock"
	f, err := os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) && s.removeStaleLock(lock) {
		f, err = os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	}
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("gitstore: update %s: %s exists: another git process is updating the branch, or one crashed (then remove the file)", refName, lock)
	}
	if err != nil {
		return fmt.Errorf("gitstore: update %s: %w", refName, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(lock)
		}
	}()
	cur, err := s.readNamedRef(refName)
	if errors.Is(err, errRefMissing) {
		cur, err = plumbing.ZeroHash, nil
	}
	if err != nil {
		return fmt.Errorf("gitstore: update %s: %w", refName, err)
	}
	if cur != old {
		return errRefMoved
	}
	if _, err = f.WriteString(new.String() + "\n"); err != nil {
		return fmt.Errorf("gitstore: update %s: %w", refName, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("gitstore: update %s: %w", refName, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("gitstore: update %s: %w", refName, err)
	}
	if err = os.Rename(lock, ref); err != nil {
		return fmt.Errorf("gitstore: update %s: %w", refName, err)
	}
	if err := syncFile(dir); err != nil {
		// The ref is renamed: the commit is visible, only its durability
		// across a power loss is in doubt. Do not report a failed commit.
		s.log.Warn("gitstore: fsync refs folder", "err", err)
	}
	return nil
}

// staleLock is the age from which a ref lock is taken to be left by a
// crashed process: git holds one for milliseconds.
const staleLock = 30 * time.Second

// removeStaleLock removes lock if it is old enough to have been left by a
// crash (ours, killed between lock and rename, or a git command's), and
// reports whether it did.
func (s *Store) removeStaleLock(lock string) bool {
	st, err := os.Stat(lock)
	if err != nil || time.Since(st.ModTime()) < staleLock {
		return false
	}
	if err := os.Remove(lock); err != nil {
		return false
	}
	s.log.Warn("gitstore: removed a stale ref lock", "lock", lock, "age", time.Since(st.ModTime()).Round(time.Second).String())
	return true
}

func isHex40(s string) bool {
	_, ok := parseRev(content.Revision(s))
	return ok
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func syncFile(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("fsync %s: %w", name, err)
	}
	return nil
}
