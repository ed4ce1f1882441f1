// Package editform is the structured edit form of a service or a
// structure: which front matter keys the form shows and how, how to read
// them from a page file, and how to write a form's values back into that
// file. Writing goes through the YAML node tree of the original file, so
// keys the form does not know, comments and key order survive an edit
// untouched; a key is rewritten only when its value really changed.
package editform

import (
	"github.com/aiguillage/aiguillage/content"
)

// Input is how a field is entered and how its value is stored.
type Input int

// The inputs of the form.
const (
	Text     Input = iota // one line → string
	Textarea              // several lines → string (literal block when multi-line)
	Lines                 // one item a line → list of strings
	Codes                 // items separated by commas or spaces → list of codes on one line
	Choices               // checkboxes of a referential → list of values
	Radio                 // one value of a referential or of Options → string
	Bool                  // a checkbox → true, or no key
	Int                   // → integer
	Float                 // → number (a decimal comma is accepted)
	Records               // rows of sub-fields (RecordKeys) → list of mappings
)

// Field is one input of the form. Key is the front matter key, with a dot
// for a key of the pro: mapping ("pro.notes").
type Field struct {
	Key      string
	Input    Input
	Section  string // the fieldset it belongs to
	Required bool
	Ref      func(*content.Referentials) *content.Referential // Choices and Radio
	Options  []string                                         // Radio without Ref: the values, in order
}

// Sections of the forms, in display order. Their titles are messages
// "edit.section.<name>".
const (
	SectionMain    = "essentiel"
	SectionPublic  = "public"
	SectionAccess  = "acces"
	SectionPlace   = "lieu"
	SectionNotices = "infos"
	SectionContact = "contact"
	SectionPro     = "pro"
)

func thematiques(r *content.Referentials) *content.Referential     { return r.Thematiques }
func types(r *content.Referentials) *content.Referential           { return r.Types }
func publics(r *content.Referentials) *content.Referential         { return r.Publics }
func frais(r *content.Referentials) *content.Referential           { return r.Frais }
func modesAccueil(r *content.Referentials) *content.Referential    { return r.ModesAccueil }
func modesMob(r *content.Referentials) *content.Referential        { return r.ModesMobilisation }
func mobilisablePar(r *content.Referentials) *content.Referential  { return r.MobilisablePar }
func reseauxPorteurs(r *content.Referentials) *content.Referential { return r.ReseauxPorteurs }

// placeFields are the address, hours and coordinates of both kinds.
var placeFields = []Field{
	{Key: "adresse", Input: Text, Section: SectionPlace},
	{Key: "complement_adresse", Input: Text, Section: SectionPlace},
	{Key: "commune", Input: Text, Section: SectionPlace},
	{Key: "code_postal", Input: Text, Section: SectionPlace},
	{Key: "code_insee", Input: Text, Section: SectionPlace},
	{Key: "latitude", Input: Float, Section: SectionPlace},
	{Key: "longitude", Input: Float, Section: SectionPlace},
	{Key: "horaires_accueil", Input: Text, Section: SectionPlace},
}

var contactFields = []Field{
	{Key: "telephone", Input: Text, Section: SectionContact},
	{Key: "courriel", Input: Text, Section: SectionContact},
	{Key: "site_web", Input: Text, Section: SectionContact},
}

var proFields = []Field{
	{Key: "pro.telephone", Input: Text, Section: SectionPro},
	{Key: "pro.courriel", Input: Text, Section: SectionPro},
	{Key: "pro.notes", Input: Textarea, Section: SectionPro},
}

func join(parts ...[]Field) []Field {
	var out []Field
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var serviceFields = join([]Field{
	{Key: "nom", Input: Text, Section: SectionMain, Required: true},
	{Key: "structure", Input: Text, Section: SectionMain, Required: true},
	{Key: "statut", Input: Radio, Section: SectionMain, Options: []string{"actif", "suspendu", "ferme"}},
	{Key: "complet", Input: Bool, Section: SectionMain},
	{Key: "thematiques", Input: Choices, Section: SectionMain, Required: true, Ref: thematiques},
	{Key: "types", Input: Choices, Section: SectionMain, Ref: types},
	{Key: "publics", Input: Choices, Section: SectionPublic, Ref: publics},
	{Key: "publics_precisions", Input: Textarea, Section: SectionPublic},
	{Key: "inconditionnel", Input: Bool, Section: SectionPublic},
	{Key: "age_min", Input: Int, Section: SectionPublic},
	{Key: "age_max", Input: Int, Section: SectionPublic},
	{Key: "zone_eligibilite", Input: Codes, Section: SectionPublic},
	{Key: "conditions_acces", Input: Textarea, Section: SectionAccess},
	{Key: "justificatifs", Input: Lines, Section: SectionAccess},
	{Key: "frais", Input: Radio, Section: SectionAccess, Ref: frais},
	{Key: "frais_precisions", Input: Textarea, Section: SectionAccess},
	{Key: "modes_accueil", Input: Choices, Section: SectionAccess, Ref: modesAccueil},
	{Key: "modes_mobilisation", Input: Choices, Section: SectionAccess, Ref: modesMob},
	{Key: "mobilisable_par", Input: Choices, Section: SectionAccess, Ref: mobilisablePar},
	{Key: "lien_mobilisation", Input: Text, Section: SectionAccess},
	{Key: "langues", Input: Codes, Section: SectionAccess},
}, placeFields, contactFields, proFields, []Field{
	{Key: "infos_temporaires", Input: Records, Section: SectionNotices},
})

var structureFields = join([]Field{
	{Key: "nom", Input: Text, Section: SectionMain, Required: true},
	{Key: "siret", Input: Text, Section: SectionMain},
	{Key: "reseaux_porteurs", Input: Choices, Section: SectionMain, Ref: reseauxPorteurs},
}, placeFields, contactFields, []Field{
	{Key: "accessibilite_lieu", Input: Text, Section: SectionContact},
}, proFields)

// Fields returns the form's fields for a kind of page, in display order;
// nil for free pages, which are edited as source only.
func Fields(kind content.Kind) []Field {
	switch kind {
	case content.KindService:
		return serviceFields
	case content.KindStructure:
		return structureFields
	}
	return nil
}

// Lookup returns the field of a kind's form with the given key.
func Lookup(kind content.Kind, key string) (Field, bool) {
	for _, f := range Fields(kind) {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}
