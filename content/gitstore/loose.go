package gitstore

import (
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
)

// writeLoose writes o as a loose object, durably: a temporary file in the
// object's fan-out folder, fsynced, then renamed into place. It compresses
// at zlib's fastest level, as git itself does for loose objects
// (core.looseCompression defaults to 1): go-git's writer uses the default
// level, and the 450 KB tree of a 10,000-file folder, rewritten by every
// save, took 14 ms to compress that way. It returns the folder, which the
// caller fsyncs once for all its objects, and whether it was created.
func writeLoose(objectsDir string, o plumbing.EncodedObject) (dir string, created bool, err error) {
	hex := o.Hash().String()
	dir = filepath.Join(objectsDir, hex[:2])
	name := filepath.Join(dir, hex[2:])
	if _, err := os.Lstat(name); err == nil {
		return dir, false, nil // content-addressed: already there
	}
	if err := os.Mkdir(dir, 0o755); err == nil {
		created = true
	} else if !errors.Is(err, fs.ErrExist) {
		return "", false, fmt.Errorf("write object %s: %w", hex, err)
	}
	tmp, err := os.CreateTemp(dir, "tmp_obj_")
	if err != nil {
		return "", false, fmt.Errorf("write object %s: %w", hex, err)
	}
	if err := fillLoose(tmp, o); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return "", false, fmt.Errorf("write object %s: %w", hex, err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		os.Remove(tmp.Name())
		return "", false, fmt.Errorf("write object %s: %w", hex, err)
	}
	return dir, created, nil
}

// fillLoose writes the compressed object to f, fsyncs and closes it, and
// makes it read-only as git does.
func fillLoose(f *os.File, o plumbing.EncodedObject) error {
	zw, err := zlib.NewWriterLevel(f, zlib.BestSpeed)
	if err != nil {
		return err
	}
	r, err := o.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	header := o.Type().Bytes()
	header = append(header, ' ')
	header = strconv.AppendInt(header, o.Size(), 10)
	header = append(header, 0)
	if _, err := zw.Write(header); err != nil {
		return err
	}
	if _, err := io.Copy(zw, r); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := f.Chmod(0o444); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return f.Close()
}
