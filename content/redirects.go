package content

import (
	"bytes"
	"strings"
)

// RedirectsFile lists renamed pages, one "old-path new-path" pair a line
// ("services/ancien-nom services/nouveau-nom"); "#" starts a comment. The
// server answers the old path with a permanent redirect, so links and
// bookmarks keep working.
const RedirectsFile = settingsDir + "redirections.txt"

// ParseRedirects reads a redirections file. Lines that do not hold two
// valid page paths are skipped.
func ParseRedirects(data []byte) map[Path]Path {
	out := map[Path]Path{}
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		from, err1 := ParsePath(f[0])
		to, err2 := ParsePath(f[1])
		if err1 == nil && err2 == nil && from != to {
			out[from] = to
		}
	}
	return out
}

// AddRedirect records that from was renamed to: it appends the pair,
// points older redirects that led to from at to (no chains), and drops the
// redirect of to itself (a page renamed back). Comments are kept.
func AddRedirect(data []byte, from, to Path) []byte {
	var buf bytes.Buffer
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if line == "" {
			continue
		}
		code, _, _ := strings.Cut(line, "#")
		f := strings.Fields(code)
		if len(f) == 2 {
			switch {
			case f[0] == string(to) || f[0] == string(from):
				continue
			case f[1] == string(from):
				line = f[0] + " " + string(to) + "\n"
			}
		}
		if !strings.HasSuffix(line, "\n") {
			line += "\n"
		}
		buf.WriteString(line)
	}
	buf.WriteString(string(from) + " " + string(to) + "\n")
	return buf.Bytes()
}
