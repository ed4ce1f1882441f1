package search

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

func (l labels) thematique(v string) string { return l.get(l.them, v) }
func (l labels) public(v string) string     { return l.get(l.publics, v) }
func (l labels) typ(v string) string        { return l.get(l.types, v) }
func (l labels) reseau(v string) string     { return l.get(l.reseaux, v) }

// groupe labels a first-level thématique; the referential lists only the
// second level, so the names of the first level are kept here.
func (l labels) groupe(v string) string {
	if s, ok := groupLabels[v]; ok {
		return s
	}
	return l.get(l.groupes, v)
}

var groupLabels = map[string]string{
	"choisir-un-metier":                         "Choisir un métier",
	"creer-une-entreprise":                      "Créer une entreprise",
	"difficultes-administratives-ou-juridiques": "Difficultés administratives ou juridiques",
	"difficultes-financieres":                   "Difficultés financières",
	"equipement-et-alimentation":                "Équipement et alimentation",
	"famille":                                   "Famille",
	"lecture-ecriture-calcul":                   "Lecture, écriture, calcul",
	"logement-hebergement":                      "Logement et hébergement",
	"mobilite":                                  "Mobilité",
	"numerique":                                 "Numérique",
	"preparer-sa-candidature":                   "Préparer sa candidature",
	"remobilisation":                            "Remobilisation",
	"sante":                                     "Santé",
	"se-former":                                 "Se former",
	"souvrir-a-linternational":                  "S'ouvrir à l'international",
	"trouver-un-emploi":                         "Trouver un emploi",
}

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

var ouvertLabels = map[string]string{
	ouvertOpen: "Ouvert maintenant", ouvertClosed: "Fermé", ouvertUnknown: "Horaires inconnus",
}

var kindLabels = map[string]string{
	"services": "Services", "structures": "Structures", "pages": "Pages",
}
