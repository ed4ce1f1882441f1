package search

import (
	"testing"

	"github.com/aiguillage/aiguillage/content"
)

// genCatalog parses a gen.py corpus with content's parser.
func genCatalog(t testing.TB, files []content.File, rev content.Revision) *content.Catalog {
	t.Helper()
	return content.NewCatalog(rev, files, testRefs(t))
}
