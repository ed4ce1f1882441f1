package gitstore

import (
	"path"
	"strings"
	"testing"
)

func FuzzCheckName(f *testing.F) {
	for _, s := range []string{"services/x.md", "../x", "a//b", "/a", ".git/config", "a/.GIT", "a\\b", "", ".", "a/./b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if checkName(name) != nil {
			return
		}
		if path.Clean(name) != name || path.IsAbs(name) {
			t.Errorf("accepted unclean name %q", name)
		}
		for _, seg := range strings.Split(name, "/") {
			if seg == ".." || strings.EqualFold(seg, ".git") {
				t.Errorf("accepted %q", name)
			}
		}
	})
}

func FuzzParseLog(f *testing.F) {
	f.Add("\x01" + strings.Repeat("a", 40) + " \x00n\x00e\x001700000000 +0100\x00msg\n\x00\nx.md\x00y.md\x00")
	f.Add("\x01zz\x00")
	f.Add("garbage")
	f.Fuzz(func(t *testing.T, out string) {
		parseLog(strings.NewReader(out), func(r *record) error { return nil }) // must not panic
	})
}
