package gitstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/aiguillage/aiguillage/content"
)

// maxRefRetries bounds how often Commit starts over when the branch moved
// under it (a commit made with the git CLI between our read and our write).
const maxRefRetries = 3

// edit is what a change does to one file: write data, or delete it.
type edit struct {
	data []byte
	del  bool
}

// checkName accepts a clean relative slash path: no leading slash, no empty,
// "." or ".." segment, no ".git" segment, no NUL or backslash.
func checkName(name string) error {
	if name == "" || strings.HasPrefix(name, "/") || strings.ContainsAny(name, "\x00\\") {
		return fmt.Errorf("gitstore: file name %q: %w", name, content.ErrInvalidPath)
	}
	for _, seg := range strings.Split(name, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.EqualFold(seg, ".git") {
			return fmt.Errorf("gitstore: file name %q: %w", name, content.ErrInvalidPath)
		}
	}
	return nil
}

// checkIdent refuses what would corrupt a commit header.
func checkIdent(a content.Author) error {
	if strings.TrimSpace(a.Name) == "" {
		return fmt.Errorf("gitstore: commit: author name required: %w", content.ErrInvalid)
	}
	for _, s := range []string{a.Name, a.Email} {
		if strings.ContainsAny(s, "<>\n\r\x00") {
			return fmt.Errorf("gitstore: commit: author %q <%s>: forbidden character: %w", a.Name, a.Email, content.ErrInvalid)
		}
	}
	return nil
}

// edits validates a change and turns it into one edit per file name.
func edits(ch content.Change) (map[string]edit, error) {
	if err := checkIdent(ch.Author); err != nil {
		return nil, err
	}
	if strings.ContainsRune(ch.Message, 0) {
		return nil, fmt.Errorf("gitstore: commit: message contains NUL: %w", content.ErrInvalid)
	}
	out := make(map[string]edit, len(ch.Writes)+len(ch.Deletes))
	for name, data := range ch.Writes {
		if err := checkName(name); err != nil {
			return nil, err
		}
		if len(data) > maxBlob {
			return nil, fmt.Errorf("gitstore: write %s: %d bytes: %w", name, len(data), content.ErrTooLarge)
		}
		out[name] = edit{data: data}
	}
	for _, name := range ch.Deletes {
		if err := checkName(name); err != nil {
			return nil, err
		}
		if _, ok := out[name]; ok {
			return nil, fmt.Errorf("gitstore: %s both written and deleted: %w", name, content.ErrInvalidPath)
		}
		out[name] = edit{del: true}
	}
	for name := range out {
		for dir := name; ; {
			i := strings.LastIndexByte(dir, '/')
			if i < 0 {
				break
			}
			dir = dir[:i]
			if _, ok := out[dir]; ok {
				return nil, fmt.Errorf("gitstore: %s is both a file and a folder of %s: %w", dir, name, content.ErrInvalidPath)
			}
		}
	}
	return out, nil
}

// Commit applies ch in one commit on top of the branch and returns it.
//
// If the branch moved since ch.Base, the commit is refused with
// content.ErrConflict when a file ch touches differs between ch.Base and the
// tip; otherwise it lands on the tip. An empty Base only allows creating
// files that do not exist. Names must be clean relative paths
// (content.ErrInvalidPath); deleting a missing file is content.ErrNotFound;
// a change that leaves the tree as it is returns ErrNoChange. Commits are
// serialized; the history index records the commit before Commit returns.
func (s *Store) Commit(ctx context.Context, ch content.Change) (content.Commit, error) {
	ed, err := edits(ch)
	if err != nil {
		return content.Commit{}, err
	}
	if len(ed) == 0 {
		return content.Commit{}, ErrNoChange
	}
	s.commitMu.Lock()
	defer s.commitMu.Unlock()
	for range maxRefRetries {
		if err := ctx.Err(); err != nil {
			return content.Commit{}, err
		}
		rec, err := s.tryCommit(ch, ed)
		if errors.Is(err, errRefMoved) {
			continue
		}
		if err != nil {
			return content.Commit{}, err
		}
		if s.ix != nil {
			s.ix.recorded(ctx, s, rec)
		}
		s.maint.committed()
		return rec.commit(), nil
	}
	return content.Commit{}, fmt.Errorf("gitstore: commit: branch %s keeps moving: %w", s.branch, content.ErrConflict)
}

