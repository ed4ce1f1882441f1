package search

import (
	"html"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// excerptBytes is the approximate length of an excerpt.
const excerptBytes = 220

// wordTerms analyses text as the index's analyzer does, word by word, with
// a memo of each word's term. Every filter of the French chain (lower
// case, elision, folding, stop words, stemming) maps one token to at most
// one term from the token's bytes alone, so the memo gives exactly the
// analyzer's terms; only the tokenizer runs on each excerpt. The memo
// holds the words of the indexed texts, a bounded vocabulary; it is
// cleared if it ever grows past maxWordTerms.
type wordTerms struct {
	a       analysis.Analyzer
	tok     analysis.Tokenizer     // nil: no memo possible, Analyze each text
	filters []analysis.TokenFilter // a's filters, applied to one word at a time
	mu      sync.RWMutex
	memo    map[string]string // raw word → term ("" when dropped)
}

// maxWordTerms bounds wordTerms' memo.
const maxWordTerms = 500_000

func newWordTerms(a analysis.Analyzer) *wordTerms {
	w := &wordTerms{a: a, memo: map[string]string{}}
	if da, ok := a.(*analysis.DefaultAnalyzer); ok && len(da.CharFilters) == 0 {
		w.tok, w.filters = da.Tokenizer, da.TokenFilters
	}
	return w
}

// word is one analysed word of a text: its term and byte offsets.
type word struct {
	term       string
	start, end int
}

// wordBuf is the working memory of analyze, reused between excerpts.
type wordBuf struct {
	spans []span
	words []word
}

var wordBufs = sync.Pool{New: func() any { return new(wordBuf) }}

// analyze returns the words of text that the analyzer keeps.
func (w *wordTerms) analyze(text string) []word {
	return w.analyzeInto(text, &wordBuf{})
}

// analyzeInto is analyze with buf's memory; the words returned are buf's.
func (w *wordTerms) analyzeInto(text string, buf *wordBuf) []word {
	if w.tok == nil {
		toks := w.a.Analyze([]byte(text))
		out := make([]word, len(toks))
		for i, t := range toks {
			out[i] = word{string(t.Term), t.Start, t.End}
		}
		return out
	}
	spans, ok := splitWords(text, buf.spans[:0])
	buf.spans = spans
	if !ok {
		spans = spans[:0]
		for _, t := range w.tok.Tokenize([]byte(text)) {
			spans = append(spans, span{t.Start, t.End})
		}
	}
	out := buf.words[:0]
	var missed []span
	w.mu.RLock()
	for _, sp := range spans {
		term, ok := w.memo[text[sp.start:sp.end]]
		switch {
		case !ok:
			missed = append(missed, sp)
			out = append(out, word{start: sp.start, end: -1})
		case term != "":
			out = append(out, word{term, sp.start, sp.end})
		}
	}
	w.mu.RUnlock()
	buf.words = out
	if missed == nil {
		return out
	}
	// Words seen for the first time: analyse them, then drop those the
	// analyzer removes (stop words).
	kept := out[:0]
	for _, wd := range out {
		if wd.end < 0 {
			sp := missed[0]
			missed = missed[1:]
			if wd.term = w.term(text[sp.start:sp.end]); wd.term == "" {
				continue
			}
			wd.end = sp.end
		}
		kept = append(kept, wd)
	}
	return kept
}

// term returns the term of one word, through the memo.
func (w *wordTerms) term(raw string) string {
	w.mu.RLock()
	term, ok := w.memo[raw]
	w.mu.RUnlock()
	if ok {
		return term
	}
	ts := analysis.TokenStream{&analysis.Token{Term: []byte(raw), Start: 0, End: len(raw), Position: 1,
		Type: analysis.AlphaNumeric}}
	for _, f := range w.filters {
		ts = f.Filter(ts)
	}
	if len(ts) > 0 {
		term = string(ts[0].Term)
	}
	w.mu.Lock()
	if len(w.memo) >= maxWordTerms {
		clear(w.memo)
	}
	w.memo[strings.Clone(raw)] = term // raw may be part of a long text
	w.mu.Unlock()
	return term
}

// excerpt returns the passage of text (about excerptBytes long) holding the
// most query terms, HTML-escaped, with the words whose analysed form is in
// marks wrapped in <mark>. Matching through the index's analyzer highlights
// "hébergées" for the query "hebergement". Offsets are those of the
// original text because folding is a token filter, not a char filter.
func excerpt(text string, a *wordTerms, marks map[string]bool, phrases [][]string) string {
	if text == "" {
		return ""
	}
	var hits []word
	if len(marks)+len(phrases) > 0 {
		buf := wordBufs.Get().(*wordBuf)
		defer wordBufs.Put(buf)
		toks := a.analyzeInto(text, buf)
		for i := 0; i < len(toks); i++ {
			if marks[toks[i].term] {
				hits = append(hits, toks[i])
				continue
			}
			if n := phraseAt(toks, i, phrases); n > 0 {
				hits = append(hits, word{start: toks[i].start, end: toks[i+n-1].end})
				i += n - 1
			}
		}
	}
	start := 0
	if len(hits) > 0 {
		best, bestN := 0, 0
		for i := range hits {
			n := 0
			for j := i; j < len(hits) && hits[j].end-hits[i].start <= excerptBytes; j++ {
				n++
			}
			if n > bestN {
				best, bestN = i, n
			}
		}
		start = hits[best].start
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
		if t.start < pos || t.end > end {
			continue
		}
		b.WriteString(html.EscapeString(text[pos:t.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[t.start:t.end]))
		b.WriteString("</mark>")
		pos = t.end
	}
	b.WriteString(html.EscapeString(text[pos:end]))
	if end < len(text) {
		b.WriteString(" …")
	}
	return strings.ReplaceAll(b.String(), "\n", " ")
}

// phraseAt returns the length of the longest phrase starting at toks[i].
func phraseAt(toks []word, i int, phrases [][]string) int {
	best := 0
	for _, ph := range phrases {
		if len(ph) <= best || i+len(ph) > len(toks) {
			continue
		}
		ok := true
		for j, s := range ph {
			if toks[i+j].term != s {
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
