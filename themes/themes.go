// Package themes owns the look of aiguillage: HTML templates, static assets
// and the message catalogues of the user interface. Themes are embedded in
// the binary; a content repository may override any file of a theme from its
// .aiguillage/theme/ folder without a rebuild.
package themes

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed all:default all:contraste
var embedded embed.FS

// Builtin returns the names of the themes compiled into the binary.
func Builtin() []string { return []string{"default", "contraste"} }

// FS returns the files of the built-in theme name, layered over the default
// theme so a derived theme only ships what it changes.
func FS(name string) (fs.FS, error) {
	base, err := fs.Sub(embedded, "default")
	if err != nil {
		return nil, fmt.Errorf("themes: open default: %w", err)
	}
	if name == "" || name == "default" {
		return base, nil
	}
	if !isBuiltin(name) {
		return nil, fmt.Errorf("themes: unknown theme %q (built in: %s)", name, strings.Join(Builtin(), ", "))
	}
	top, err := fs.Sub(embedded, name)
	if err != nil {
		return nil, fmt.Errorf("themes: open %s: %w", name, err)
	}
	return Layers(top, base), nil
}

func isBuiltin(name string) bool {
	for _, b := range Builtin() {
		if b == name {
			return true
		}
	}
	return false
}

// Theme is a loaded theme: every page template parsed and checked, the
// static files, and the message catalogue of one language. It is immutable
// and safe for concurrent use.
type Theme struct {
	pages    map[string]*template.Template
	static   fs.FS
	messages Messages
	source   fs.FS // what Load read, for Override
	lang     string
}

// Load parses every template of fsys (templates/*.html: layout.html and
// partials named _*.html are shared, every other file is a page) and the
// message catalogue messages/<lang>.json. It fails on the first broken
// template, so a bad override is caught at start-up, not at the first view.
func Load(fsys fs.FS, lang string) (*Theme, error) {
	msgs, err := loadMessages(fsys, lang)
	if err != nil {
		return nil, err
	}
	static, err := fs.Sub(fsys, "static")
	if err != nil {
		return nil, fmt.Errorf("themes: static: %w", err)
	}
	t := &Theme{pages: map[string]*template.Template{}, static: static, messages: msgs, source: fsys, lang: lang}
	if err := t.parse(fsys); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *Theme) parse(fsys fs.FS) error {
	names, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return fmt.Errorf("themes: list templates: %w", err)
	}
	base := template.New("theme").Funcs(t.funcs())
	var pages []string
	for _, name := range names {
		file := path.Base(name)
		if file != "layout.html" && !strings.HasPrefix(file, "_") {
			pages = append(pages, name)
			continue
		}
		if err := parseFile(base, fsys, name); err != nil {
			return err
		}
	}
	if base.Lookup("layout") == nil {
		return errors.New("themes: templates/layout.html must define \"layout\"")
	}
	for _, name := range pages {
		page, err := base.Clone()
		if err != nil {
			return fmt.Errorf("themes: clone layout: %w", err)
		}
		if err := parseFile(page, fsys, name); err != nil {
			return err
		}
		t.pages[strings.TrimSuffix(path.Base(name), ".html")] = page
	}
	return nil
}

func parseFile(into *template.Template, fsys fs.FS, name string) error {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("themes: read %s: %w", name, err)
	}
	if _, err := into.New(path.Base(name)).Parse(string(src)); err != nil {
		return fmt.Errorf("themes: parse %s: %w", name, err)
	}
	return nil
}

// Pages lists the page templates, sorted.
func (t *Theme) Pages() []string {
	names := make([]string, 0, len(t.pages))
	for name := range t.pages {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Render executes page into w inside the layout. It renders into a buffer
// first so a failing template never sends half a page.
func (t *Theme) Render(w io.Writer, page string, data any) error {
	tmpl, ok := t.pages[page]
	if !ok {
		return fmt.Errorf("themes: no page template %q", page)
	}
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("themes: render %s: %w", page, err)
	}
	_, err := buf.WriteTo(w)
	return err
}

// Static returns the theme's static files (CSS, JavaScript, images).
func (t *Theme) Static() fs.FS { return t.static }

// Messages returns the theme's message catalogue.
func (t *Theme) Messages() Messages { return t.messages }

// Messages is a message catalogue: key → text, with fmt verbs for arguments.
type Messages map[string]string

// T returns the text of key formatted with args; a missing key shows itself
// between brackets so it is noticed, never an empty string.
func (m Messages) T(key string, args ...any) string {
	text, ok := m[key]
	if !ok {
		return "[" + key + "]"
	}
	if len(args) == 0 {
		return text
	}
	return fmt.Sprintf(text, args...)
}

func loadMessages(fsys fs.FS, lang string) (Messages, error) {
	if lang == "" {
		lang = "fr"
	}
	fallback, err := readMessages(fsys, "fr")
	if err != nil {
		return nil, err
	}
	if lang == "fr" {
		return fallback, nil
	}
	msgs, err := readMessages(fsys, lang)
	if err != nil {
		return nil, err
	}
	for k, v := range fallback {
		if _, ok := msgs[k]; !ok {
			msgs[k] = v
		}
	}
	return msgs, nil
}

// readMessages reads a language's catalogue: messages/<lang>.json, then
// every messages/<lang>/*.json, one file per area of the application, so
// that areas grow their texts without touching each other's files. A key
// defined twice is an error: which text wins would otherwise depend on
// file order.
func readMessages(fsys fs.FS, lang string) (Messages, error) {
	files := []string{"messages/" + lang + ".json"}
	parts, err := fs.Glob(fsys, "messages/"+lang+"/*.json")
	if err != nil {
		return nil, fmt.Errorf("themes: messages %s: %w", lang, err)
	}
	files = append(files, parts...)
	m := Messages{}
	for _, name := range files {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("themes: messages %s: %w", lang, err)
		}
		var part Messages
		if err := json.Unmarshal(data, &part); err != nil {
			return nil, fmt.Errorf("themes: messages %s: %w", name, err)
		}
		for k, v := range part {
			if _, dup := m[k]; dup {
				return nil, fmt.Errorf("themes: messages %s: key %q defined twice", name, k)
			}
			m[k] = v
		}
	}
	return m, nil
}