// tryCommit makes one attempt, from the current tip.
func (s *Store) tryCommit(ch content.Change, ed map[string]edit) (*record, error) {
	w := s.writer
	head, err := s.readRef()
	if err != nil {
		return nil, fmt.Errorf("gitstore: commit: %w", err)
	}
	hc, err := w.commit(head)
	if err != nil {
		return nil, fmt.Errorf("gitstore: commit: read tip %s: %w", head, err)
	}
	if err := w.checkBase(ch.Base, head, hc.TreeHash, ed); err != nil {
		return nil, err
	}
	b := &builder{h: w}
	tree, err := b.build(hc.TreeHash, "", ed)
	if err != nil {
		return nil, err
	}
	if tree == hc.TreeHash {
		return nil, ErrNoChange
	}
	rec, err := s.writeCommit(b, head, tree, ch.Author, ch.Message)
	if err != nil {
		return nil, err
	}
	slices.Sort(b.changed)
	rec.files = b.changed
	if err := s.writeRef(head, rec.hash); err != nil {
		return nil, err
	}
	// The next commit starts from these trees, and the readers that bring
	// the catalogue to this commit diff them against their parents.
	for _, t := range b.trees {
		s.committed.put(t)
	}
	return rec, nil
}

// checkBase enforces the conflict rule (see Commit).
func (h *handle) checkBase(base content.Revision, head, headTree plumbing.Hash, ed map[string]edit) error {
	if base == "" {
		for name, e := range ed {
			if e.del {
				return fmt.Errorf("gitstore: delete %s without a base revision: %w", name, content.ErrConflict)
			}
			if _, ok, err := h.entry(headTree, name); err != nil {
				return fmt.Errorf("gitstore: commit: %w", err)
			} else if ok {
				return fmt.Errorf("gitstore: create %s: it exists: %w", name, content.ErrConflict)
			}
		}
		return nil
	}
	if string(base) == head.String() {
		return nil
	}
	baseTree, err := h.rootTree("commit", base)
	if errors.Is(err, content.ErrNotFound) {
		return fmt.Errorf("gitstore: commit: base %s unknown: %w", base.Short(), content.ErrConflict)
	}
	if err != nil {
		return err
	}
	for name := range ed {
		a, aok, err := h.entry(baseTree, name)
		if err != nil {
			return fmt.Errorf("gitstore: commit: %w", err)
		}
		b, bok, err := h.entry(headTree, name)
		if err != nil {
			return fmt.Errorf("gitstore: commit: %w", err)
		}
		if aok != bok || a.Hash != b.Hash || a.Mode != b.Mode {
			return fmt.Errorf("gitstore: commit: %s changed since %s: %w", name, base.Short(), content.ErrConflict)
		}
	}
	return nil
}

// writeCommit writes the commit object, fsyncs every object written by b
// and the commit, and describes it (files left empty).
func (s *Store) writeCommit(b *builder, parent, tree plumbing.Hash, a content.Author, msg string) (*record, error) {
	when := s.now().Truncate(time.Second)
	sig := object.Signature{Name: a.Name, Email: a.Email, When: when}
	c := &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: tree}
	if !strings.HasSuffix(c.Message, "\n") {
		c.Message += "\n"
	}
	if !parent.IsZero() {
		c.ParentHashes = []plumbing.Hash{parent}
	}
	o := &plumbing.MemoryObject{}
	if err := c.Encode(o); err != nil {
		return nil, fmt.Errorf("gitstore: commit: encode: %w", err)
	}
	hash, err := b.write(o)
	if err != nil {
		return nil, err
	}
	if err := s.flush(b); err != nil {
		return nil, fmt.Errorf("gitstore: commit: %w", err)
	}
	return &record{hash: hash, parent: parent, author: a, when: when, message: trimMessage(c.Message)}, nil
}

// encodeTree is object.Tree.Encode for sorted entries, in one buffer:
// go-git formats each entry with fmt.Fprintf, which took 4 ms of every
// save for the 10,000 entries of a big folder.
func encodeTree(entries []object.TreeEntry) (*plumbing.MemoryObject, error) {
	size := 0
	for _, e := range entries {
		size += len("100644 ") + len(e.Name) + 1 + len(e.Hash)
	}
	buf := make([]byte, 0, size)
	for _, e := range entries {
		if strings.IndexByte(e.Name, 0) >= 0 {
			return nil, fmt.Errorf("malformed file name %q", e.Name)
		}
		buf = strconv.AppendUint(buf, uint64(e.Mode), 8)
		buf = append(buf, ' ')
		buf = append(buf, e.Name...)
		buf = append(buf, 0)
		buf = append(buf, e.Hash[:]...)
	}
	o := &plumbing.MemoryObject{}
	o.SetType(plumbing.TreeObject)
	if _, err := o.Write(buf); err != nil {
		return nil, err
	}
	return o, nil
}

