package gitstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/aiguillage/aiguillage/content"
)

const dirMode = filemode.Dir

// isFile reports whether a tree entry is a file the store reads: a regular
// or executable blob (not a directory, symlink or submodule).
func isFile(e object.TreeEntry) bool {
	return e.Mode == filemode.Regular || e.Mode == filemode.Executable || e.Mode == filemode.Deprecated
}

// wanted reports whether Files returns the file: Markdown anywhere, and
// everything under .aiguillage/.
func wanted(name string) bool {
	return strings.HasSuffix(name, ".md") || strings.HasPrefix(name, ".aiguillage/")
}

// rootTree resolves rev to its commit's tree hash, ErrNotFound wrapped when
// rev is malformed or unknown.
func (h *handle) rootTree(op string, rev content.Revision) (plumbing.Hash, error) {
	hash, ok := parseRev(rev)
	if !ok {
		return plumbing.ZeroHash, fmt.Errorf("gitstore: %s: revision %q: %w", op, rev, content.ErrNotFound)
	}
	c, err := h.commit(hash)
	if err != nil {
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			return plumbing.ZeroHash, fmt.Errorf("gitstore: %s: revision %s: %w", op, rev.Short(), content.ErrNotFound)
		}
		return plumbing.ZeroHash, fmt.Errorf("gitstore: %s: revision %s: %w", op, rev.Short(), err)
	}
	return c.TreeHash, nil
}

// Files returns every Markdown file and every file under .aiguillage/ at
// rev, sorted by name, with content and blob hash. Other files (media) are
// left out. Files bigger than 8 × content.MaxFileSize and symbolic links are
// listed without data (File.Unread says why), so they can be reported. Blobs are read in parallel through independent handles.
func (s *Store) Files(ctx context.Context, rev content.Revision) ([]content.File, error) {
	h, err := s.acquire(ctx)
	if err != nil {
		return nil, err
	}
	root, err := h.rootTree("files", rev)
	if err != nil {
		s.release(h)
		return nil, err
	}
	var files []content.File
	err = h.walk(root, "", func(name string, e object.TreeEntry) error {
		if !wanted(name) {
			return nil
		}
		f := content.File{Name: name, Hash: e.Hash.String()}
		if e.Mode == filemode.Symlink {
			f.Unread = content.Symlink
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		s.release(h)
		return nil, fmt.Errorf("gitstore: files at %s: %w", rev.Short(), err)
	}
	skipped, err := s.fillBlobs(ctx, h, files)
	if err != nil {
		return nil, fmt.Errorf("gitstore: files at %s: %w", rev.Short(), err)
	}
	if skipped > 0 {
		s.log.Debug("gitstore: files too large to read", "count", skipped, "rev", rev.Short())
	}
	slices.SortFunc(files, func(a, b content.File) int { return strings.Compare(a.Name, b.Name) })
	return files, nil
}

// fillBlobs reads the blobs of files through h and the idle handles, in
// parallel. It releases the handles.
func (s *Store) fillBlobs(ctx context.Context, h *handle, files []content.File) (int, error) {
	// Borrow the idle handles too; the first one is ours already.
	handles := []*handle{h}
	for len(handles) < cap(s.readers) {
		select {
		case other := <-s.readers:
			handles = append(handles, other)
			continue
		default:
		}
		break
	}
	defer func() {
		for _, h := range handles {
			s.release(h)
		}
	}()
	return s.readBlobs(ctx, handles, files)
}

// readBlobs fills files[i].Data, one goroutine per handle. Files too big to
// serve keep a nil Data and are marked content.TooLarge with their size;
// their number is returned.
func (s *Store) readBlobs(ctx context.Context, handles []*handle, files []content.File) (int, error) {
	var next, skipped atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, len(handles))
	for i, h := range handles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				j := int(next.Add(1) - 1)
				if j >= len(files) || ctx.Err() != nil {
					return
				}
				f := &files[j]
				if f.Unread != content.Read {
					continue
				}
				data, size, err := h.smallBlob(plumbing.NewHash(f.Hash))
				if errors.Is(err, errTooBig) {
					f.Unread, f.Size = content.TooLarge, size
					skipped.Add(1)
					continue
				}
				if err != nil {
					errs[i] = fmt.Errorf("%s: %w", f.Name, err)
					next.Store(int64(len(files)))
					return
				}
				if data == nil {
					data = []byte{}
				}
				f.Data = data
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return 0, err
	}
	return int(skipped.Load()), ctx.Err()
}

