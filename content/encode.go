package content

import (
	"bytes"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// quotedKeys are codes written between quotes, so that no YAML reader
// turns "01400" into a number.
var quotedKeys = map[string]bool{
	"code_postal": true, "code_insee": true, "zone_eligibilite": true, "siret": true, "telephone": true,
}

// flowKeys are lists of short values written on one line: [a, b].
var flowKeys = map[string]bool{
	"thematiques": true, "types": true, "publics": true, "modes_accueil": true, "modes_mobilisation": true,
	"mobilisable_par": true, "zone_eligibilite": true, "langues": true, "reseaux_porteurs": true, "tags": true,
}

// Encode writes a document as a page file: its front matter (fields in the
// struct's order, two-space indent, codes quoted) between --- lines, then
// its body. Parse(Encode(d)) gives back d.
func Encode(d *Document) ([]byte, error) {
	var front any
	switch {
	case d.Service != nil:
		front = d.Service
	case d.Structure != nil:
		front = d.Structure
	case d.Page != nil:
		front = d.Page
	default:
		return nil, fmt.Errorf("content: encode %s: no front matter", d.Path)
	}
	var n yaml.Node
	if err := n.Encode(front); err != nil {
		return nil, fmt.Errorf("content: encode %s: %w", d.Path, err)
	}
	style(&n, "")
	var buf bytes.Buffer
	buf.WriteString("---\n")
	if len(n.Content) > 0 {
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(&n); err != nil {
			return nil, fmt.Errorf("content: encode %s: %w", d.Path, err)
		}
		if err := enc.Close(); err != nil {
			return nil, fmt.Errorf("content: encode %s: %w", d.Path, err)
		}
	}
	buf.WriteString("---\n")
	buf.WriteString(d.Body)
	return buf.Bytes(), nil
}

// style quotes codes and puts lists of short values on one line.
func style(n *yaml.Node, key string) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			style(n.Content[i+1], n.Content[i].Value)
		}
	case yaml.SequenceNode:
		if flowKeys[key] {
			n.Style = yaml.FlowStyle
		}
		for _, c := range n.Content {
			style(c, key)
		}
	case yaml.ScalarNode:
		if quotedKeys[key] && n.Tag == "!!str" {
			n.Style = yaml.DoubleQuotedStyle
		}
	}
}
