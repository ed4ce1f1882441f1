package search

import "strings"

// labelFunc returns the French label of a referential value.
type labelFunc func(value string) string

// labels gives the French labels indexed as text and shown in facets. A
// missing function, or an unknown value, falls back to the value itself.
type labels struct {
	them, groupes, publics, types, frais, modes, reseaux labelFunc
}

func (l labels) get(f labelFunc, v string) string {
	if f == nil {
		return v
	}
	if s := f(v); s != "" {
		return s
	}
	return v
}

// thematique labels a thématique; without a label, its second level in
// words (the first level is shared by unrelated needs: "alimentation" in
// "equipement-et-alimentation--electromenager").
func (l labels) thematique(v string) string {
	if l.them != nil {
		if s := l.them(v); s != "" {
			return s
		}
	}
	_, leaf, _ := strings.Cut(v, "--")
	return strings.ReplaceAll(leaf, "-", " ")
}
func (l labels) public(v string) string { return l.get(l.publics, v) }
func (l labels) typ(v string) string    { return l.get(l.types, v) }
func (l labels) reseau(v string) string { return l.get(l.reseaux, v) }

// groupe labels a first-level thématique.
func (l labels) groupe(v string) string { return l.get(l.groupes, v) }

// facetLabel labels a value of the facet named key.
func (l labels) facetLabel(key, v string) string {
	switch key {
	case facetThematique:
		return l.thematique(v)
	case facetGroupe:
		return l.groupe(v)
	case facetPublic:
		return l.public(v)
	case facetType:
		return l.typ(v)
	case facetFrais:
		return l.get(l.frais, v)
	case facetMode:
		return l.get(l.modes, v)
	case facetReseau:
		return l.reseau(v)
	case facetOuvert:
		return ouvertLabels[v]
	case facetKind:
		return kindLabels[v]
	}
	return v
}

// ouvertLabels and kindLabels label facets no page shows (the server
// renders the others, and says "open now" from its catalogue): they reach
// only the JSON API (/api/v1/search), whose values stay as they are.
var ouvertLabels = map[string]string{
	ouvertOpen: "Ouvert maintenant", ouvertClosed: "Fermé", ouvertUnknown: "Horaires inconnus",
}

var kindLabels = map[string]string{
	"services": "Services", "structures": "Structures", "pages": "Pages",
}
