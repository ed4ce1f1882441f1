package gitstore

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/aiguillage/aiguillage/content"
)

// Side refs hold commits that are not (yet) on the branch, such as the
// proposals of refs/propositions/*: each is a small chain of commits whose
// first parent is a commit of the branch. They are never merged into the
// branch by git; the history index ignores them.

// checkSideRef accepts a valid ref name under refs/ that is not a branch or
// a tag: a side ref must never move what the site serves.
func checkSideRef(ref string) error {
	if !strings.HasPrefix(ref, "refs/") || strings.HasPrefix(ref, "refs/heads/") || strings.HasPrefix(ref, "refs/tags/") ||
		strings.HasSuffix(ref, ".lock") || plumbing.ReferenceName(ref).Validate() != nil {
		return fmt.Errorf("gitstore: ref %q: %w", ref, content.ErrInvalidPath)
	}
	return checkName(ref)
}

// Refs lists the refs whose names start with prefix (which must start with
// "refs/"), loose or packed, with the commit each points to. A loose ref
// wins over its packed copy, as in git.
func (s *Store) Refs(ctx context.Context, prefix string) (map[string]content.Revision, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(prefix, "refs/") {
		return nil, fmt.Errorf("gitstore: list refs %q: %w", prefix, content.ErrInvalidPath)
	}
	out, err := s.packedRefs(prefix)
	if err != nil {
		return nil, err
	}
	// Walk the folder holding the prefix: "refs/propositions/" walks
	// refs/propositions, "refs/propositions/ab" walks refs/propositions too.
	dir := prefix[:strings.LastIndexByte(prefix, '/')]
	root := filepath.Join(s.gitDir, filepath.FromSlash(dir))
	err = filepath.WalkDir(root, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || strings.HasSuffix(name, ".lock") {
			return nil
		}
		rel, err := filepath.Rel(s.gitDir, name)
		if err != nil {
			return err
		}
		ref := filepath.ToSlash(rel)
		if !strings.HasPrefix(ref, prefix) {
			return nil
		}
		hash, err := s.readNamedRef(ref)
		if err != nil {
			// A corrupt side ref must not hide the others: skip it, loudly.
			s.log.Warn("gitstore: unreadable ref skipped", "ref", ref, "err", err)
			return nil
		}
		out[ref] = content.Revision(hash.String())
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("gitstore: list refs %s: %w", prefix, err)
	}
	return out, nil
}

// packedRefs reads the packed refs starting with prefix.
func (s *Store) packedRefs(prefix string) (map[string]content.Revision, error) {
	out := make(map[string]content.Revision)
	f, err := os.Open(filepath.Join(s.gitDir, "packed-refs"))
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("gitstore: list refs: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		hash, name, ok := bytes.Cut(sc.Bytes(), []byte(" "))
		if ok && strings.HasPrefix(string(name), prefix) && isHex40(string(hash)) {
			out[string(name)] = content.Revision(hash)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("gitstore: list refs: read packed-refs: %w", err)
	}
	return out, nil
}

// CommitRef makes one commit on the side ref ref (see checkSideRef) and
// moves the ref to it, from old ("" when the ref must not exist yet).
// ch.Base is the new commit's parent and is required; the commit's tree is
// the parent's with ch's writes and deletes applied, and may equal it (a
// commit that only records a message). ErrConflict when the ref is not at
// old any more. The branch and its history index are not touched. Commits
// are serialized with Commit's.
func (s *Store) CommitRef(ctx context.Context, ref string, old content.Revision, ch content.Change) (content.Commit, error) {
	if err := checkSideRef(ref); err != nil {
		return content.Commit{}, err
	}
	ed, err := edits(ch)
	if err != nil {
		return content.Commit{}, err
	}
	parent, ok := parseRev(ch.Base)
	if !ok {
		return content.Commit{}, fmt.Errorf("gitstore: commit on %s: parent %q: %w", ref, ch.Base, content.ErrInvalid)
	}
	oldHash := plumbing.ZeroHash
	if old != "" {
		if oldHash, ok = parseRev(old); !ok {
			return content.Commit{}, fmt.Errorf("gitstore: commit on %s: old %q: %w", ref, old, content.ErrInvalid)
		}
	}
	if err := ctx.Err(); err != nil {
		return content.Commit{}, err
	}
	s.commitMu.Lock()
	defer s.commitMu.Unlock()
	w := s.writer
	pc, err := w.commit(parent)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return content.Commit{}, fmt.Errorf("gitstore: commit on %s: parent %s: %w", ref, ch.Base.Short(), content.ErrNotFound)
	}
	if err != nil {
		return content.Commit{}, fmt.Errorf("gitstore: commit on %s: read parent %s: %w", ref, ch.Base.Short(), err)
	}
	b := &builder{h: w}
	tree, err := b.build(pc.TreeHash, "", ed)
	if err != nil {
		return content.Commit{}, err
	}
	rec, err := s.writeCommit(b, parent, tree, ch.Author, ch.Message)
	if err != nil {
		return content.Commit{}, err
	}
	rec.files = b.changed
	if err := s.writeNamedRef(ref, oldHash, rec.hash); err != nil {
		if errors.Is(err, errRefMoved) {
			return content.Commit{}, fmt.Errorf("gitstore: commit on %s: the ref moved: %w", ref, content.ErrConflict)
		}
		return content.Commit{}, err
	}
	s.maint.committed()
	return rec.commit(), nil
}

// Ref returns the commit the side ref ref points to; content.ErrNotFound
// when there is no such ref.
func (s *Store) Ref(ctx context.Context, ref string) (content.Revision, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := checkSideRef(ref); err != nil {
		return "", err
	}
	hash, err := s.readNamedRef(ref)
	if errors.Is(err, errRefMissing) {
		return "", fmt.Errorf("gitstore: ref %s: %w", ref, content.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("gitstore: ref %s: %w", ref, err)
	}
	return content.Revision(hash.String()), nil
}
