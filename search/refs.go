package search

import "github.com/aiguillage/aiguillage/content"

// labelsOf returns the label functions of the referentials; a value a
// referential does not know gets no label (labels then fall back).
func labelsOf(r *content.Referentials) labels {
	if r == nil {
		return labels{}
	}
	of := func(ref *content.Referential) labelFunc {
		if ref == nil {
			return nil
		}
		return func(v string) string {
			if !ref.Has(v) {
				return ""
			}
			return ref.Label(v)
		}
	}
	return labels{
		them: of(r.Thematiques), publics: of(r.Publics), types: of(r.Types), frais: of(r.Frais),
		modes: of(r.ModesAccueil), reseaux: of(r.ReseauxPorteurs),
		groupes: func(v string) string {
			if g, ok := r.ThematiqueGroup(v); ok {
				return g.Label
			}
			return ""
		},
	}
}
