package editform

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// quoted are codes kept between double quotes, so that no YAML reader
// turns "01400" into a number (the same keys content.Encode quotes).
var quoted = map[string]bool{
	"code_postal": true, "code_insee": true, "zone_eligibilite": true, "siret": true,
	"telephone": true, "pro.telephone": true,
}

// set writes a key's values, or removes the key when there are none.
func (f *File) set(key string, vals []string, fd Field, fields []Field) {
	f.modified = true
	m := f.root
	parent, sub, nested := strings.Cut(key, ".")
	if nested {
		m = mappingValue(f.root, parent)
		if m == nil || m.Kind != yaml.MappingNode {
			if len(vals) == 0 {
				return
			}
			m = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			f.insert(f.root, parent, m, fields)
		}
		key = sub
	}
	if len(vals) == 0 {
		if i := mappingIndex(m, key); i >= 0 {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
		}
		if nested && len(m.Content) == 0 {
			if i := mappingIndex(f.root, parent); i >= 0 {
				f.root.Content = append(f.root.Content[:i], f.root.Content[i+2:]...)
			}
		}
		return
	}
	old := mappingValue(m, key)
	n := valueNode(fd, vals, old)
	if old != nil {
		n.HeadComment, n.LineComment, n.FootComment = old.HeadComment, old.LineComment, old.FootComment
		*old = *n
		return
	}
	f.insert(m, key, n, fields)
}

// insert adds a key to a mapping after the last key that comes before it
// in the form's order, or at the end.
func (f *File) insert(m *yaml.Node, key string, value *yaml.Node, fields []Field) {
	at := len(m.Content)
	if m == f.root {
		if i := f.after(key, fields); i >= 0 {
			at = i + 2
		}
	}
	k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}
	m.Content = append(m.Content[:at], append([]*yaml.Node{k, value}, m.Content[at:]...)...)
}

// after returns the index of the last key of the root mapping that the
// form's order puts before key, -1 when none is there.
func (f *File) after(key string, fields []Field) int {
	best := -1
	for _, fd := range fields {
		top, _, _ := strings.Cut(fd.Key, ".")
		if top == key {
			break
		}
		if i := mappingIndex(f.root, top); i > best {
			best = i
		}
	}
	return best
}

// valueNode builds the node of a field's new value; old, when not nil, is
// the node it replaces, whose quoting is kept when it still fits.
func valueNode(fd Field, vals []string, old *yaml.Node) *yaml.Node {
	switch fd.Input {
	case Records:
		return recordsNode(vals, old)
	case Lines, Codes, Choices:
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		if fd.Input != Lines {
			seq.Style = yaml.FlowStyle
		}
		if old != nil && old.Kind == yaml.SequenceNode {
			seq.Style = old.Style
		}
		for _, v := range vals {
			seq.Content = append(seq.Content, scalar(fd.Key, v, nil))
		}
		return seq
	case Bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"}
	case Int:
		if _, err := strconv.Atoi(vals[0]); err == nil {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: vals[0]}
		}
	case Float:
		if _, err := strconv.ParseFloat(vals[0], 64); err == nil {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: vals[0]}
		}
	}
	// Text, or a number that is not one: kept as text, so that validation
	// names the field and what is wrong with it.
	return scalar(fd.Key, vals[0], old)
}

// scalar is a string node: codes quoted, several lines as a literal block,
// otherwise the old node's style, else plain (the encoder quotes what
// would not read back as the same string).
func scalar(key, v string, old *yaml.Node) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
	switch {
	case strings.Contains(v, "\n"):
		n.Style = yaml.LiteralStyle
	case quoted[key]:
		n.Style = yaml.DoubleQuotedStyle
	case old != nil && old.Kind == yaml.ScalarNode && old.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		n.Style = old.Style
	}
	return n
}
