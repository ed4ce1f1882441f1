package content

import (
	"bytes"

	"go.yaml.in/yaml/v3"
)

// privateKey is the front matter key whose value only signed-in
// professionals may see.
const privateKey = "pro"

// hiddenFrontMatter replaces a front matter that cannot be read safely.
const hiddenFrontMatter = "---\n# (en-tête illisible, masqué)\n---\n"

// PublicSource returns a page file's text with its private information
// removed, for anonymous readers of history, revisions and diffs. The front
// matter is re-encoded without the pro key; when it cannot be read, it is
// dropped entirely rather than risk showing what it hides.
func PublicSource(data []byte) string {
	front, body, err := splitFrontMatter(data)
	switch err {
	case errNoFrontMatter:
		return body
	case errUnclosedFrontMatter:
		return hiddenFrontMatter
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(front), &doc); err != nil {
		return hiddenFrontMatter + body
	}
	if len(doc.Content) == 0 {
		return "---\n---\n" + body
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return hiddenFrontMatter + body
	}
	for i := 0; i+1 < len(m.Content); {
		if m.Content[i].Value == privateKey {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			continue
		}
		i += 2
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return hiddenFrontMatter + body
	}
	return "---\n" + buf.String() + "---\n" + body
}