var errTooBig = errors.New("file too large")

// smallBlob reads a blob unless it is bigger than maxBlob; it returns the
// blob's size either way.
func (h *handle) smallBlob(hash plumbing.Hash) ([]byte, int64, error) {
	o, err := h.object(plumbing.BlobObject, hash)
	if err != nil {
		return nil, 0, err
	}
	if o.Size() > maxBlob {
		return nil, o.Size(), errTooBig
	}
	data, err := readAll(o)
	return data, o.Size(), err
}

// walk calls fn for every file (see isFile) under the tree root, with its
// slash path.
func (h *handle) walk(root plumbing.Hash, prefix string, fn func(name string, e object.TreeEntry) error) error {
	t, err := h.tree(root)
	if err != nil {
		return err
	}
	for _, e := range t.Entries {
		switch {
		case e.Mode == dirMode:
			if err := h.walk(e.Hash, prefix+e.Name+"/", fn); err != nil {
				return err
			}
		case isFile(e) || e.Mode == filemode.Symlink:
			if err := fn(prefix+e.Name, e); err != nil {
				return err
			}
		}
	}
	return nil
}

// ReadFile returns one file at rev, whatever its kind; content.ErrNotFound
// when rev is unknown or has no such file.
func (s *Store) ReadFile(ctx context.Context, rev content.Revision, name string) (content.File, error) {
	h, err := s.acquire(ctx)
	if err != nil {
		return content.File{}, err
	}
	defer s.release(h)
	root, err := h.rootTree("read "+name, rev)
	if err != nil {
		return content.File{}, err
	}
	if checkName(name) != nil {
		return content.File{}, fmt.Errorf("gitstore: read %s: %w", name, content.ErrNotFound)
	}
	e, ok, err := h.entry(root, name)
	if err != nil {
		return content.File{}, fmt.Errorf("gitstore: read %s at %s: %w", name, rev.Short(), err)
	}
	if !ok || !isFile(e) {
		return content.File{}, fmt.Errorf("gitstore: read %s at %s: %w", name, rev.Short(), content.ErrNotFound)
	}
	data, err := h.blob(e.Hash)
	if err != nil {
		return content.File{}, fmt.Errorf("gitstore: read %s at %s: %w", name, rev.Short(), err)
	}
	return content.File{Name: name, Data: data, Hash: e.Hash.String()}, nil
}

// ChangedFiles returns, sorted, the names of the files added, modified or
// deleted between the trees of from and to. from == "" means every file of
// to. Only differing subtrees are read, so a small change in a big folder is
// cheap.
func (s *Store) ChangedFiles(ctx context.Context, from, to content.Revision) ([]string, error) {
	h, err := s.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer s.release(h)
	b, err := h.rootTree("changed files", to)
	if err != nil {
		return nil, err
	}
	a := plumbing.ZeroHash
	if from != "" {
		if a, err = h.rootTree("changed files", from); err != nil {
			return nil, err
		}
	}
	names, err := h.diff(a, b)
	if err != nil {
		return nil, fmt.Errorf("gitstore: changed files %s..%s: %w", from.Short(), to.Short(), err)
	}
	return names, nil
}

// diff lists, sorted, the files that differ between two trees (ZeroHash
// stands for the empty tree).
func (h *handle) diff(a, b plumbing.Hash) ([]string, error) {
	var out []string
	if err := h.diffTrees("", a, b, &out); err != nil {
		return nil, err
	}
	slices.Sort(out)
	return out, nil
}

