package search

import (
	"fmt"
	"sync"

	"github.com/blevesearch/bleve/v2"
)

// dictionary is the set of words of the index (field words: folded, not
// stemmed) with their document frequencies. Queries use it to correct typos
// before stemming: "hebergment" is one edit away from the word
// "hebergement", while its stem is four edits away from "heberg".
type dictionary struct {
	count map[string]int
	byLen map[int][]string

	mu    sync.Mutex
	cache map[string]string // word → correction ("" for none)
}

// maxCorrectionCache bounds the memo of corrections; it is cleared when full.
const maxCorrectionCache = 4096

func newDictionary(count map[string]int) *dictionary {
	if count == nil {
		count = map[string]int{}
	}
	d := &dictionary{count: count, byLen: map[int][]string{}, cache: map[string]string{}}
	for w := range count {
		n := len(w)
		d.byLen[n] = append(d.byLen[n], w)
	}
	return d
}

// loadDictionary reads the words field's term dictionary.
func loadDictionary(bi bleve.Index) (*dictionary, error) {
	fd, err := bi.FieldDict(fWords)
	if err != nil {
		return nil, fmt.Errorf("search: load dictionary: %w", err)
	}
	defer fd.Close()
	count := map[string]int{}
	for {
		e, err := fd.Next()
		if err != nil {
			return nil, fmt.Errorf("search: load dictionary: %w", err)
		}
		if e == nil {
			break
		}
		if e.Count > 0 {
			count[e.Term] = int(e.Count)
		}
	}
	return newDictionary(count), nil
}

// has reports whether w occurs in some document.
func (d *dictionary) has(w string) bool { return d.count[w] > 0 }

// maxEdits is the edit distance tolerated for a word of n bytes: none below
// 5 (too many short words are one edit apart), 1 up to 7, then 2.
func maxEdits(n int) int {
	switch {
	case n < 5:
		return 0
	case n < 8:
		return 1
	}
	return 2
}

// correct returns the indexed word closest to w within maxEdits, preferring
// fewer edits, then the same first letter, then the more frequent word; ""
// when there is none.
func (d *dictionary) correct(w string) string {
	k := maxEdits(len(w))
	if k == 0 {
		return ""
	}
	d.mu.Lock()
	c, ok := d.cache[w]
	d.mu.Unlock()
	if ok {
		return c
	}
	best, bestDist, bestScore := "", k+1, -1
	for n := len(w) - k; n <= len(w)+k; n++ {
		for _, cand := range d.byLen[n] {
			dist := levenshtein(w, cand, bestDist)
			if dist > k || dist > bestDist {
				continue
			}
			score := d.count[cand]
			if cand[0] == w[0] {
				score += 1 << 30
			}
			if dist < bestDist || score > bestScore {
				best, bestDist, bestScore = cand, dist, score
			}
		}
	}
	d.mu.Lock()
	if len(d.cache) >= maxCorrectionCache {
		clear(d.cache)
	}
	d.cache[w] = best
	d.mu.Unlock()
	return best
}

// levenshtein returns the optimal-string-alignment distance between a and
// b (bytes; words are folded to ASCII): insertions, deletions, substitutions
// and transpositions of neighbours ("hebregement") each count one. It
// returns limit+1 as soon as the distance must exceed limit.
func levenshtein(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit || len(b) >= 64 {
		return limit + 1
	}
	var rows [3][64]int
	pp, prev, cur := rows[0][:len(b)+1], rows[1][:len(b)+1], rows[2][:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], pp[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		pp, prev, cur = prev, cur, pp
	}
	return prev[len(b)]
}
