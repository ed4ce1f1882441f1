package search

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

// bleveWords returns the words of text as bleve's unicode tokenizer cuts
// them: the reference splitWords must agree with.
func bleveWords(text string) []span {
	var out []span
	for _, t := range unicode.NewUnicodeTokenizer().Tokenize([]byte(text)) {
		out = append(out, span{t.Start, t.End})
	}
	return out
}

// checkSplit fails when splitWords handles text and disagrees with bleve.
// It reports whether the fast path handled text.
func checkSplit(t *testing.T, text string) bool {
	t.Helper()
	got, ok := splitWords(text, nil)
	if !ok {
		return false
	}
	if want := bleveWords(text); !slices.Equal(got, want) {
		t.Errorf("splitWords(%q):\n got  %v\n want %v", text, show(text, got), show(text, want))
	}
	return true
}

func show(text string, ws []span) []string {
	var out []string
	for _, w := range ws {
		out = append(out, text[w.start:w.end])
	}
	return out
}

func TestSplitWords(t *testing.T) {
	for _, text := range []string{
		"", " ", "aide", "l'aide alimentaire", "aujourd’hui", "L’épicerie « solidaire »",
		"ouvert 9h30-12h, 14h–17h.", "3,5 € ; 1.000 ; 1'000 ; 10;20", "a.b.c a. .a a.1 1.a 1,a a,b",
		"www.exemple.fr", "contact@exemple.fr", "16-25 ans", "25ans 3e", "a:b a::b 1:2", "l·e·s",
		"Œuvre cœur ŒUF Ÿ", "ÉTÉ été Ça ça", "x × y ÷ z", "ª º µ", "« Bonjour » — dit-il…",
		"line\nbreak\r\nand\ttab", "fin.", "'début", "1.", ".5", "a''b", "a..b", "1,,2", "a.'b",
		"“cité” ‘là’", "numéro ²", "¡Hola! ¿Qué?", "prix : 5 €/mois", "a-b_c", "nbsp\u00a0ici",
	} {
		if !checkSplit(t, text) {
			if _, ok := splitWords(text, nil); ok || !strings.ContainsAny(text, "_") {
				t.Errorf("splitWords(%q): fast path refused", text)
			}
		}
	}
	for _, text := range []string{"a_b", "soft\u00adhyphen", "e\u0301", "narrow\u202fspace", "日本語", "emoji 🙂", "bad \xff utf8"} {
		if _, ok := splitWords(text, nil); ok {
			t.Errorf("splitWords(%q): handled, want the fallback", text)
		}
	}
}

// TestSplitWordsRandom compares both splitters on random strings of the
// characters the fast path handles, weighted towards the joining ones.
func TestSplitWordsRandom(t *testing.T) {
	alphabet := []rune("aeézZ09 .,;:'’‘·-\n«»–…€\u00a0ªµºÿ×Œœ\"()!?/")
	for c := rune(0x20); c < 0x7f; c++ {
		if c != '_' {
			alphabet = append(alphabet, c)
		}
	}
	for c := rune(0xa0); c <= 0xff; c++ {
		if c != 0xad {
			alphabet = append(alphabet, c)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.Reset()
		for j := rng.IntN(12); j >= 0; j-- {
			if rng.IntN(3) == 0 {
				b.WriteRune(alphabet[rng.IntN(40)])
			} else {
				b.WriteRune(alphabet[rng.IntN(len(alphabet))])
			}
		}
		if !checkSplit(t, b.String()) {
			t.Fatalf("splitWords(%q): fast path refused", b.String())
		}
		if t.Failed() {
			return
		}
	}
}

// TestSplitWordsCorpus checks, on the excerpt source of every document of
// the 10,000-service corpus, that the fast splitter agrees with bleve's
// tokenizer and that the excerpts' words are the analyzer's terms.
func TestSplitWordsCorpus(t *testing.T) {
	ix, _ := relevanceIndex(t)
	fast, all := 0, 0
	for id, m := range ix.state.Load().metas {
		all++
		if checkSplit(t, m.Text) {
			fast++
		}
		var want []word
		for _, tok := range ix.analyzer.Analyze([]byte(m.Text)) {
			want = append(want, word{string(tok.Term), tok.Start, tok.End})
		}
		if got := ix.excerpts.analyze(m.Text); !slices.Equal(got, want) && len(got)+len(want) > 0 {
			t.Fatalf("%s: excerpt words differ from the analyzer's:\n got  %v\n want %v", id, got, want)
		}
		if t.Failed() {
			return
		}
	}
	t.Logf("%d of %d texts split by the fast path", fast, all)
	if fast < all*9/10 {
		t.Errorf("only %d of %d texts took the fast path", fast, all)
	}
}
