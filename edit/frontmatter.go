package edit

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/aiguillage/aiguillage/content"
)

// Split reads a page file into its front matter values and its body. Dates
// stay "YYYY-MM-DD" strings and numbers are int64 or float64, so the values
// encode to JSON as they read in YAML. ok is false when the front matter is
// missing or not a YAML mapping (body is then the whole file).
func Split(data []byte) (fm map[string]any, body string, ok bool) {
	front, body, found := content.SplitFrontMatter(data)
	if !found {
		return nil, string(data), false
	}
	root, err := frontNode(front)
	if err != nil {
		return nil, body, false
	}
	if root == nil {
		return map[string]any{}, body, strings.TrimSpace(front) == ""
	}
	m, _ := nodeValue(root, 0).(map[string]any)
	return m, body, m != nil
}

// nodeValue converts a YAML node to plain values. depth stops alias loops.
func nodeValue(n *yaml.Node, depth int) any {
	if n == nil || depth > 32 {
		return nil
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return nodeValue(n.Content[0], depth+1)
	case yaml.AliasNode:
		return nodeValue(n.Alias, depth+1)
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, c := range n.Content {
			out[i] = nodeValue(c, depth+1)
		}
		return out
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			out[n.Content[i].Value] = nodeValue(n.Content[i+1], depth+1)
		}
		return out
	}
	switch n.ShortTag() {
	case "!!int":
		var i int64
		if n.Decode(&i) == nil {
			return i
		}
	case "!!float":
		var f float64
		if n.Decode(&f) == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f
		}
	case "!!bool":
		var b bool
		if n.Decode(&b) == nil {
			return b
		}
	case "!!null":
		return nil
	}
	return n.Value
}

// setField sets a top-level key of a page's front matter to a plain
// scalar (a date). When the key sits on one line of a block mapping, only
// that line is rewritten, so the rest of the file stays byte for byte as
// its author wrote it; a missing key is added at the end of the front
// matter. Files whose front matter cannot be read are returned unchanged
// (validation reports them).
func setField(data []byte, key, value string) []byte {
	front, body, ok := content.SplitFrontMatter(data)
	if !ok {
		return data
	}
	root, err := frontNode(front)
	if err != nil || (root == nil && strings.TrimSpace(front) != "") {
		return data
	}
	line := key + ": " + value
	if root == nil || root.Style&yaml.FlowStyle == 0 {
		if out, ok := setLine(front, root, key, line); ok {
			return []byte("---\n" + out + "---\n" + body)
		}
	}
	// A flow mapping or a value over several lines: edit the node.
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == key {
			root.Content[i+1] = &yaml.Node{Kind: yaml.ScalarNode, Value: value}
			return encodeFront(root, body, data)
		}
	}
	root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, &yaml.Node{Kind: yaml.ScalarNode, Value: value})
	return encodeFront(root, body, data)
}

// setLine replaces or appends key's line in a block front matter.
func setLine(front string, root *yaml.Node, key, line string) (string, bool) {
	if root != nil {
		for i := 0; i+1 < len(root.Content); i += 2 {
			k, v := root.Content[i], root.Content[i+1]
			if k.Value != key {
				continue
			}
			if v.Kind != yaml.ScalarNode || v.Line != k.Line || k.Column != 1 || strings.Contains(v.Value, "\n") {
				return "", false
			}
			lines := strings.SplitAfter(front, "\n")
			if k.Line-1 >= len(lines) {
				return "", false
			}
			end := ""
			if strings.HasSuffix(lines[k.Line-1], "\n") {
				end = "\n"
			}
			if v.LineComment != "" {
				line += " " + v.LineComment
			}
			lines[k.Line-1] = line + end
			return strings.Join(lines, ""), true
		}
	}
	if front != "" && !strings.HasSuffix(front, "\n") {
		front += "\n"
	}
	return front + line + "\n", true
}

func encodeFront(root *yaml.Node, body string, orig []byte) []byte {
	var buf bytes.Buffer
	buf.WriteString("---\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return orig
	}
	_ = enc.Close()
	buf.WriteString("---\n")
	buf.WriteString(body)
	return buf.Bytes()
}

// fieldOf returns a top-level front matter scalar as written, "" when
// absent or unreadable.
func fieldOf(data []byte, key string) string {
	front, _, ok := content.SplitFrontMatter(data)
	if !ok {
		return ""
	}
	root, err := frontNode(front)
	if err != nil || root == nil {
		return ""
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == key && root.Content[i+1].Kind == yaml.ScalarNode {
			return root.Content[i+1].Value
		}
	}
	return ""
}

// Compose builds a page file from front matter values and a body, the way
// the JSON API receives them, on top of base (the file the client started
// from; nil for a new page). Keys keep base's order, comments and style
// when their value did not change; a key missing from fm (or null) is
// removed; new keys follow, sorted. Values are JSON-like: strings, numbers,
// booleans, lists and mappings.
func Compose(base []byte, fm map[string]any, body string) ([]byte, error) {
	root := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	if base != nil {
		if front, _, ok := content.SplitFrontMatter(base); ok {
			if n, err := frontNode(front); err == nil && n != nil {
				root = n
			}
		}
	}
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", HeadComment: root.HeadComment, FootComment: root.FootComment}
	done := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		want, ok := fm[k.Value]
		if !ok || want == nil || done[k.Value] {
			continue
		}
		done[k.Value] = true
		if !reflect.DeepEqual(normalize(nodeValue(v, 0)), normalize(want)) {
			nv, err := valueNode(want)
			if err != nil {
				return nil, fmt.Errorf("edit: compose: %s: %w", k.Value, err)
			}
			v = nv
		}
		out.Content = append(out.Content, k, v)
	}
	keys := make([]string, 0, len(fm))
	for k, v := range fm {
		if !done[k] && v != nil {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		nv, err := valueNode(fm[k])
		if err != nil {
			return nil, fmt.Errorf("edit: compose: %s: %w", k, err)
		}
		out.Content = append(out.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, nv)
	}
	if len(out.Content) == 0 {
		return []byte("---\n---\n" + body), nil
	}
	return encodeFront(out, body, nil), nil
}

// valueNode encodes one value, lists of scalars on one line ([a, b]).
func valueNode(v any) (*yaml.Node, error) {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		return nil, err
	}
	flowLists(&n)
	return &n, nil
}

func flowLists(n *yaml.Node) {
	if n.Kind == yaml.SequenceNode {
		flat := true
		for _, c := range n.Content {
			flat = flat && c.Kind == yaml.ScalarNode && !strings.Contains(c.Value, "\n")
		}
		if flat {
			n.Style = yaml.FlowStyle
		}
	}
	for _, c := range n.Content {
		flowLists(c)
	}
}

// normalize makes JSON-decoded and YAML-decoded values comparable: every
// number becomes a float64.
func normalize(v any) any {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case int:
		return float64(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	}
	return v
}
