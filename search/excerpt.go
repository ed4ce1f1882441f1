package search

import (
	"html"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// excerptBytes is the approximate length of an excerpt.
const excerptBytes = 220

// excerpt returns the passage of text (about excerptBytes long) holding the
// most query terms, HTML-escaped, with the words whose analysed form is in
// marks wrapped in <mark>. Matching through the index's analyzer highlights
// "hébergées" for the query "hebergement". Offsets are those of the
// original text because folding is a token filter, not a char filter.
func excerpt(text string, a analysis.Analyzer, marks map[string]bool, phrases [][]string) string {
	if text == "" {
		return ""
	}
	var hits []*analysis.Token
	if len(marks)+len(phrases) > 0 {
		toks := a.Analyze([]byte(text))
		for i := 0; i < len(toks); i++ {
			if marks[string(toks[i].Term)] {
				hits = append(hits, toks[i])
				continue
			}
			if n := phraseAt(toks, i, phrases); n > 0 {
				hits = append(hits, &analysis.Token{Start: toks[i].Start, End: toks[i+n-1].End})
				i += n - 1
			}
		}
	}
	start := 0
	if len(hits) > 0 {
		best, bestN := 0, 0
		for i := range hits {
			n := 0
			for j := i; j < len(hits) && hits[j].End-hits[i].Start <= excerptBytes; j++ {
				n++
			}
			if n > bestN {
				best, bestN = i, n
			}
		}
		start = hits[best].Start
		if back := sentenceStart(text, start); start-back < excerptBytes/2 {
			start = back
		} else {
			start = wordStart(text, start-excerptBytes/4)
		}
	}
	end := min(len(text), start+excerptBytes)
	if end < len(text) {
		end = wordEnd(text, end)
	}
	var b strings.Builder
	if start > 0 {
		b.WriteString("… ")
	}
	pos := start
	for _, t := range hits {
		if t.Start < pos || t.End > end {
			continue
		}
		b.WriteString(html.EscapeString(text[pos:t.Start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[t.Start:t.End]))
		b.WriteString("</mark>")
		pos = t.End
	}
	b.WriteString(html.EscapeString(text[pos:end]))
	if end < len(text) {
		b.WriteString(" …")
	}
	return strings.ReplaceAll(b.String(), "\n", " ")
}

// phraseAt returns the length of the longest phrase starting at toks[i].
func phraseAt(toks analysis.TokenStream, i int, phrases [][]string) int {
	best := 0
	for _, ph := range phrases {
		if len(ph) <= best || i+len(ph) > len(toks) {
			continue
		}
		ok := true
		for j, s := range ph {
			if string(toks[i+j].Term) != s {
				ok = false
				break
			}
		}
		if ok {
			best = len(ph)
		}
	}
	return best
}

// sentenceStart returns the start of the sentence holding byte i.
func sentenceStart(s string, i int) int {
	for j := i - 1; j > 0; j-- {
		if (s[j] == ' ' || s[j] == '\n') && (s[j-1] == '.' || s[j-1] == '!' || s[j-1] == '?' || s[j] == '\n') {
			return j + 1
		}
	}
	return 0
}

// wordStart moves i forward to the start of a word (and onto a rune).
func wordStart(s string, i int) int {
	if i <= 0 {
		return 0
	}
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	if j := strings.IndexAny(s[i:], " \n"); j >= 0 && j < 30 {
		return i + j + 1
	}
	return i
}

// wordEnd moves i back to the end of a word (and onto a rune boundary).
func wordEnd(s string, i int) int {
	for i > 0 && i < len(s) && !utf8.RuneStart(s[i]) {
		i--
	}
	if j := strings.LastIndexAny(s[:i], " \n"); j > 0 && i-j < 30 {
		return j
	}
	return i
}
