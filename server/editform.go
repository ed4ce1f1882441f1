package server

import (
	"strconv"
	"strings"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/editform"
)

// formSection is one fieldset of the structured edit form.
type formSection struct {
	ID, Title, Help string
	Fields          []formField
}

// formField is one input of the edit form, ready for the template.
type formField struct {
	Key, Name, ID     string // front matter key, form name, HTML id
	Label, Help       string
	Input             string // text, textarea, number, choices, radio, bool
	Value             string
	Required          bool
	Error             string
	Options           []formOption
	Groups            []optionGroup // thematiques: one fieldset per first level
	Commune, Hours    bool          // the commune combobox, the opening hours preview
	DescribedBy       string        // ids of the help and the error, for aria-describedby
	Rows              []recordRow   // infos_temporaires: one fieldset per item, and a blank one
	InputMode, Autoco string
}

type formOption struct {
	Value, Label, ID string
	Checked          bool
}

type optionGroup struct {
	Label   string
	Open    bool // a box of the group is checked: shown unfolded
	Options []formOption
}

// fieldID is the HTML id of a field's input: the error summary links to it.
func fieldID(key string) string { return "champ-" + strings.ReplaceAll(key, ".", "-") }

// formSections lays out a kind's form with its values and its errors by
// front matter key.
func (s *Server) formSections(kind content.Kind, vals editform.Values, errs map[string]string) []formSection {
	var out []formSection
	for _, f := range editform.Fields(kind) {
		if len(out) == 0 || out[len(out)-1].ID != f.Section {
			out = append(out, formSection{ID: "section-" + f.Section, Title: s.t("edit.section." + f.Section), Help: s.optional("edit.section." + f.Section + ".help")})
		}
		sec := &out[len(out)-1]
		sec.Fields = append(sec.Fields, s.formField(kind, f, vals, errs[f.Key]))
	}
	return out
}

func (s *Server) formField(kind content.Kind, f editform.Field, vals editform.Values, err string) formField {
	label := s.optional("edit.field." + string(kind) + "." + f.Key)
	if label == "" {
		label = s.t("edit.field." + f.Key)
	}
	ff := formField{Key: f.Key, Name: f.Key, ID: fieldID(f.Key), Label: label, Help: s.optional("edit.help." + f.Key),
		Required: f.Required, Error: err, Value: vals.Joined(f)}
	switch f.Input {
	case editform.Textarea, editform.Lines:
		ff.Input = "textarea"
	case editform.Int, editform.Float:
		ff.Input, ff.InputMode = "text", "decimal"
		if f.Input == editform.Int {
			ff.InputMode = "numeric"
		}
	case editform.Bool:
		ff.Input = "bool"
	case editform.Choices, editform.Radio:
		ff.Input = "choices"
		if f.Input == editform.Radio {
			ff.Input = "radio"
		}
		ff.Options = s.fieldOptions(f, vals)
		if f.Key == "thematiques" {
			ff.Groups, ff.Options = s.thematiqueGroups(vals), nil
		}
	case editform.Records:
		ff.Input, ff.Rows = "records", s.recordRows(f, vals)
	default:
		ff.Input = "text"
	}
	ff.Commune, ff.Hours = f.Key == "commune", f.Key == "horaires_accueil"
	if ff.Commune {
		ff.ID = "commune" // the id the commune combobox of app.js looks for
	}
	var ids []string
	if ff.Help != "" {
		ids = append(ids, ff.ID+"-aide")
	}
	if ff.Error != "" {
		ids = append(ids, ff.ID+"-erreur")
	}
	ff.DescribedBy = strings.Join(ids, " ")
	switch f.Key {
	case "telephone", "pro.telephone":
		ff.InputMode = "tel"
	case "courriel", "pro.courriel":
		ff.InputMode = "email"
	case "site_web", "lien_mobilisation", "accessibilite_lieu":
		ff.InputMode = "url"
	}
	return ff
}

// fieldOptions are the choices of a referential, or a field's own values.
func (s *Server) fieldOptions(f editform.Field, vals editform.Values) []formOption {
	var out []formOption
	add := func(value, label string) {
		out = append(out, formOption{Value: value, Label: label, ID: fieldID(f.Key) + "-" + strconv.Itoa(len(out)), Checked: vals.Has(f.Key, value)})
	}
	if f.Ref != nil {
		for _, v := range f.Ref(s.cfg.Refs).Values() {
			add(v.Value, v.Label)
		}
	}
	for _, v := range f.Options {
		add(v, s.t("edit.option."+f.Key+"."+v))
	}
	if f.Input == editform.Radio && f.Ref != nil {
		out = append([]formOption{{Value: "", Label: s.t("edit.option.none"), ID: fieldID(f.Key) + "-aucun", Checked: vals.First(f.Key) == ""}}, out...)
	}
	// A value the referential does not know stays checked and visible, so
	// that saving the form does not drop it silently.
	for _, v := range vals[f.Key] {
		if f.Ref != nil && !f.Ref(s.cfg.Refs).Has(v) {
			add(v, v)
		}
	}
	return out
}

func (s *Server) thematiqueGroups(vals editform.Values) []optionGroup {
	var out []optionGroup
	n := 0
	id := func() string { n++; return fieldID("thematiques") + "-" + strconv.Itoa(n) }
	for _, g := range s.cfg.Refs.ThematiqueGroups() {
		og := optionGroup{Label: g.Label}
		for _, v := range g.Children {
			checked := vals.Has("thematiques", v.Value)
			og.Open = og.Open || checked
			og.Options = append(og.Options, formOption{Value: v.Value, Label: v.Label, ID: id(), Checked: checked})
		}
		out = append(out, og)
	}
	var unknown []formOption
	for _, v := range vals["thematiques"] {
		if !s.cfg.Refs.Thematiques.Has(v) {
			unknown = append(unknown, formOption{Value: v, Label: v, ID: id(), Checked: true})
		}
	}
	if len(unknown) > 0 {
		out = append(out, optionGroup{Label: s.t("edit.option.unknown"), Open: true, Options: unknown})
	}
	return out
}

// optional returns a message, or "" when the catalogue has no such key.
func (s *Server) optional(key string) string {
	msgs := s.cfg.Theme.Messages()
	if _, ok := msgs[key]; !ok {
		return ""
	}
	return msgs.T(key)
}

// recordRow is one item of infos_temporaires in the form.
type recordRow struct {
	ID, Legend string
	Values     editform.Record
	Types      []formOption
}

// recordRows lays out the items of a Records field, plus a blank row to
// add one.
func (s *Server) recordRows(f editform.Field, vals editform.Values) []recordRow {
	records := append(vals.Records(f.Key), editform.Record{})
	rows := make([]recordRow, len(records))
	for i, r := range records {
		id := fieldID(f.Key) + "-" + strconv.Itoa(i)
		legend := s.t("edit.info.legend", i+1)
		if i == len(records)-1 {
			legend = s.t("edit.info.new")
		}
		row := recordRow{ID: id, Legend: legend, Values: r}
		row.Types = append(row.Types, formOption{Value: "", Label: s.t("edit.option.none"), Checked: r["type"] == ""})
		for _, t := range []string{"fermeture", "horaires", "message"} {
			row.Types = append(row.Types, formOption{Value: t, Label: s.t("edit.info.type." + t), Checked: r["type"] == t})
		}
		rows[i] = row
	}
	return rows
}
