package gitstore

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/storage/memory"
)

// packMin is the number of new objects from which a commit writes them as
// one pack instead of loose files: each loose object costs a file and an
// fsync (an import of 14,000 pages took 28 s that way), a pack costs two
// files whatever its size.
const packMin = 64

// flush writes the objects a builder queued, durably, before the ref that
// makes them reachable moves.
func (s *Store) flush(b *builder) error {
	if len(b.pending) >= packMin {
		return s.writePack(b)
	}
	objects := filepath.Join(s.gitDir, "objects")
	dirs := map[string]bool{}
	for _, o := range b.pending {
		dir, created, err := writeLoose(objects, o)
		if err != nil {
			return err
		}
		dirs[dir] = true
		dirs[objects] = dirs[objects] || created
	}
	b.pending = nil
	for dir, sync := range dirs {
		if sync {
			if err := syncFile(dir); err != nil {
				return err
			}
		}
	}
	return nil
}

// writePack encodes the queued objects as a pack (without deltas: they are
// new files, and git gc can deltify later) through go-git's pack writer,
// which also writes its index, then fsyncs both and the pack folder.
func (s *Store) writePack(b *builder) error {
	mem := memory.NewStorage()
	hashes := make([]plumbing.Hash, len(b.pending))
	for i, o := range b.pending {
		if _, err := mem.SetEncodedObject(o); err != nil {
			return fmt.Errorf("queue object: %w", err)
		}
		hashes[i] = o.Hash()
	}
	packDir := filepath.Join(s.gitDir, "objects", "pack")
	before, err := packFiles(packDir)
	if err != nil {
		return err
	}
	w, err := b.h.st.PackfileWriter()
	if err != nil {
		return fmt.Errorf("open pack: %w", err)
	}
	if _, err := packfile.NewEncoder(w, mem, false).Encode(hashes, 0); err != nil {
		w.Close()
		return fmt.Errorf("encode pack: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("write pack: %w", err)
	}
	after, err := packFiles(packDir)
	if err != nil {
		return err
	}
	for name := range after {
		if !before[name] {
			if err := syncFile(filepath.Join(packDir, name)); err != nil {
				return err
			}
		}
	}
	b.pending = nil
	if len(before) == 0 { // the pack folder may be new: its entry too
		if err := syncFile(filepath.Dir(packDir)); err != nil {
			return err
		}
	}
	return syncFile(packDir)
}

// packFiles lists the files of the pack folder.
func packFiles(dir string) (map[string]bool, error) {
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("list packs: %w", err)
	}
	out := make(map[string]bool, len(entries))
	for _, e := range entries {
		out[e.Name()] = true
	}
	return out, nil
}
