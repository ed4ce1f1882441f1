package server_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// TestListPages: the structures list pages by 200, in name order, with
// links between pages, and answers 404 past the last page.
func TestListPages(t *testing.T) {
	seed := fixtureFiles()
	for i := 0; i < 250; i++ {
		seed[fmt.Sprintf("structures/s-%03d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\nnom: \"Structure %03d\"\n---\n", i))}
	}
	f := newFixture(t, options{seed: seed, noSearch: true})
	first := f.page("/structures")
	if !strings.Contains(first, "Page 1 sur 2") || !strings.Contains(first, `href="/structures?page=2"`) {
		t.Errorf("first page lacks its position or the next link")
	}
	if !strings.Contains(first, "Structure 000") || strings.Contains(first, "Structure 240") {
		t.Errorf("first page holds the wrong structures")
	}
	second := f.page("/structures?page=2")
	if !strings.Contains(second, "Structure 240") || !strings.Contains(second, `href="/structures?page=1"`) {
		t.Errorf("second page lacks the last structures or the previous link")
	}
	if n := strings.Count(second, `<li><a href="/structures/`); n != 251-200 {
		t.Errorf("second page lists %d structures, want 51", n)
	}
	for _, bad := range []string{"/structures?page=3", "/structures?page=0"} {
		if r := f.get(bad); r.status != 404 {
			t.Errorf("GET %s: status %d, want 404", bad, r.status)
		}
	}
}
