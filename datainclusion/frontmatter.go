package datainclusion

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// pageFile is a page file opened for editing at the YAML node level, so
// that what an import does not change — private information, the order
// of keys, comments, keys it does not know — stays as it was.
type pageFile struct {
	doc  yaml.Node // document node
	m    *yaml.Node
	body string
}

var errNoFrontMatter = errors.New("no front matter")

// openPage splits a page file and parses its front matter.
func openPage(data []byte) (*pageFile, error) {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	rest, ok := strings.CutPrefix(s, "---\n")
	if !ok {
		return nil, errNoFrontMatter
	}
	front, body, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		if front, ok = strings.CutSuffix(rest, "\n---"); !ok {
			if !strings.HasPrefix(rest, "---\n") && rest != "---" {
				return nil, errNoFrontMatter
			}
			front, body = "", strings.TrimPrefix(strings.TrimPrefix(rest, "---"), "\n")
		}
	}
	p := &pageFile{body: body}
	if err := yaml.Unmarshal([]byte(front), &p.doc); err != nil {
		return nil, err
	}
	if len(p.doc.Content) == 0 {
		p.doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
	}
	p.m = p.doc.Content[0]
	if p.m.Kind != yaml.MappingNode {
		return nil, errNoFrontMatter
	}
	return p, nil
}

// newPage starts an empty page file.
func newPage() *pageFile {
	p := &pageFile{}
	p.doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
	p.m = p.doc.Content[0]
	return p
}

func (p *pageFile) get(key string) *yaml.Node {
	for i := 0; i+1 < len(p.m.Content); i += 2 {
		if p.m.Content[i].Value == key {
			return p.m.Content[i+1]
		}
	}
	return nil
}

// quoted are the keys whose values are written between quotes, as
// content.Encode does, so that no YAML reader turns "01400" into a number.
var quoted = map[string]bool{"code_postal": true, "code_insee": true, "zone_eligibilite": true, "siret": true, "telephone": true}

// node makes the YAML node of a value: a string, a list of strings, a
// float64 or a date (dateValue).
func node(key string, v any) *yaml.Node {
	scalar := func(s string) *yaml.Node {
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
		if quoted[key] {
			n.Style = yaml.DoubleQuotedStyle
		}
		return n
	}
	switch v := v.(type) {
	case string:
		return scalar(v)
	case dateValue:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!timestamp", Value: string(v)}
	case float64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(v, 'f', -1, 64)}
	case []string:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
		for _, s := range v {
			n.Content = append(n.Content, scalar(s))
		}
		return n
	}
	panic(fmt.Sprintf("datainclusion: no YAML form for %T", v))
}

// dateValue is a YYYY-MM-DD date, written unquoted.
type dateValue string

// same reports whether a node already holds v.
func same(n *yaml.Node, v any) bool {
	if n == nil {
		return false
	}
	switch v := v.(type) {
	case string:
		return n.Kind == yaml.ScalarNode && n.Value == v
	case dateValue:
		return n.Kind == yaml.ScalarNode && n.Value == string(v)
	case float64:
		f, err := strconv.ParseFloat(n.Value, 64)
		return n.Kind == yaml.ScalarNode && err == nil && f == v
	case []string:
		if n.Kind != yaml.SequenceNode || len(n.Content) != len(v) {
			return false
		}
		for i, c := range n.Content {
			if c.Value != v[i] {
				return false
			}
		}
		return true
	}
	return false
}

// set gives key the value v, in place when the key exists, else at the
// end, and reports whether that changed anything.
func (p *pageFile) set(key string, v any) bool {
	cur := p.get(key)
	if same(cur, v) {
		return false
	}
	n := node(key, v)
	if cur != nil {
		n.HeadComment, n.LineComment, n.FootComment = cur.HeadComment, cur.LineComment, cur.FootComment
		*cur = *n
		return true
	}
	p.m.Content = append(p.m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, n)
	return true
}

// keys lists the front matter's keys.
func (p *pageFile) keys() []string {
	var out []string
	for i := 0; i+1 < len(p.m.Content); i += 2 {
		out = append(out, p.m.Content[i].Value)
	}
	return out
}

func (p *pageFile) has(key string) bool { return slices.Contains(p.keys(), key) }

// bytes writes the page file back.
func (p *pageFile) bytes() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("---\n")
	if len(p.m.Content) > 0 {
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(&p.doc); err != nil {
			return nil, fmt.Errorf("datainclusion: encode front matter: %w", err)
		}
		if err := enc.Close(); err != nil {
			return nil, fmt.Errorf("datainclusion: encode front matter: %w", err)
		}
	}
	buf.WriteString("---\n")
	buf.WriteString(p.body)
	return buf.Bytes(), nil
}
