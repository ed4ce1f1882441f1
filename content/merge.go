package content

import (
	"bytes"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
	"go.yaml.in/yaml/v3"
)

// MergeConflict is one place where two concurrent edits of a page changed
// the same thing in different ways: a front matter key, or a hunk of body
// lines. It carries the three versions so both can be shown side by side.
type MergeConflict struct {
	// Field is the front matter key ("nom", or "pro.notes" for a sub-key
	// of pro); empty for a hunk of the body (or of the whole file when a
	// front matter could not be read).
	Field string `json:"field,omitempty"`
	// Line is, for a body hunk, its first line in the base version's body
	// (1-based).
	Line int `json:"line,omitempty"`
	// Base, Ours and Theirs are the versions in conflict: YAML text for a
	// key ("" when the key is absent on that side), the lines for a hunk.
	Base   string `json:"base"`
	Ours   string `json:"ours"`
	Theirs string `json:"theirs"`
}

// Merge3 merges two page files that both derive from base: ours (the
// change being saved) and theirs (what was committed meanwhile). The front
// matter is merged key by key (the pro mapping sub-key by sub-key; lists
// are single values), keeping theirs' key order, comments and styles; the
// body is merged line by line (diff3). It returns the merged file, or nil
// and every conflict. base may be empty (both sides created the file).
// A side whose front matter cannot be read is merged line by line as a
// whole file.
func Merge3(base, ours, theirs []byte) ([]byte, []MergeConflict) {
	switch {
	case bytes.Equal(ours, theirs), bytes.Equal(base, theirs):
		return bytes.Clone(ours), nil
	case bytes.Equal(base, ours):
		return bytes.Clone(theirs), nil
	}
	b, bok := splitForMerge(base, true)
	o, ook := splitForMerge(ours, false)
	t, tok := splitForMerge(theirs, false)
	if !bok || !ook || !tok {
		return mergeText(string(base), string(ours), string(theirs))
	}
	var conflicts []MergeConflict
	front, fc := mergeFront(b, o, t)
	conflicts = append(conflicts, fc...)
	body, bc := mergeLines(b.body, o.body, t.body)
	conflicts = append(conflicts, bc...)
	if len(conflicts) > 0 {
		return nil, conflicts
	}
	return []byte("---\n" + front + "---\n" + body), nil
}

// mergeSide is one version of a file cut for merging.
type mergeSide struct {
	front string     // front matter text, without the --- lines
	doc   *yaml.Node // its document node; nil when empty
	body  string
}

// splitForMerge cuts a file into front matter and body; ok is false when
// the front matter is missing or is not a YAML mapping. An empty base is
// an empty file.
func splitForMerge(data []byte, isBase bool) (mergeSide, bool) {
	if isBase && len(data) == 0 {
		return mergeSide{}, true
	}
	front, body, err := splitFrontMatter(data)
	if err != nil {
		return mergeSide{}, false
	}
	s := mergeSide{front: front, body: body}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(front), &doc); err != nil {
		return mergeSide{}, false
	}
	if len(doc.Content) > 0 {
		if doc.Content[0].Kind != yaml.MappingNode {
			return mergeSide{}, false
		}
		s.doc = &doc
	}
	return s, true
}

// mergeText merges whole files line by line.
func mergeText(base, ours, theirs string) ([]byte, []MergeConflict) {
	out, conflicts := mergeLines(base, ours, theirs)
	if len(conflicts) > 0 {
		return nil, conflicts
	}
	return []byte(out), nil
}

// mergeFront merges the front matters. When only one side changed the
// text, that side's text is kept byte for byte; otherwise the mappings are
// merged and encoded again.
func mergeFront(b, o, t mergeSide) (string, []MergeConflict) {
	switch {
	case o.front == t.front, b.front == t.front:
		return o.front, nil
	case b.front == o.front:
		return t.front, nil
	}
	bm, om, tm := rootMap(b.doc), rootMap(o.doc), rootMap(t.doc)
	merged, conflicts := mergeMaps(bm, om, tm, "")
	if len(conflicts) > 0 {
		return "", conflicts
	}
	doc := t.doc
	if doc == nil {
		doc = o.doc
	}
	doc = &yaml.Node{Kind: yaml.DocumentNode, HeadComment: doc.HeadComment, FootComment: doc.FootComment, Content: []*yaml.Node{merged}}
	if len(merged.Content) == 0 && merged.Style&yaml.FlowStyle == 0 {
		return "", nil
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		// Cannot happen with nodes read from YAML; keep theirs rather than
		// write something broken, and report the key-level disagreement.
		return "", []MergeConflict{{Field: "", Base: b.front, Ours: o.front, Theirs: t.front}}
	}
	_ = enc.Close()
	return buf.String(), nil
}

