package edit

import (
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/aiguillage/aiguillage/content"
)

// Allowed is the one rule of who may change what. file is a repository
// file name; before and after are its content before and after the change
// (nil: the file does not exist on that side, so creating passes before =
// nil and deleting after = nil).
//
// An administrator may change everything. An editor may change the files
// of the structures listed in Structures (structures/<slug>.md) and the
// services whose structure is one of them — on both sides of the change,
// so nobody moves a service into or out of a structure they do not edit.
// Guide pages (pages/), site settings (.aiguillage/), media and every other
// file are for administrators only: they speak for the whole network. An
// actor without a name or e-mail (anonymous) may change nothing.
func Allowed(a Actor, file string, before, after []byte) bool {
	if a.Name == "" && a.Email == "" {
		return false
	}
	if a.Admin {
		return true
	}
	p, ok := content.PathFromFile(file)
	if !ok {
		return false
	}
	switch p.Kind() {
	case content.KindStructure:
		return slices.Contains(a.Structures, p.Slug())
	case content.KindService:
		for _, data := range [][]byte{before, after} {
			if data == nil {
				continue
			}
			s, ok := structureOf(data)
			if !ok || !slices.Contains(a.Structures, s) {
				return false
			}
		}
		return before != nil || after != nil
	}
	return false
}

// CanEdit reports whether a may change the page p whose file is now raw
// (nil: to create it).
func CanEdit(a Actor, p content.Path, raw []byte) bool {
	return Allowed(a, p.File(), raw, raw)
}

// mayTry reports whether a may change p at all, as it is now (cur; nil
// when it is to be created), before the new text is looked at.
func mayTry(a Actor, p content.Path, cur []byte) bool {
	switch {
	case cur != nil:
		return Allowed(a, p.File(), cur, nil)
	case p.Kind() == content.KindService:
		return (a.Name != "" || a.Email != "") && (a.Admin || len(a.Structures) > 0)
	}
	return Allowed(a, p.File(), nil, []byte{})
}

// structureOf reads the structure key of a service file, without the rest
// of validation; ok is false when it cannot be read.
func structureOf(data []byte) (string, bool) {
	fm, _, ok := Split(data)
	if !ok {
		return "", false
	}
	s, _ := fm["structure"].(string)
	s = strings.TrimSpace(s)
	return s, s != ""
}

// frontNode parses a front matter's text into its top-level mapping; nil
// when empty or not a mapping.
func frontNode(front string) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(front), &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, nil
	}
	return doc.Content[0], nil
}
