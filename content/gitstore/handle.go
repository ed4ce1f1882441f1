package gitstore

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/aiguillage/aiguillage/content"
)

// maxBlob is the largest blob Files returns; bigger files are skipped.
const maxBlob = content.MaxFileSize * 8

// objectCacheSize is each handle's cache of decoded objects. Walking history
// backwards through a pack resolves long delta chains of big trees (a
// 10,000-file folder is a 450 KB tree): below about 30 MB the chain no longer
// fits and every step resolves it again (measured: 5.8 ms a commit with
// 8 MB, 3 ms with 32 MB). The cache only fills when used that way.
const objectCacheSize = 32 * cache.MiByte

// treeCacheSize is how many decoded trees a handle keeps. Walking history
// decodes each commit's trees once as "this commit" and once as "the
// parent": a few entries make the second decode free.
const treeCacheSize = 16

// committedTreesSize is how many of the trees the last commits wrote the
// store keeps for every handle (see Store.committed): the root and the
// changed folders of a few commits.
const committedTreesSize = 8

// handle is one go-git storage of the repository. go-git is not safe for
// concurrent use, so each handle is used by one goroutine at a time; several
// handles on the same directory share nothing but the files and the store's
// cache of committed trees (which is safe for concurrent use).
type handle struct {
	gitDir    string
	st        *filesystem.Storage
	packDir   time.Time  // mtime of objects/pack when the pack indexes were loaded
	trees     *treeCache // this handle's
	committed *treeCache // the store's, shared
}

func (s *Store) newHandle() *handle {
	h := &handle{gitDir: s.gitDir, committed: s.committed}
	h.open()
	return h
}

func (h *handle) open() {
	h.st = filesystem.NewStorageWithOptions(osfs.New(h.gitDir), cache.NewObjectLRU(objectCacheSize),
		filesystem.Options{KeepDescriptors: true, LargeObjectThreshold: maxBlob})
	h.packDir = h.packDirTime()
	h.trees = newTreeCache(treeCacheSize)
}

func (h *handle) close() {
	if h.st != nil {
		h.st.Close()
	}
}

func (h *handle) packDirTime() time.Time {
	st, err := os.Stat(filepath.Join(h.gitDir, "objects", "pack"))
	if err != nil {
		return time.Time{}
	}
	return st.ModTime()
}

// object reads an object. go-git loads the list of packs once: when a read
// fails and objects/pack changed since (git gc, a fetch by the CLI), the
// handle is reopened and the read retried.
func (h *handle) object(t plumbing.ObjectType, hash plumbing.Hash) (plumbing.EncodedObject, error) {
	o, err := h.st.EncodedObject(t, hash)
	// Not only "not found": a pack that git gc removed after go-git listed
	// it fails to open.
	if err != nil && !h.packDirTime().Equal(h.packDir) {
		h.close()
		h.open()
		o, err = h.st.EncodedObject(t, hash)
	}
	return o, err
}

// commit reads and decodes a commit.
func (h *handle) commit(hash plumbing.Hash) (*object.Commit, error) {
	o, err := h.object(plumbing.CommitObject, hash)
	if err != nil {
		return nil, err
	}
	c := &object.Commit{}
	if err := c.Decode(o); err != nil {
		return nil, err
	}
	return c, nil
}

// tree reads and decodes a tree, through the handle's small cache and the
// store's cache of committed trees. The returned tree is shared: callers
// must not modify it.
func (h *handle) tree(hash plumbing.Hash) (*object.Tree, error) {
	if t, ok := h.trees.get(hash); ok {
		return t, nil
	}
	if t, ok := h.committed.get(hash); ok {
		return t, nil
	}
	o, err := h.object(plumbing.TreeObject, hash)
	if err != nil {
		return nil, err
	}
	t := &object.Tree{}
	if err := t.Decode(o); err != nil {
		return nil, err
	}
	h.trees.put(t)
	return t, nil
}

// treeCache keeps the last decoded trees put in it. It is safe for
// concurrent use; the trees must not change any more.
type treeCache struct {
	mu    sync.Mutex
	size  int
	trees map[plumbing.Hash]*object.Tree
	order []plumbing.Hash // oldest first
}

func newTreeCache(size int) *treeCache {
	return &treeCache{size: size, trees: make(map[plumbing.Hash]*object.Tree, size)}
}

func (c *treeCache) get(hash plumbing.Hash) (*object.Tree, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.trees[hash]
	return t, ok
}

func (c *treeCache) put(t *object.Tree) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.trees[t.Hash]; ok {
		return
	}
	if len(c.order) >= c.size {
		delete(c.trees, c.order[0])
		c.order = append(c.order[:0], c.order[1:]...)
	}
	c.trees[t.Hash] = t
	c.order = append(c.order, t.Hash)
}

// blob reads a blob's content.
func (h *handle) blob(hash plumbing.Hash) ([]byte, error) {
	o, err := h.object(plumbing.BlobObject, hash)
	if err != nil {
		return nil, err
	}
	return readAll(o)
}

func readAll(o plumbing.EncodedObject) ([]byte, error) {
	r, err := o.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data := make([]byte, o.Size())
	if _, err := io.ReadFull(r, data); err != nil {
		return nil, fmt.Errorf("read object %s: %w", o.Hash(), err)
	}
	return data, nil
}

// entry finds name (a slash path) in the tree rootHash. ok is false when
// there is no such entry.
func (h *handle) entry(root plumbing.Hash, name string) (e object.TreeEntry, ok bool, err error) {
	cur := root
	for {
		t, err := h.tree(cur)
		if err != nil {
			return e, false, err
		}
		first, rest, deeper := cut(name)
		e, ok := findEntry(t, first)
		if !ok || !deeper {
			return e, ok, nil
		}
		if e.Mode != dirMode {
			return e, false, nil
		}
		cur, name = e.Hash, rest
	}
}

// findEntry looks name up in t without building go-git's lazy map, which
// would be written to a shared cached tree.
func findEntry(t *object.Tree, name string) (object.TreeEntry, bool) {
	// Entries are sorted with directories as "name/": a binary search on
	// either spelling could miss, and trees are small enough to scan.
	for _, e := range t.Entries {
		if e.Name == name {
			return e, true
		}
	}
	return object.TreeEntry{}, false
}

func cut(name string) (first, rest string, deeper bool) {
	for i := 0; i < len(name); i++ {
		if name[i] == '/' {
			return name[:i], name[i+1:], true
		}
	}
	return name, "", false
}