func rootMap(doc *yaml.Node) *yaml.Node {
	if doc == nil || len(doc.Content) == 0 {
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	return doc.Content[0]
}

// pair is one key of a mapping with its value.
type pair struct{ key, value *yaml.Node }

func pairs(m *yaml.Node) ([]pair, map[string]pair) {
	list := make([]pair, 0, len(m.Content)/2)
	byKey := make(map[string]pair, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		p := pair{m.Content[i], m.Content[i+1]}
		list = append(list, p)
		if _, dup := byKey[p.key.Value]; !dup {
			byKey[p.key.Value] = p
		}
	}
	return list, byKey
}

// mergeMaps merges three mappings key by key. The result follows theirs'
// order, with the keys only ours added placed after the key that precedes
// them in ours.
func mergeMaps(b, o, t *yaml.Node, prefix string) (*yaml.Node, []MergeConflict) {
	_, bk := pairs(b)
	ol, ok := pairs(o)
	tl, tk := pairs(t)
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: t.Tag, Style: t.Style, HeadComment: t.HeadComment,
		LineComment: t.LineComment, FootComment: t.FootComment}
	var conflicts []MergeConflict
	chosen := map[string]*pair{}
	decide := func(name string) {
		bp, inB := bk[name]
		op, inO := ok[name]
		tp, inT := tk[name]
		res, c := mergeKey(prefix+name, bp, inB, op, inO, tp, inT)
		conflicts = append(conflicts, c...)
		chosen[name] = res
	}
	for _, p := range tl {
		decide(p.key.Value)
	}
	for _, p := range ol {
		if _, done := chosen[p.key.Value]; !done {
			decide(p.key.Value)
		}
	}
	// Theirs' order first, then ours' additions after their predecessor.
	var order []string
	seen := map[string]bool{}
	for _, p := range tl {
		if !seen[p.key.Value] {
			order = append(order, p.key.Value)
			seen[p.key.Value] = true
		}
	}
	prev := ""
	for _, p := range ol {
		name := p.key.Value
		if !seen[name] {
			at := 0
			if prev != "" {
				at = indexOf(order, prev) + 1
			}
			order = append(order[:at], append([]string{name}, order[at:]...)...)
			seen[name] = true
		}
		prev = name
	}
	for _, name := range order {
		if p := chosen[name]; p != nil {
			out.Content = append(out.Content, p.key, p.value)
		}
	}
	return out, conflicts
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return len(list) - 1
}

// mergeKey decides one key: the side that changed it wins; both changed it
// the same way, fine; two mappings (pro) merge sub-key by sub-key; else a
// conflict. A nil result means the key is deleted.
func mergeKey(name string, bp pair, inB bool, op pair, inO bool, tp pair, inT bool) (*pair, []MergeConflict) {
	bs, os, ts := pairText(bp, inB), pairText(op, inO), pairText(tp, inT)
	switch {
	case os == ts:
		return keep(tp, inT), nil
	case bs == os:
		return keep(tp, inT), nil
	case bs == ts:
		return keep(op, inO), nil
	case inO && inT && op.value.Kind == yaml.MappingNode && tp.value.Kind == yaml.MappingNode &&
		(!inB || bp.value.Kind == yaml.MappingNode):
		bm := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		if inB {
			bm = bp.value
		}
		m, c := mergeMaps(bm, op.value, tp.value, name+".")
		if len(c) > 0 {
			return nil, c
		}
		return &pair{key: tp.key, value: m}, nil
	}
	return nil, []MergeConflict{{Field: name, Base: valueText(bp, inB), Ours: valueText(op, inO), Theirs: valueText(tp, inT)}}
}

func keep(p pair, ok bool) *pair {
	if !ok {
		return nil
	}
	return &p
}

// pairText is a key and its value as YAML, comments included, to compare
// versions; "\x00" stands for an absent key.
func pairText(p pair, ok bool) string {
	if !ok {
		return "\x00"
	}
	return encodeNode(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{p.key, p.value}})
}

// valueText is a value as YAML, for showing a conflict; "" when absent.
func valueText(p pair, ok bool) string {
	if !ok {
		return ""
	}
	return strings.TrimSuffix(encodeNode(p.value), "\n")
}

func encodeNode(n *yaml.Node) string {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return "\x01" + n.Value // distinct from any encoding
	}
	_ = enc.Close()
	return buf.String()
}

