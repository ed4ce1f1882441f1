package territory

import (
	"container/heap"
	"slices"
	"strings"
	"unicode/utf8"
)

// exactBoost is how much more an exact name match weighs than its population
// in Suggest. Exact matches are not simply put first because autocomplete
// runs while the name is being typed: "chalon" is on its way to
// Chalon-sur-Saône (45,102 inhabitants) far more often than to Chalon, Isère
// (176), and "mars" to Marseille rather than Mars (555). A factor of 10 keeps
// a real town that is also a prefix first: "saint lo" → Saint-Lô (19,471)
// before Saint-Louis (54,941).
const exactBoost = 10

// Suggest returns up to limit communes for an autocomplete field. q may be
//   - the beginning of a name, typed any way at a desk: case, accents,
//     hyphens, spaces and apostrophes do not matter, and the words "st" and
//     "ste" also match "saint" and "sainte" ("st jean", "l'abergement",
//     "Évian", "chalon sur");
//   - the beginning of a postal code ("712", "71250");
//   - an INSEE code ("71137");
//   - a label as Commune.Label writes it, which suggests that commune alone.
//
// A separator after the last word ("bourg ") means that word is complete.
// Results come in tiers: names starting with q, by population, where an
// exact match counts as ten times its population (see exactBoost); then names with a
// later word starting with q ("malo" → Saint-Malo), by population; then
// communes with a postal code starting with q, by population; and last the
// commune whose INSEE code is q, which always gets a place.
func (d *Directory) Suggest(q string, limit int) []Commune {
	if limit <= 0 {
		return nil
	}
	if c, ok := d.resolveLabel(q); ok {
		return []Commune{c}
	}
	f := Fold(q)
	if f == "" {
		return nil
	}
	r := ranker{d: d, limit: limit, seen: make([]uint64, (len(d.communes)+63)/64), wordEnd: endsWord(q)}
	vs := variants(f)
	r.tier(d.names, vs, true)
	r.tier(d.words, vs, false)
	if code := strings.ReplaceAll(f, " ", ""); isDigits(code) {
		r.tier(d.postal, []string{code}, false)
	}
	out := make([]Commune, len(r.out), len(r.out)+1)
	for i, idx := range r.out {
		out[i] = d.communes[idx]
	}
	if c, ok := d.ByCode(strings.ToUpper(strings.ReplaceAll(f, " ", ""))); ok &&
		!slices.ContainsFunc(out, func(o Commune) bool { return o.Code == c.Code }) {
		if len(out) == limit {
			out = out[:limit-1]
		}
		out = append(out, c)
	}
	return out
}

// endsWord reports whether q ends with a separator, as in "bourg ": the
// last word is complete, so "bourg" matches Bourg-en-Bresse but not Bourges.
func endsWord(q string) bool {
	r, _ := utf8.DecodeLastRuneInString(q)
	return foldRune(r) == " "
}

// variants returns the folded query and, when it holds the word "st" or
// "ste", the query with those words spelled out. Both are searched since a
// last word "st" may also be the start of "strasbourg".
func variants(f string) []string {
	words := strings.Split(f, " ")
	expanded := false
	for i, w := range words {
		switch w {
		case "st":
			words[i], expanded = "saint", true
		case "ste":
			words[i], expanded = "sainte", true
		}
	}
	if !expanded {
		return []string{f}
	}
	return []string{f, strings.Join(words, " ")}
}

// prefixRange returns the entries of the sorted slice whose key starts with
// p, by binary search.
func prefixRange(s []entry, p string) []entry {
	lo, _ := slices.BinarySearchFunc(s, p, func(e entry, p string) int { return strings.Compare(e.key, p) })
	n, _ := slices.BinarySearchFunc(s[lo:], p, func(e entry, p string) int {
		if strings.HasPrefix(e.key, p) {
			return -1
		}
		return 1
	})
	return s[lo : lo+n]
}

// ranker collects the best communes of successive tiers, each commune once.
type ranker struct {
	d     *Directory
	limit int
	seen  []uint64 // bit set over Directory.communes
	out   []int32

	wordEnd bool // the query's last word is complete: see endsWord
}

// tier adds, while room remains, the most populous communes not yet seen
// among the entries starting with any of the prefixes. With boostExact, an
// entry equal to its prefix ranks as exactBoost times its population.
func (r *ranker) tier(s []entry, prefixes []string, boostExact bool) {
	room := r.limit - len(r.out)
	if room <= 0 {
		return
	}
	var h worstFirst
	for _, p := range prefixes {
		for _, e := range prefixRange(s, p) {
			if r.wordEnd && len(e.key) > len(p) && e.key[len(p)] != ' ' {
				continue
			}
			if r.seen[e.idx/64]&(1<<(e.idx%64)) != 0 {
				continue
			}
			r.seen[e.idx/64] |= 1 << (e.idx % 64)
			c := candidate{score: int64(r.d.communes[e.idx].Population), idx: e.idx}
			if boostExact && len(e.key) == len(p) {
				c.score *= exactBoost
			}
			h.offer(c, room)
		}
	}
	slices.SortFunc(h, func(a, b candidate) int {
		if better(a, b) {
			return -1
		}
		return 1
	})
	for _, c := range h {
		r.out = append(r.out, c.idx)
	}
}

// candidate is a commune index with its ranking score.
type candidate struct {
	score int64
	idx   int32
}

// better orders candidates by score, then by INSEE code for stable results.
func better(a, b candidate) bool {
	return a.score > b.score || a.score == b.score && a.idx < b.idx
}

// worstFirst is a heap of at most k candidates whose root is the worst, so
// keeping the best k of n costs O(n log k).
type worstFirst []candidate

func (h worstFirst) Len() int           { return len(h) }
func (h worstFirst) Less(i, j int) bool { return better(h[j], h[i]) }
func (h worstFirst) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *worstFirst) Push(x any)        { *h = append(*h, x.(candidate)) }
func (h *worstFirst) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// offer keeps c if it is among the best k seen so far.
func (h *worstFirst) offer(c candidate, k int) {
	switch {
	case len(*h) < k:
		heap.Push(h, c)
	case better(c, (*h)[0]):
		(*h)[0] = c
		heap.Fix(h, 0)
	}
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
