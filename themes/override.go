package themes

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
)

// Override returns a new theme whose files are t's with some replaced or
// added, as a content repository's .aiguillage/theme/ folder does: files
// maps names relative to that folder ("templates/home.html",
// "static/theme.css") to their content. Only templates/*.html and files
// under static/ are taken: the message catalogues stay the built-in ones,
// so the texts the server writes and those of the templates agree. Like
// Load, it fails on the first template that does not parse; t is unchanged.
func (t *Theme) Override(files map[string][]byte) (*Theme, error) {
	kept := map[string][]byte{}
	for name, data := range files {
		if overridable(name) {
			kept[name] = data
		}
	}
	return Load(Layers(memFS(kept), t.source), t.lang)
}

func overridable(name string) bool {
	if !fs.ValidPath(name) {
		return false
	}
	dir, file := path.Split(name)
	return dir == "templates/" && strings.HasSuffix(file, ".html") || strings.HasPrefix(name, "static/") && file != ""
}

// memFS is a read-only file system of files held in memory, named by
// valid fs paths; directories are implied by the names.
type memFS map[string][]byte

func (m memFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if data, ok := m[name]; ok {
		return &memFile{info: memInfo{name: path.Base(name), size: int64(len(data))}, r: bytes.NewReader(data)}, nil
	}
	entries := m.children(name)
	if entries == nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &memDir{info: memInfo{name: path.Base(name), dir: true}, entries: entries}, nil
}

// children lists the entries of directory dir, nil if there is no such
// directory.
func (m memFS) children(dir string) []fs.DirEntry {
	prefix := dir + "/"
	if dir == "." {
		prefix = ""
	}
	seen := map[string]fs.DirEntry{}
	for name, data := range m {
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok || rest == "" {
			continue
		}
		if child, _, isDir := strings.Cut(rest, "/"); isDir {
			seen[child] = fs.FileInfoToDirEntry(memInfo{name: child, dir: true})
		} else {
			seen[child] = fs.FileInfoToDirEntry(memInfo{name: child, size: int64(len(data))})
		}
	}
	if len(seen) == 0 && dir != "." {
		return nil
	}
	out := make([]fs.DirEntry, 0, len(seen))
	for _, e := range seen {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out
}

type memInfo struct {
	name string
	size int64
	dir  bool
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return i.dir }
func (i memInfo) Sys() any           { return nil }
func (i memInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}

type memFile struct {
	info memInfo
	r    *bytes.Reader
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Read(p []byte) (int, error) { return f.r.Read(p) }
func (f *memFile) Close() error               { return nil }

type memDir struct {
	info    memInfo
	entries []fs.DirEntry
	offset  int
}

func (d *memDir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *memDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: errors.New("is a directory")}
}
func (d *memDir) Close() error { return nil }

func (d *memDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.offset:]
	if n <= 0 {
		d.offset = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.offset += n
	return rest[:n], nil
}