// hunk replaces base lines [start, end) by lines.
type hunk struct {
	start, end int
	lines      []string
}

// mergeLines is diff3: the changes of ours and of theirs against base are
// applied together; changes that overlap or touch conflict unless they are
// the same.
func mergeLines(base, ours, theirs string) (string, []MergeConflict) {
	if ours == theirs || base == theirs {
		return ours, nil
	}
	if base == ours {
		return theirs, nil
	}
	bl, ol, tl := splitKeep(base), splitKeep(ours), splitKeep(theirs)
	oh, th := lineHunks(bl, ol), lineHunks(bl, tl)
	var out []string
	var conflicts []MergeConflict
	pos, i, j := 0, 0, 0
	for i < len(oh) || j < len(th) {
		// Start a group with the hunk that begins first, then absorb every
		// hunk of either side that overlaps or touches the group.
		lo := 0
		switch {
		case j >= len(th) || (i < len(oh) && oh[i].start <= th[j].start):
			lo = oh[i].start
		default:
			lo = th[j].start
		}
		hi := lo
		i0, j0 := i, j
		for {
			switch {
			case i < len(oh) && oh[i].start <= hi:
				hi = max(hi, oh[i].end)
				i++
			case j < len(th) && th[j].start <= hi:
				hi = max(hi, th[j].end)
				j++
			default:
				goto grouped
			}
		}
	grouped:
		out = append(out, bl[pos:lo]...)
		pos = hi
		mine, yours := apply(bl, oh[i0:i], lo, hi), apply(bl, th[j0:j], lo, hi)
		switch {
		case i == i0:
			out = append(out, yours...)
		case j == j0:
			out = append(out, mine...)
		case strings.Join(mine, "") == strings.Join(yours, ""):
			out = append(out, mine...)
		default:
			conflicts = append(conflicts, MergeConflict{Line: lo + 1,
				Base: strings.Join(bl[lo:hi], ""), Ours: strings.Join(mine, ""), Theirs: strings.Join(yours, "")})
		}
	}
	out = append(out, bl[pos:]...)
	return strings.Join(out, ""), conflicts
}

// apply applies hunks (all within [lo, hi)) to base lines [lo, hi).
func apply(base []string, hunks []hunk, lo, hi int) []string {
	var out []string
	pos := lo
	for _, h := range hunks {
		out = append(out, base[pos:h.start]...)
		out = append(out, h.lines...)
		pos = h.end
	}
	return append(out, base[pos:hi]...)
}

// splitKeep splits a text into lines, each with its "\n" (the last one may
// have none).
func splitKeep(s string) []string {
	var out []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

// lineHunks diffs two line lists (Myers, through diffmatchpatch on one
// rune per distinct line) into the hunks that turn a into b.
func lineHunks(a, b []string) []hunk {
	ids := map[string]rune{}
	encode := func(lines []string) []rune {
		out := make([]rune, len(lines))
		for i, l := range lines {
			r, ok := ids[l]
			if !ok {
				r = rune(len(ids) + 1)
				if r >= 0xD800 { // skip surrogates: runes must survive a string
					r += 0x800
				}
				ids[l] = r
			}
			out[i] = r
		}
		return out
	}
	ra, rb := encode(a), encode(b)
	// The default time limit (1 s) bounds hostile inputs; a diff cut short
	// is still correct, only less minimal (more conflicts).
	dmp := diffmatchpatch.New()
	diffs := dmp.DiffMainRunes(ra, rb, false)
	var hunks []hunk
	pos, bpos := 0, 0
	var cur *hunk
	for _, d := range diffs {
		n := len([]rune(d.Text))
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			if cur != nil {
				hunks = append(hunks, *cur)
				cur = nil
			}
			pos += n
			bpos += n
		case diffmatchpatch.DiffDelete:
			if cur == nil {
				cur = &hunk{start: pos, end: pos}
			}
			pos += n
			cur.end = pos
		case diffmatchpatch.DiffInsert:
			if cur == nil {
				cur = &hunk{start: pos, end: pos}
			}
			cur.lines = append(cur.lines, b[bpos:bpos+n]...)
			bpos += n
		}
	}
	if cur != nil {
		hunks = append(hunks, *cur)
	}
	return hunks
}

// SplitFrontMatter cuts a page file into its front matter text (without
// the --- lines) and its body; ok is false when the front matter is
// missing or unclosed. CRLF line ends and a byte order mark are tolerated.
func SplitFrontMatter(data []byte) (front, body string, ok bool) {
	front, body, err := splitFrontMatter(data)
	return front, body, err == nil
}
