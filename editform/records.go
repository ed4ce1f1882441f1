package editform

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// RecordKeys are the sub-keys of an item of infos_temporaires, in the
// order a Records value joins them.
var RecordKeys = []string{"du", "au", "type", "message", "horaires"}

// recordSep joins the sub-values of one record in a Values entry: a
// character no one types.
const recordSep = "\x1f"

// Record is one item of a Records field, split into its sub-values.
type Record map[string]string

// Records returns a Records field's items.
func (v Values) Records(key string) []Record {
	var out []Record
	for _, joined := range v[key] {
		parts := strings.Split(joined, recordSep)
		r := Record{}
		for i, k := range RecordKeys {
			if i < len(parts) {
				r[k] = parts[i]
			}
		}
		out = append(out, r)
	}
	return out
}

// joinRecord is the Values form of one record; "" when every sub-value is
// empty (a blank row of the form).
func joinRecord(get func(string) string) string {
	parts := make([]string, len(RecordKeys))
	empty := true
	for i, k := range RecordKeys {
		parts[i] = strings.TrimSpace(strings.ReplaceAll(get(k), recordSep, ""))
		empty = empty && parts[i] == ""
	}
	if empty {
		return ""
	}
	return strings.Join(parts, recordSep)
}

// recordsFromForm reads the rows of a Records field: one value per row
// under "key.du", "key.au"... in the same order.
func recordsFromForm(key string, get func(string) []string) []string {
	cols := map[string][]string{}
	rows := 0
	for _, k := range RecordKeys {
		cols[k] = get(key + "." + k)
		rows = max(rows, len(cols[k]))
	}
	var out []string
	for i := 0; i < rows; i++ {
		if r := joinRecord(func(k string) string {
			if i < len(cols[k]) {
				return cols[k][i]
			}
			return ""
		}); r != "" {
			out = append(out, r)
		}
	}
	return out
}

// readRecords reads a sequence of mappings.
func readRecords(n *yaml.Node) []string {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	var out []string
	for _, item := range n.Content {
		if r := joinRecord(func(k string) string {
			if v := mappingValue(item, k); v != nil && v.Kind == yaml.ScalarNode {
				return v.Value
			}
			return ""
		}); r != "" {
			out = append(out, r)
		}
	}
	return out
}

// recordsNode builds the sequence of a Records field; items unchanged
// since old keep their node, so their comments and unknown sub-keys stay.
func recordsNode(vals []string, old *yaml.Node) *yaml.Node {
	kept := map[string]*yaml.Node{}
	if old != nil && old.Kind == yaml.SequenceNode {
		for _, item := range old.Content {
			if r := readRecords(&yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{item}}); len(r) == 1 {
				kept[r[0]] = item
			}
		}
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, v := range vals {
		if item, ok := kept[v]; ok {
			seq.Content = append(seq.Content, item)
			delete(kept, v)
			continue
		}
		item := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for i, part := range strings.Split(v, recordSep) {
			if part == "" || i >= len(RecordKeys) {
				continue
			}
			val := scalar(RecordKeys[i], part, nil)
			if RecordKeys[i] == "du" || RecordKeys[i] == "au" {
				val.Tag = "!!timestamp" // written plain, read back as a date
			}
			item.Content = append(item.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: RecordKeys[i]}, val)
		}
		seq.Content = append(seq.Content, item)
	}
	return seq
}
