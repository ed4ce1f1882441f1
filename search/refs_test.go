package search

import (
	"sync"
	"testing"

	"github.com/aiguillage/aiguillage/content"
)

var (
	refsOnce sync.Once
	refs     *content.Referentials
	refsErr  error
)

func testRefs(t testing.TB) *content.Referentials {
	t.Helper()
	refsOnce.Do(func() { refs, refsErr = content.LoadReferentials() })
	if refsErr != nil {
		t.Fatal(refsErr)
	}
	return refs
}
