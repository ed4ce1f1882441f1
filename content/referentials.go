package content

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"
)

//go:embed referentials/*.json
var referentialFiles embed.FS

// RefValue is one value of a data·inclusion referential.
type RefValue struct {
	Value       string `json:"value"`
	Label       string `json:"label"`
	Description string `json:"description"`
}

// Referential is one data·inclusion enumeration: ordered values with a fast
// lookup by value. It is immutable once loaded.
type Referential struct {
	Name   string // file name without .json, as shown in messages
	values []RefValue
	index  map[string]int
}

// NewReferential builds a referential from its values, in order.
func NewReferential(name string, values []RefValue) *Referential {
	r := &Referential{Name: name, values: values, index: make(map[string]int, len(values))}
	for i, v := range values {
		r.index[v.Value] = i
	}
	return r
}

// Has reports whether v is a value of the referential.
func (r *Referential) Has(v string) bool {
	_, ok := r.index[v]
	return ok
}

// Label returns the French label of v, or v itself when it is unknown.
func (r *Referential) Label(v string) string {
	if i, ok := r.index[v]; ok {
		return r.values[i].Label
	}
	return v
}

// Values returns the values in the referential's order. The caller must not
// modify the returned slice.
func (r *Referential) Values() []RefValue { return r.values }

// Referentials are the data·inclusion v1.0.8 referentials the front matter
// uses.
type Referentials struct {
	Thematiques       *Referential
	Types             *Referential
	Publics           *Referential
	Frais             *Referential
	ModesAccueil      *Referential
	ModesMobilisation *Referential
	MobilisablePar    *Referential
	ReseauxPorteurs   *Referential

	groups []ThematiqueGroup
}

// LoadReferentials reads the embedded referential files.
func LoadReferentials() (*Referentials, error) {
	load := func(name string) (*Referential, error) {
		data, err := referentialFiles.ReadFile("referentials/" + name + ".json")
		if err != nil {
			return nil, fmt.Errorf("content: load referential %s: %w", name, err)
		}
		var raw []struct {
			Value       string  `json:"value"`
			Label       string  `json:"label"`
			Description *string `json:"description"`
		}
		if err := json.Unmarshal(data, &raw); err != nil {
			return nil, fmt.Errorf("content: load referential %s: %w", name, err)
		}
		values := make([]RefValue, len(raw))
		for i, v := range raw {
			values[i] = RefValue{Value: v.Value, Label: v.Label}
			if v.Description != nil {
				values[i].Description = *v.Description
			}
		}
		return NewReferential(name, values), nil
	}
	r := &Referentials{}
	for _, f := range []struct {
		dst  **Referential
		name string
	}{
		{&r.Thematiques, "thematiques"},
		{&r.Types, "types-de-services"},
		{&r.Publics, "publics"},
		{&r.Frais, "frais"},
		{&r.ModesAccueil, "modes-accueil"},
		{&r.ModesMobilisation, "modes-mobilisation"},
		{&r.MobilisablePar, "personnes-mobilisatrices"},
		{&r.ReseauxPorteurs, "reseaux-porteurs"},
	} {
		ref, err := load(f.name)
		if err != nil {
			return nil, err
		}
		*f.dst = ref
	}
	r.groups = groupThematiques(r.Thematiques)
	return r, nil
}

// ThematiqueGroup is a first-level thematique ("equipement-et-alimentation")
// with its second-level values.
type ThematiqueGroup struct {
	Value    string
	Label    string
	Children []RefValue
}

// groupLabels names the first-level thematiques, which the referential
// only encodes as the prefix before "--" of its values.
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
	"souvrir-a-linternational":                  "S’ouvrir à l’international",
	"trouver-un-emploi":                         "Trouver un emploi",
}

func groupLabel(slug string) string {
	if l, ok := groupLabels[slug]; ok {
		return l
	}
	s := strings.ReplaceAll(slug, "-", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func groupThematiques(ref *Referential) []ThematiqueGroup {
	var groups []ThematiqueGroup
	at := map[string]int{}
	for _, v := range ref.Values() {
		first, _, _ := strings.Cut(v.Value, "--")
		i, ok := at[first]
		if !ok {
			i = len(groups)
			at[first] = i
			groups = append(groups, ThematiqueGroup{Value: first, Label: groupLabel(first)})
		}
		groups[i].Children = append(groups[i].Children, v)
	}
	return groups
}

// ThematiqueGroups returns the first-level thematiques with their values, in
// the referential's order. The caller must not modify the result.
func (r *Referentials) ThematiqueGroups() []ThematiqueGroup { return r.groups }

// ThematiqueGroup returns the group of a thematique value, or of a
// first-level value itself.
func (r *Referentials) ThematiqueGroup(value string) (ThematiqueGroup, bool) {
	first, _, _ := strings.Cut(value, "--")
	for _, g := range r.groups {
		if g.Value == first {
			return g, true
		}
	}
	return ThematiqueGroup{}, false
}
