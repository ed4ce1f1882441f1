package territory_test

import (
	"compress/gzip"
	"encoding/csv"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/aiguillage/aiguillage/territory"
)

// load parses the embedded file once for all tests of the package.
var load = sync.OnceValues(territory.Load)

// directory returns the real directory, shared by tests: it is immutable.
func directory(tb testing.TB) *territory.Directory {
	tb.Helper()
	d, err := load()
	if err != nil {
		tb.Fatalf("Load: %v", err)
	}
	return d
}

// row is a line of the embedded CSV, read without the package's parser.
type row struct {
	code, nom, postal string
}

// rawRows reads the embedded file with encoding/csv alone, as an oracle for
// what Load must have loaded.
func rawRows(tb testing.TB) []row {
	tb.Helper()
	f, err := os.Open("communes-fr.csv.gz")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	recs, err := csv.NewReader(zr).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	if got := strings.Join(recs[0][:3], ","); got != "code_insee,nom,codes_postaux" {
		tb.Fatalf("header starts %q", got)
	}
	rows := make([]row, 0, len(recs)-1)
	for _, r := range recs[1:] {
		rows = append(rows, row{code: r[0], nom: r[1], postal: r[2]})
	}
	return rows
}
