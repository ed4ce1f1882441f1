package content

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Problem codes of Parse and of the catalogue. They are stable: tools and
// tests match on them.
const (
	CodePath         = "path"          // the file name is not a page name
	CodeTooLarge     = "too_large"     // the file exceeds MaxFileSize
	CodeSymlink      = "symlink"       // the file is a symbolic link, never followed
	CodeEncoding     = "encoding"      // the file is not UTF-8
	CodeFrontMatter  = "front_matter"  // missing or unclosed --- delimiters
	CodeYAML         = "yaml"          // YAML syntax error
	CodeType         = "type"          // a value of the wrong type
	CodeUnknownField = "unknown_field" // a key the format does not know (warning)
	CodeDuplicate    = "duplicate"     // a key written twice
	CodeRequired     = "required"      // a required field is missing
	CodeLength       = "length"        // a text too short or too long
	CodeUnknownValue = "unknown_value" // not a value of the referential
	CodeFormat       = "format"        // a malformed code, URL, e-mail, number...
	CodeRange        = "range"         // a number or date out of range
	CodeHoraires     = "horaires"      // opening hours we cannot read (warning)
	CodeLink         = "link"          // a wiki link to an invalid page name (warning)
	CodeBrokenLink   = "broken_link"   // a wiki link to a page that does not exist (warning)
	CodeStructure    = "structure"     // a service names a missing structure
	CodeConfig       = "config"        // .aiguillage/config.yaml is invalid
)

// Parse reads one page file of the repository. name is its repository file
// name ("services/x.md"). It returns the Document when the file is usable,
// possibly with warnings, and nil when any problem is not a warning.
func Parse(name string, data []byte, refs *Referentials) (*Document, []Problem) {
	p := &fileParser{file: name}
	doc := p.parse(data, refs)
	for _, pr := range p.problems {
		if !pr.Warning {
			return nil, p.problems
		}
	}
	return doc, p.problems
}

// fileParser collects the problems of one file.
type fileParser struct {
	file     string
	offset   int // file line of the front matter's first line, minus one
	problems []Problem
	failed   map[string]bool // keys whose value could not be decoded
}

func (p *fileParser) add(line int, field, code, format string, args ...any) {
	p.problems = append(p.problems, Problem{File: p.file, Line: line, Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

func (p *fileParser) warn(line int, field, code, format string, args ...any) {
	p.add(line, field, code, format, args...)
	p.problems[len(p.problems)-1].Warning = true
}

// line maps a line of the front matter's YAML to a line of the file.
func (p *fileParser) line(n *yaml.Node) int {
	if n == nil || n.Line == 0 {
		return 0
	}
	return n.Line + p.offset
}

func (p *fileParser) parse(data []byte, refs *Referentials) *Document {
	path, ok := PathFromFile(p.file)
	if !ok {
		p.add(0, "", CodePath, "nom de fichier invalide : attendu services/, structures/ ou pages/ suivi d'un nom en minuscules, chiffres et tirets (1 à %d caractères) et de .md", MaxSlugLen)
		return nil
	}
	if len(data) > MaxFileSize {
		p.problems = append(p.problems, TooLargeProblem(p.file, int64(len(data)), MaxFileSize))
		return nil
	}
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalidUTF8(data)], []byte("\n"))
		p.add(line, "", CodeEncoding, "le fichier n'est pas encodé en UTF-8 (caractère invalide ligne %d) : enregistrez-le en UTF-8", line)
		return nil
	}
	front, body, ok := p.cut(data)
	if !ok {
		return nil
	}
	doc := &Document{Path: path, Body: body}
	root := p.decodeRoot(front)
	if root == nil && p.hasErrors() {
		return nil
	}
	switch path.Kind() {
	case KindService:
		doc.Service = &Service{}
		p.decodeInto(root, doc.Service)
		normalizeSlices(reflect.ValueOf(doc.Service).Elem())
	case KindStructure:
		doc.Structure = &Structure{}
		p.decodeInto(root, doc.Structure)
		normalizeSlices(reflect.ValueOf(doc.Structure).Elem())
	case KindPage:
		doc.Page = &WikiPage{}
		p.decodeInto(root, doc.Page)
		normalizeSlices(reflect.ValueOf(doc.Page).Elem())
	}
	keyLines := keyLineMap(root, p.offset)
	v := validator{fileParser: p, refs: refs, lines: keyLines, root: root}
	v.document(doc)
	doc.Links = p.links(body)
	return doc
}

func (p *fileParser) hasErrors() bool {
	for _, pr := range p.problems {
		if !pr.Warning {
			return true
		}
	}
	return false
}

