package gitstore

import (
	"encoding/binary"
	"errors"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/aiguillage/aiguillage/content"
)

// record is one commit as the history index stores it: everything History
// returns, so that serving it needs no go-git lookup.
type record struct {
	hash    plumbing.Hash
	parent  plumbing.Hash // first parent; ZeroHash for a root commit
	author  content.Author
	when    time.Time
	message string   // without trailing newlines
	files   []string // changed relative to the first parent, sorted
}

func (r *record) commit() content.Commit {
	c := content.Commit{
		Revision: content.Revision(r.hash.String()),
		Author:   r.author,
		When:     r.when,
		Message:  r.message,
		Files:    r.files,
	}
	if !r.parent.IsZero() {
		c.Parent = content.Revision(r.parent.String())
	}
	return c
}

// encode writes r compactly: hash, parent, then length-prefixed strings and
// varints.
func (r *record) encode() []byte {
	n := 40 + len(r.author.Name) + len(r.author.Email) + len(r.message) + 32
	for _, f := range r.files {
		n += len(f) + 2
	}
	b := make([]byte, 0, n)
	b = append(b, r.hash[:]...)
	b = append(b, r.parent[:]...)
	b = appendString(b, r.author.Name)
	b = appendString(b, r.author.Email)
	b = binary.AppendVarint(b, r.when.Unix())
	_, offset := r.when.Zone()
	b = binary.AppendVarint(b, int64(offset))
	b = appendString(b, r.message)
	b = binary.AppendUvarint(b, uint64(len(r.files)))
	for _, f := range r.files {
		b = appendString(b, f)
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

var errBadRecord = errors.New("malformed index record")

func decodeRecord(b []byte) (*record, error) {
	d := decoder{b: b}
	r := &record{}
	d.bytes(r.hash[:])
	d.bytes(r.parent[:])
	r.author.Name = d.string()
	r.author.Email = d.string()
	unix, offset := d.varint(), d.varint()
	r.when = time.Unix(unix, 0).In(zone(int(offset)))
	r.message = d.string()
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		return nil, errBadRecord
	}
	r.files = make([]string, n)
	for i := range r.files {
		r.files[i] = d.string()
	}
	if d.err {
		return nil, errBadRecord
	}
	return r, nil
}

// zone returns a fixed zone for a UTC offset in seconds, like go-git does.
func zone(offset int) *time.Location {
	if offset == 0 {
		return time.UTC
	}
	return time.FixedZone("", offset)
}

type decoder struct {
	b   []byte
	err bool
}

func (d *decoder) bytes(dst []byte) {
	if len(d.b) < len(dst) {
		d.err = true
		return
	}
	copy(dst, d.b)
	d.b = d.b[len(dst):]
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) string() string {
	n := d.uvarint()
	if d.err || n > uint64(len(d.b)) {
		d.err = true
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}
