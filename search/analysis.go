package search

import (
	"fmt"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/analysis/tokenmap"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/aiguillage/aiguillage/territory"
)

// Names registered in bleve's (global) registry and in the index mapping.
// The fold filter carries the package path so that it cannot collide with
// another registration in the same process.
const (
	analyzerName      = "aiguillage_fr"       // query side and excerpts: stemmed words
	indexAnalyzerName = "aiguillage_fr_index" // text fields: stemmed words and word pairs
	wordsAnalyzerName = "aiguillage_fr_words" // typo dictionary: folded words, not stemmed
	bigramName        = "aiguillage_search_bigram"
	foldName          = "aiguillage_search_fold"
	stopMapName       = "aiguillage_stop_map"
	stopName          = "aiguillage_stop"
)

// schemaVersion is stored inside the index; an index written with another
// mapping or analysis is rebuilt rather than queried with mismatched terms.
const schemaVersion = "aiguillage-search-9"

// Field names of the bleve documents.
const (
	fNom       = "nom"       // service, structure or page name
	fThem      = "them"      // French labels of the thématiques
	fStructure = "structure" // name of the structure running a service
	fBody      = "body"      // plain text of the Markdown body
	fExtra     = "extra"     // publics, conditions, commune, tags: low weight
	fKind      = "kind"      // services, structures, pages
	fZone      = "zone"      // zone_eligibilite codes, upper-cased
	fStatut    = "statut"    // actif, suspendu, ferme
	fMeta      = "_m"        // stored-only JSON of the meta record
	fWords     = "words"     // every text field, folded but not stemmed: the typo dictionary
	fAll       = "all"       // every text field, stemmed: synonyms are matched here only
	fCell      = "cell"      // grid cells of the location (see cells)
)

// textFields are the analysed fields a query term is matched against, with
// their boosts: name > thématique labels > structure > body > the rest.
var textFields = []struct {
	name  string
	boost float64
}{
	{fNom, 5}, {fThem, 3}, {fStructure, 2}, {fBody, 1}, {fExtra, 0.7},
}

// stopWords is our own French stop list: bleve's "fr" list contains words
// that matter here ("été", "sans", "pas", "personnes"...). Folded form.
var stopWords = strings.Fields(`a ai au aux avec c ce ces cet cette d dans de des du
elle elles en est et etre il ils j je l la le les leur leurs lui m ma mais me mes moi mon
n ne nos notre nous on ou par pour qu que qui s sa se ses si son sur t ta te tes toi ton tu
un une vos votre vous y`)

var registerOnce sync.Once
var registerErr error

// registerAnalysis adds the folding token filter to bleve's registry. The
// registry is process-wide, so this runs once, the first time an index is
// opened, instead of as an init side effect.
func registerAnalysis() error {
	registerOnce.Do(func() {
		registerErr = registry.RegisterTokenFilter(foldName,
			func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
				return foldFilter{}, nil
			})
		if registerErr == nil {
			registerErr = registry.RegisterTokenFilter(bigramName,
				func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
					return bigramFilter{}, nil
				})
		}
	})
	return registerErr
}

// foldFilter folds each token to lower-case ASCII (é→e, œ→oe, ç→c) using
// the same function as territory, so that a commune typed without accents
// and an indexed name agree. It works on tokens, not on the raw text, so
// the offsets used for highlighting stay those of the original text.
type foldFilter struct{}

func (foldFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := in[:0]
	for _, tok := range in {
		f := territory.Fold(string(tok.Term))
		if strings.IndexByte(f, ' ') >= 0 {
			f = strings.ReplaceAll(f, " ", "")
		}
		if f == "" {
			continue
		}
		tok.Term = []byte(f)
		out = append(out, tok)
	}
	return out
}

// bigramFilter adds, after each token but the first, the pair of it and
// the previous token ("aide alimentair"), stop words having been removed.
// A phrase query becomes one term lookup per pair instead of a positional
// intersection of common words: "aide alimentaire" costs as much as
// "surendettement". Pairs ignore position gaps on purpose, so that
// "revenu de solidarité" gives "revenu solidarit" at index and query time.
type bigramFilter struct{}