// builder writes the new trees and blobs of a commit. They are kept in
// memory until the commit is complete, then written loose (a small commit)
// or as one pack (see packMin).
type builder struct {
	h       *handle
	pending []*plumbing.MemoryObject
	seen    map[plumbing.Hash]bool
	trees   []*object.Tree // the new trees, decoded
	changed []string       // files whose entry really changed
}

// write queues o unless the repository or the commit has it already.
func (b *builder) write(o *plumbing.MemoryObject) (plumbing.Hash, error) {
	hash := o.Hash()
	if b.seen[hash] || b.h.st.HasEncodedObject(hash) == nil {
		return hash, nil
	}
	if b.seen == nil {
		b.seen = make(map[plumbing.Hash]bool)
	}
	b.seen[hash] = true
	b.pending = append(b.pending, o)
	return hash, nil
}

func (b *builder) blob(data []byte) (plumbing.Hash, error) {
	o := &plumbing.MemoryObject{}
	o.SetType(plumbing.BlobObject)
	o.Write(data)
	return b.write(o)
}

// build applies ed (names relative to this tree) to tree (ZeroHash: none)
// and returns the new tree's hash, ZeroHash when a sub-folder ends up empty.
// Only the trees on the changed paths are rewritten.
func (b *builder) build(tree plumbing.Hash, prefix string, ed map[string]edit) (plumbing.Hash, error) {
	var entries []object.TreeEntry
	if !tree.IsZero() {
		t, err := b.h.tree(tree)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("gitstore: commit: read tree %s: %w", prefix, err)
		}
		entries = slices.Clone(t.Entries) // t is cached and shared
	}
	pos := make(map[string]int, len(entries))
	for i, e := range entries {
		pos[e.Name] = i
	}
	removed := make(map[int]bool)
	sub := make(map[string]map[string]edit)
	for name, e := range ed {
		if first, rest, deeper := cut(name); deeper {
			if sub[first] == nil {
				sub[first] = make(map[string]edit)
			}
			sub[first][rest] = e
			continue
		}
		i, ok := pos[name]
		if e.del {
			if !ok || !isFile(entries[i]) {
				return plumbing.ZeroHash, fmt.Errorf("gitstore: delete %s%s: %w", prefix, name, content.ErrNotFound)
			}
			removed[i] = true
			b.changed = append(b.changed, prefix+name)
			continue
		}
		if ok && entries[i].Mode == dirMode {
			return plumbing.ZeroHash, fmt.Errorf("gitstore: write %s%s: it is a folder: %w", prefix, name, content.ErrInvalidPath)
		}
		hash, err := b.blob(e.data)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entry := object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: hash}
		if !ok || entries[i].Hash != hash || !isFile(entries[i]) {
			b.changed = append(b.changed, prefix+name)
		}
		if ok {
			if entries[i].Mode == filemode.Executable {
				entry.Mode = filemode.Executable
			}
			entries[i] = entry
		} else {
			pos[name] = len(entries)
			entries = append(entries, entry)
		}
	}
	for dir, subEd := range sub {
		i, ok := pos[dir]
		old := plumbing.ZeroHash
		if ok {
			if entries[i].Mode != dirMode {
				return plumbing.ZeroHash, fmt.Errorf("gitstore: write in %s%s: it is a file: %w", prefix, dir, content.ErrInvalidPath)
			}
			old = entries[i].Hash
		}
		hash, err := b.build(old, prefix+dir+"/", subEd)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entry := object.TreeEntry{Name: dir, Mode: dirMode, Hash: hash}
		switch {
		case hash.IsZero() && ok:
			removed[i] = true
		case hash.IsZero():
		case ok:
			entries[i] = entry
		default:
			pos[dir] = len(entries)
			entries = append(entries, entry)
		}
	}
	kept := entries[:0:0]
	for i, e := range entries {
		if !removed[i] {
			kept = append(kept, e)
		}
	}
	if len(kept) == 0 && prefix != "" {
		return plumbing.ZeroHash, nil
	}
	sort.Sort(object.TreeEntrySorter(kept))
	t := &object.Tree{Entries: kept}
	o, err := encodeTree(kept)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("gitstore: commit: encode tree %s: %w", prefix, err)
	}
	hash, err := b.write(o)
	if err == nil {
		t.Hash = hash
		b.trees = append(b.trees, t)
	}
	return hash, err
}
