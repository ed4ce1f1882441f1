package editform

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ErrFrontMatter is returned for a file whose front matter the form cannot
// edit: no --- delimiters, YAML that does not parse, or not a mapping. Such
// a file is edited in source mode.
var ErrFrontMatter = errors.New("editform: front matter is not an editable mapping")

// File is a page file taken apart for editing: its front matter as a YAML
// node tree, and its body.
type File struct {
	front    string     // the front matter as written, without the --- lines
	root     *yaml.Node // the mapping node of the front matter
	Body     string
	modified bool
}

// Split takes a page file apart. The body keeps its text exactly.
func Split(data []byte) (*File, error) {
	text := strings.TrimPrefix(string(data), "\uFEFF")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	first, rest, _ := strings.Cut(text, "\n")
	if strings.TrimRight(first, " \t") != "---" {
		return nil, fmt.Errorf("%w: missing --- line", ErrFrontMatter)
	}
	front, body, ok := cutDelimiter(rest)
	if !ok {
		return nil, fmt.Errorf("%w: unclosed front matter", ErrFrontMatter)
	}
	f := &File{front: front, Body: body}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(front), &doc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFrontMatter, err)
	}
	switch {
	case doc.Kind == 0: // empty front matter
		f.root = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	case doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 && doc.Content[0].Kind == yaml.MappingNode:
		f.root = doc.Content[0]
	default:
		return nil, fmt.Errorf("%w: not a mapping", ErrFrontMatter)
	}
	return f, nil
}

// cutDelimiter finds the closing --- line of the front matter.
func cutDelimiter(rest string) (front, body string, ok bool) {
	pos := 0
	for pos <= len(rest) {
		end := strings.IndexByte(rest[pos:], '\n')
		line := rest[pos:]
		if end >= 0 {
			line = rest[pos : pos+end]
		}
		if strings.TrimRight(line, " \t") == "---" {
			if end >= 0 {
				body = rest[pos+end+1:]
			}
			return rest[:pos], body, true
		}
		if end < 0 {
			break
		}
		pos += end + 1
	}
	return "", "", false
}

// Bytes writes the file back. An untouched front matter is written exactly
// as it was read; a changed one is encoded from its node tree, which keeps
// comments, key order and the quoting of untouched values.
func (f *File) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("---\n")
	switch {
	case !f.modified:
		buf.WriteString(f.front)
	case len(f.root.Content) > 0:
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(f.root); err != nil {
			return nil, fmt.Errorf("editform: encode front matter: %w", err)
		}
		if err := enc.Close(); err != nil {
			return nil, fmt.Errorf("editform: encode front matter: %w", err)
		}
	}
	buf.WriteString("---\n")
	buf.WriteString(f.Body)
	return buf.Bytes(), nil
}

// lookup returns the value node of a key, nil when absent.
func (f *File) lookup(key string) *yaml.Node {
	m := f.root
	parent, sub, nested := strings.Cut(key, ".")
	if nested {
		m = mappingValue(m, parent)
		if m == nil || m.Kind != yaml.MappingNode {
			return nil
		}
		key = sub
	}
	return mappingValue(m, key)
}

func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func mappingIndex(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	return -1
}