func (h *handle) diffTrees(prefix string, a, b plumbing.Hash, out *[]string) error {
	if a == b {
		return nil
	}
	var ta, tb []object.TreeEntry
	if !a.IsZero() {
		t, err := h.tree(a)
		if err != nil {
			return err
		}
		ta = t.Entries
	}
	if !b.IsZero() {
		t, err := h.tree(b)
		if err != nil {
			return err
		}
		tb = t.Entries
	}
	old := make(map[string]object.TreeEntry, len(ta))
	for _, e := range ta {
		old[e.Name] = e
	}
	for _, eb := range tb {
		ea, ok := old[eb.Name]
		delete(old, eb.Name)
		if !ok {
			ea = object.TreeEntry{}
		}
		if ok && ea.Hash == eb.Hash && ea.Mode == eb.Mode {
			continue
		}
		if err := h.diffEntry(prefix, ea, eb, out); err != nil {
			return err
		}
	}
	for _, ea := range old {
		if err := h.diffEntry(prefix, ea, object.TreeEntry{}, out); err != nil {
			return err
		}
	}
	return nil
}

// diffEntry reports the files of two differing entries of the same name;
// either may be the zero entry (absent), a file or a directory.
func (h *handle) diffEntry(prefix string, a, b object.TreeEntry, out *[]string) error {
	var da, db plumbing.Hash
	name := a.Name
	if name == "" {
		name = b.Name
	}
	// Symlinks and submodules count as files here, as for git diff.
	fileChanged := false
	if a.Mode == dirMode {
		da = a.Hash
	} else if a.Mode != 0 {
		fileChanged = true
	}
	if b.Mode == dirMode {
		db = b.Hash
	} else if b.Mode != 0 {
		fileChanged = true
	}
	if fileChanged {
		*out = append(*out, prefix+name)
	}
	if da != db {
		return h.diffTrees(prefix+name+"/", da, db, out)
	}
	return nil
}

// CommitInfo describes the commit rev, with the files it changed relative to
// its first parent.
func (s *Store) CommitInfo(ctx context.Context, rev content.Revision) (content.Commit, error) {
	hash, ok := parseRev(rev)
	if !ok {
		return content.Commit{}, fmt.Errorf("gitstore: commit %q: %w", rev, content.ErrNotFound)
	}
	h, err := s.acquire(ctx)
	if err != nil {
		return content.Commit{}, err
	}
	defer s.release(h)
	c, err := h.commit(hash)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return content.Commit{}, fmt.Errorf("gitstore: commit %s: %w", rev.Short(), content.ErrNotFound)
	}
	if err != nil {
		return content.Commit{}, fmt.Errorf("gitstore: commit %s: %w", rev.Short(), err)
	}
	rec, err := h.record(c)
	if err != nil {
		return content.Commit{}, fmt.Errorf("gitstore: commit %s: %w", rev.Short(), err)
	}
	return rec.commit(), nil
}

// record describes a decoded commit, diffing it against its first parent.
func (h *handle) record(c *object.Commit) (*record, error) {
	parentTree := plumbing.ZeroHash
	r := &record{
		hash:    c.Hash,
		author:  content.Author{Name: c.Author.Name, Email: c.Author.Email},
		when:    c.Author.When,
		message: trimMessage(c.Message),
	}
	if len(c.ParentHashes) > 0 {
		r.parent = c.ParentHashes[0]
		p, err := h.commit(r.parent)
		if err != nil {
			return nil, fmt.Errorf("parent %s: %w", r.parent, err)
		}
		parentTree = p.TreeHash
	}
	files, err := h.diff(parentTree, c.TreeHash)
	if err != nil {
		return nil, err
	}
	r.files = files
	return r, nil
}

func trimMessage(m string) string { return strings.TrimRight(m, "\n") }