// cut splits the file into its front matter and its body, reporting a
// missing or unclosed front matter.
func (p *fileParser) cut(data []byte) (front, body string, ok bool) {
	front, body, err := splitFrontMatter(data)
	switch err {
	case errNoFrontMatter:
		p.add(1, "", CodeFrontMatter, "en-tête manquant : le fichier doit commencer par une ligne « --- », suivie des champs (nom, structure, thematiques...) puis d'une autre ligne « --- »")
		return "", "", false
	case errUnclosedFrontMatter:
		p.add(1, "", CodeFrontMatter, "en-tête non fermé : ajoutez une ligne « --- » après le dernier champ, avant le texte de la page")
		return "", "", false
	}
	p.offset = 1
	return front, body, true
}

var (
	errNoFrontMatter       = errors.New("no front matter")
	errUnclosedFrontMatter = errors.New("unclosed front matter")
)

// splitFrontMatter splits a file into its front matter (without the ---
// lines) and its body, tolerating CRLF line ends, a byte order mark and
// spaces after the delimiters.
func splitFrontMatter(data []byte) (front, body string, err error) {
	text := strings.TrimPrefix(string(data), "\uFEFF")
	if strings.Contains(text, "\r\n") {
		text = strings.ReplaceAll(text, "\r\n", "\n")
	}
	first, rest, found := strings.Cut(text, "\n")
	if strings.TrimRight(first, " \t") != "---" {
		return "", text, errNoFrontMatter
	}
	if !found {
		rest = ""
	}
	pos := 0
	for pos <= len(rest) {
		end := strings.IndexByte(rest[pos:], '\n')
		var l string
		if end < 0 {
			l = rest[pos:]
		} else {
			l = rest[pos : pos+end]
		}
		if strings.TrimRight(l, " \t") == "---" {
			if end >= 0 {
				body = rest[pos+end+1:]
			}
			return rest[:pos], body, nil
		}
		if end < 0 {
			break
		}
		pos += end + 1
	}
	return rest, "", errUnclosedFrontMatter
}

var yamlLineError = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// decodeRoot parses the front matter into a node tree and returns its
// top-level mapping, nil when empty or on error.
func (p *fileParser) decodeRoot(front string) *yaml.Node {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(front), &doc); err != nil {
		// yaml omits the line when the error is on its first line.
		line, msg := 1+p.offset, err.Error()
		if m := yamlLineError.FindStringSubmatch(msg); m != nil {
			if m[1] != "" {
				n, _ := strconv.Atoi(m[1])
				line = max(n, 1) + p.offset
			}
			msg = m[2]
		}
		p.add(line, "", CodeYAML, "syntaxe de l'en-tête invalide vers la ligne %d (%s) : vérifiez l'indentation (espaces, pas de tabulations), les « : » et mettez entre guillemets les valeurs qui contiennent « : » ou « # »", line, msg)
		return nil
	}
	if len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		p.add(p.line(root), "", CodeYAML, "l'en-tête doit être une liste de champs « clé: valeur »")
		return nil
	}
	return root
}

// decodeInto decodes the mapping into dst (a pointer to a front matter
// struct), reporting unknown and duplicate keys and type errors per field.
func (p *fileParser) decodeInto(root *yaml.Node, dst any) {
	if root == nil {
		return
	}
	fields := structFields(reflect.TypeOf(dst).Elem())
	known := p.checkKeys(root, fields, "")
	if err := known.Decode(dst); err == nil {
		return
	}
	// Slow path: decode field by field to name each faulty one.
	for i := 0; i+1 < len(known.Content); i += 2 {
		k, v := known.Content[i], known.Content[i+1]
		one := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{k, v}}
		if err := one.Decode(dst); err != nil {
			p.add(p.line(k), k.Value, CodeType, "%s : %s", k.Value, typeMessage(fields[k.Value], err))
			if p.failed == nil {
				p.failed = map[string]bool{}
			}
			p.failed[k.Value] = true
		}
	}
}

// checkKeys reports unknown and duplicate keys of a mapping, recursing into
// pro and infos_temporaires, and returns the mapping without them.
func (p *fileParser) checkKeys(m *yaml.Node, fields map[string]reflect.Type, prefix string) *yaml.Node {
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: m.Line, Column: m.Column}
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		name := prefix + k.Value
		t, ok := fields[k.Value]
		switch {
		case k.Kind != yaml.ScalarNode:
			p.add(p.line(k), "", CodeYAML, "clé invalide : une clé doit être un simple mot")
			continue
		case !ok:
			p.warn(p.line(k), name, CodeUnknownField, "champ inconnu « %s », ignoré : vérifiez l'orthographe (les champs reconnus sont décrits dans le format du dépôt)", name)
			continue
		case seen[k.Value]:
			p.add(p.line(k), name, CodeDuplicate, "le champ « %s » est écrit deux fois", name)
			continue
		}
		seen[k.Value] = true
		v = p.checkNested(v, t, name)
		out.Content = append(out.Content, k, v)
	}
	return out
}

