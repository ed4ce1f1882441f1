package gitstore

import (
	"context"
	"fmt"
	"io/fs"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/aiguillage/aiguillage/content"
)

// initBare creates a bare repository whose HEAD names refName.
func initBare(dir, refName string) error {
	_, err := gogit.PlainInitWithOptions(dir, &gogit.PlainInitOptions{
		InitOptions: gogit.InitOptions{DefaultBranch: plumbing.ReferenceName(refName)},
		Bare:        true,
	})
	if err != nil {
		return fmt.Errorf("gitstore: create repository %s: %w", dir, err)
	}
	return nil
}

// commitSeed makes the first commit of a new repository from seed.
func (s *Store) commitSeed(ctx context.Context, seed fs.FS) error {
	ed := make(map[string]edit)
	err := fs.WalkDir(seed, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if err := checkName(name); err != nil {
			return err
		}
		data, err := fs.ReadFile(seed, name)
		if err != nil {
			return err
		}
		ed[name] = edit{data: data}
		return ctx.Err()
	})
	if err != nil {
		return fmt.Errorf("gitstore: seed: %w", err)
	}
	s.commitMu.Lock()
	defer s.commitMu.Unlock()
	b := &builder{h: s.writer}
	tree, err := b.build(plumbing.ZeroHash, "", ed)
	if err != nil {
		return err
	}
	author := content.Author{Name: "aiguillage", Email: "aiguillage@localhost"}
	rec, err := s.writeCommit(b, plumbing.ZeroHash, tree, author, "Contenu de démonstration")
	if err != nil {
		return err
	}
	return s.writeRef(plumbing.ZeroHash, rec.hash)
}
