package search

import (
	"slices"
	"testing"
)

// TestWordTermsMatchAnalyzer checks that the memoised word-by-word analysis
// of excerpts gives the analyzer's terms and offsets, memo cold and warm.
func TestWordTermsMatchAnalyzer(t *testing.T) {
	ix, cat, _ := fixtureIndex(t, tuesday10)
	texts := []string{
		"L'épicerie d'Aujourd'hui : ÉPICERIES sociales, hébergées, œuvres, garçons.",
		"Été 2026 — l'abri de nuit (115) ouvert 24h/24, 7j/7 ; 3,5 € le repas.",
		"Personnes sans domicile fixe : domiciliation, adresse postale, courrier.",
		"Chevaux, travaux, généraux... aux eaux ! qu'il s'en aille jusqu'à l'Hôtel-Dieu.",
		"", "   ", "a de la le les",
	}
	for _, d := range cat.docs {
		texts = append(texts, plainText(d.Body))
	}
	w := newWordTerms(ix.analyzer)
	if w.tok == nil {
		t.Fatal("the analyzer is not a DefaultAnalyzer: no memo")
	}
	for round := range 2 {
		for _, text := range texts {
			var want []word
			for _, tok := range ix.analyzer.Analyze([]byte(text)) {
				want = append(want, word{string(tok.Term), tok.Start, tok.End})
			}
			if got := w.analyze(text); !slices.Equal(got, want) && len(got)+len(want) > 0 {
				t.Errorf("round %d, %q:\n got %v\nwant %v", round, text, got, want)
			}
		}
	}
}
