package search

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortTop checks that sortTop's first k candidates are those of a full
// sort, ties included.
func TestSortTop(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	byScore := func(a, b candidate) int { return cmp.Compare(b.score, a.score) }
	byID := func(a, b candidate) int { return cmp.Compare(a.id, b.id) }
	for round := 0; round < 300; round++ {
		n := rng.IntN(200)
		cs := make([]candidate, n)
		for i := range cs {
			cs[i] = candidate{id: fmt.Sprintf("s%03d", i), score: float64(rng.IntN(10))}
		}
		rng.Shuffle(n, func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
		full := slices.Clone(cs)
		slices.SortFunc(full, func(a, b candidate) int { return cmp.Or(byScore(a, b), byID(a, b)) })
		k := rng.IntN(n + 5)
		sortTop(cs, k, byScore, byID)
		k = min(k, n)
		if !slices.EqualFunc(cs[:k], full[:k], func(a, b candidate) bool { return a.id == b.id }) {
			t.Fatalf("n=%d k=%d: first %d differ", n, k, k)
		}
	}
}