func (bigramFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	if len(in) < 2 {
		return in
	}
	out := make(analysis.TokenStream, 0, 2*len(in))
	for i, tok := range in {
		out = append(out, tok)
		if i > 0 {
			prev := in[i-1]
			term := make([]byte, 0, len(prev.Term)+1+len(tok.Term))
			term = append(append(append(term, prev.Term...), ' '), tok.Term...)
			out = append(out, &analysis.Token{Term: term, Position: tok.Position,
				Start: prev.Start, End: tok.End, Type: analysis.Shingle})
		}
	}
	return out
}

// pair is the indexed form of two consecutive stems.
func pair(a, b string) string { return a + " " + b }

// newMapping builds the index mapping: one document type whose text fields
// use the French analyzer, keyword fields for filters, a geo point, and a
// stored-only meta record. Nothing is indexed dynamically, so a field added
// by mistake (the pro block, say) could never become searchable.
func newMapping() (*mapping.IndexMappingImpl, error) {
	if err := registerAnalysis(); err != nil {
		return nil, fmt.Errorf("search: register analysis: %w", err)
	}
	im := mapping.NewIndexMapping()
	tokens := make([]interface{}, len(stopWords))
	for i, w := range stopWords {
		tokens[i] = w
	}
	if err := im.AddCustomTokenMap(stopMapName, map[string]interface{}{
		"type": tokenmap.Name, "tokens": tokens,
	}); err != nil {
		return nil, fmt.Errorf("search: mapping: %w", err)
	}
	if err := im.AddCustomTokenFilter(stopName, map[string]interface{}{
		"type": stop.Name, "stop_token_map": stopMapName,
	}); err != nil {
		return nil, fmt.Errorf("search: mapping: %w", err)
	}
	if err := im.AddCustomAnalyzer(analyzerName, map[string]interface{}{
		"type":      custom.Name,
		"tokenizer": unicode.Name,
		"token_filters": []interface{}{
			lowercase.Name, fr.ElisionName, foldName, stopName, fr.LightStemmerName,
		},
	}); err != nil {
		return nil, fmt.Errorf("search: mapping: %w", err)
	}
	if err := im.AddCustomAnalyzer(indexAnalyzerName, map[string]interface{}{
		"type":      custom.Name,
		"tokenizer": unicode.Name,
		"token_filters": []interface{}{
			lowercase.Name, fr.ElisionName, foldName, stopName, fr.LightStemmerName, bigramName,
		},
	}); err != nil {
		return nil, fmt.Errorf("search: mapping: %w", err)
	}
	if err := im.AddCustomAnalyzer(wordsAnalyzerName, map[string]interface{}{
		"type":      custom.Name,
		"tokenizer": unicode.Name,
		"token_filters": []interface{}{
			lowercase.Name, fr.ElisionName, foldName, stopName,
		},
	}); err != nil {
		return nil, fmt.Errorf("search: mapping: %w", err)
	}
	im.ScoringModel = "bm25"
	im.DefaultAnalyzer = analyzerName
	im.IndexDynamic, im.StoreDynamic, im.DocValuesDynamic = false, false, false

	dm := mapping.NewDocumentStaticMapping()
	text := func(store bool) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = indexAnalyzerName
		f.Store = store
		f.IncludeInAll = false
		f.IncludeTermVectors = false // phrases are matched as word pairs
		f.DocValues = false
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := mapping.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	for _, tf := range textFields {
		dm.AddFieldMappingsAt(tf.name, text(false))
	}
	dm.AddFieldMappingsAt(fAll, text(false))
	words := text(false)
	words.Analyzer = wordsAnalyzerName
	words.IncludeTermVectors = false
	dm.AddFieldMappingsAt(fWords, words)
	for _, name := range []string{fKind, fZone, fStatut, fCell} {
		dm.AddFieldMappingsAt(name, kw())
	}
	m := mapping.NewTextFieldMapping()
	m.Index = false
	m.Store = true
	m.IncludeInAll = false
	m.IncludeTermVectors = false
	m.DocValues = false
	dm.AddFieldMappingsAt(fMeta, m)
	im.DefaultMapping = dm
	if err := im.Validate(); err != nil {
		return nil, fmt.Errorf("search: mapping: %w", err)
	}
	return im, nil
}
