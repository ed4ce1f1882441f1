package editform

import (
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Values are a form's values by field key, normalised: trimmed, without
// empty items; a missing or empty key means "no value".
type Values map[string][]string

// First returns the first value of a key, or "".
func (v Values) First(key string) string {
	if len(v[key]) > 0 {
		return v[key][0]
	}
	return ""
}

// Has reports whether value is one of a key's values (a checked box).
func (v Values) Has(key, value string) bool { return slices.Contains(v[key], value) }

// Joined returns a key's values as an input shows them: one a line for
// Lines, comma-separated for Codes.
func (v Values) Joined(f Field) string {
	if f.Input == Lines {
		return strings.Join(v[f.Key], "\n")
	}
	return strings.Join(v[f.Key], ", ")
}

// FromForm reads the fields' values from a posted form: get returns every
// value posted under a name.
func FromForm(fields []Field, get func(name string) []string) Values {
	vals := Values{}
	for _, f := range fields {
		if f.Input == Records {
			if n := recordsFromForm(f.Key, get); len(n) > 0 {
				vals[f.Key] = n
			}
			continue
		}
		if n := normalize(f, get(f.Key)); len(n) > 0 {
			vals[f.Key] = n
		}
	}
	return vals
}

// normalize turns raw input into a field's values.
func normalize(f Field, raw []string) []string {
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" && !(f.Input == Choices && slices.Contains(out, s)) {
			out = append(out, s)
		}
	}
	for _, r := range raw {
		r = strings.ReplaceAll(r, "\r\n", "\n")
		switch f.Input {
		case Lines:
			for _, l := range strings.Split(r, "\n") {
				add(l)
			}
		case Codes:
			for _, c := range strings.FieldsFunc(r, func(c rune) bool { return c == ',' || c == ';' || c == ' ' || c == '\n' || c == '\t' }) {
				add(c)
			}
		case Bool:
			switch strings.TrimSpace(r) {
			case "1", "true", "on", "oui":
				return []string{"true"}
			}
		case Float:
			add(strings.ReplaceAll(r, ",", "."))
		case Textarea:
			add(strings.TrimRight(r, " \t\n"))
		case Choices:
			add(r)
		default:
			add(strings.Join(strings.Fields(r), " ")) // one line: no stray newlines
		}
		if f.Input != Choices && f.Input != Lines && f.Input != Codes && len(out) > 0 {
			break // a single-value field takes its first value
		}
	}
	return out
}

// Read returns the current values of the fields in the file.
func (f *File) Read(fields []Field) Values {
	vals := Values{}
	for _, fd := range fields {
		if v := readNode(fd, f.lookup(fd.Key)); len(v) > 0 {
			vals[fd.Key] = v
		}
	}
	return vals
}

func readNode(f Field, n *yaml.Node) []string {
	if n == nil {
		return nil
	}
	if f.Input == Records {
		return readRecords(n)
	}
	var raw []string
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil
		}
		raw = []string{n.Value}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if c.Kind == yaml.ScalarNode {
				raw = append(raw, c.Value)
			}
		}
	}
	if f.Input == Bool {
		if len(raw) == 1 && isTrue(raw[0]) {
			return []string{"true"}
		}
		return nil
	}
	if f.Input == Codes || f.Input == Lines || f.Input == Choices {
		var out []string
		for _, r := range raw {
			if r = strings.TrimSpace(r); r != "" {
				out = append(out, r)
			}
		}
		return out
	}
	return normalize(f, raw)
}

func isTrue(s string) bool {
	b, err := strconv.ParseBool(s)
	return err == nil && b
}

// Apply writes the fields' values into the file. Only the keys whose value
// changed are touched: an unchanged key keeps its exact writing.
func (f *File) Apply(fields []Field, vals Values) (changed []string) {
	for _, fd := range fields {
		cur, next := readNode(fd, f.lookup(fd.Key)), vals[fd.Key]
		if same(fd, cur, next) {
			continue
		}
		f.set(fd.Key, next, fd, fields)
		changed = append(changed, fd.Key)
	}
	return changed
}

// same compares values; the order of checked boxes does not matter.
func same(f Field, a, b []string) bool {
	if f.Input == Choices {
		a, b = slices.Clone(a), slices.Clone(b)
		slices.Sort(a)
		slices.Sort(b)
	}
	return slices.Equal(a, b)
}