func (p *fileParser) checkNested(v *yaml.Node, t reflect.Type, name string) *yaml.Node {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t.Kind() == reflect.Struct && t != reflect.TypeFor[Date]() && v.Kind == yaml.MappingNode:
		return p.checkKeys(v, structFields(t), name+".")
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct && v.Kind == yaml.SequenceNode:
		cp := *v
		cp.Content = make([]*yaml.Node, len(v.Content))
		for i, item := range v.Content {
			cp.Content[i] = p.checkNested(item, t.Elem(), name)
		}
		return &cp
	}
	return v
}

// typeMessage explains in French what a field expects.
func typeMessage(t reflect.Type, err error) string {
	if t == nil {
		return "valeur invalide"
	}
	if te, ok := err.(*yaml.TypeError); !ok || len(te.Errors) == 0 {
		return err.Error() // a message of ours, from an UnmarshalYAML
	} else if msg := te.Errors[0]; !strings.Contains(msg, "cannot unmarshal") {
		if _, after, found := strings.Cut(msg, ": "); found && strings.HasPrefix(msg, "line ") {
			return after
		}
		return msg
	}
	return expected(t)
}

func expected(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == reflect.TypeFor[Date]():
		return "date attendue au format AAAA-MM-JJ"
	case t.Kind() == reflect.Float64:
		return "nombre attendu, sans guillemets (par exemple 46.43)"
	case t.Kind() == reflect.Int:
		return "nombre entier attendu"
	case t.Kind() == reflect.Bool:
		return "true ou false attendu"
	case t.Kind() == reflect.String:
		return "texte attendu : mettez la valeur entre guillemets"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		return "liste attendue, par exemple [valeur-1, valeur-2]"
	case t.Kind() == reflect.Slice:
		return "liste d'éléments attendue (chaque élément commence par « - »)"
	case t.Kind() == reflect.Struct:
		return "champs attendus, un par ligne, en retrait sous cette clé"
	}
	return "valeur invalide"
}

// structFields maps each yaml key of a front matter struct (inline structs
// flattened) to its Go type.
func structFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if strings.Contains(opts, "inline") {
			for k, v := range structFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" || name == "-" {
			continue
		}
		out[name] = f.Type
	}
	return out
}

// normalizeSlices replaces empty slices by nil, recursively, so that a
// document equals itself after Encode and Parse.
func normalizeSlices(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			normalizeSlices(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			normalizeSlices(v.Field(i))
		}
	case reflect.Slice:
		if v.Len() == 0 && !v.IsNil() && v.CanSet() {
			v.Set(reflect.Zero(v.Type()))
			return
		}
		for i := 0; i < v.Len(); i++ {
			normalizeSlices(v.Index(i))
		}
	}
}

// keyLineMap maps "key", "key.sub", "key[i]" and "key[i].sub" to file
// lines, for validation messages.
func keyLineMap(root *yaml.Node, offset int) map[string]int {
	lines := map[string]int{}
	if root == nil {
		return lines
	}
	var walk func(n *yaml.Node, prefix string)
	walk = func(n *yaml.Node, prefix string) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				key := prefix + n.Content[i].Value
				if _, dup := lines[key]; !dup {
					lines[key] = n.Content[i].Line + offset
				}
				walk(n.Content[i+1], key+".")
			}
		case yaml.SequenceNode:
			base := strings.TrimSuffix(prefix, ".")
			for i, item := range n.Content {
				key := fmt.Sprintf("%s[%d]", base, i)
				lines[key] = item.Line + offset
				walk(item, key+".")
			}
		}
	}
	walk(root, "")
	return lines
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// TooLargeProblem is the problem of file, of size bytes, over the limit
// of limit bytes. The check command reports it too, in the same words.
func TooLargeProblem(file string, size, limit int64) Problem {
	return Problem{File: file, Code: CodeTooLarge,
		Message: "fichier trop volumineux : " + sizeFR(size) + ", la limite est " + sizeFR(limit)}
}

// sizeFR writes a byte count for French readers: "5,2 Mo", "800 ko".
func sizeFR(n int64) string {
	switch {
	case n >= 1<<20:
		return strings.Replace(strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64), ".", ",", 1) + " Mo"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " ko"
	}
	return strconv.FormatInt(n, 10) + " octets"
}
