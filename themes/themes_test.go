package themes

import (
	"bytes"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestBuiltinThemesLoad(t *testing.T) {
	for _, name := range Builtin() {
		for _, lang := range []string{"fr", "en"} {
			fsys, err := FS(name)
			if err != nil {
				t.Fatalf("FS(%q): %v", name, err)
			}
			th, err := Load(fsys, lang)
			if err != nil {
				t.Fatalf("Load(%q, %q): %v", name, lang, err)
			}
			for _, page := range []string{"home", "service", "structure", "page", "search", "history", "revision", "diff", "error"} {
				if !contains(th.Pages(), page) {
					t.Errorf("theme %s: no page template %q (have %v)", name, page, th.Pages())
				}
			}
			if got := th.Messages().T("lang"); got != lang {
				t.Errorf("theme %s/%s: lang = %q", name, lang, got)
			}
		}
	}
	if _, err := FS("nope"); err == nil || !strings.Contains(err.Error(), "default") {
		t.Errorf("FS(nope) = %v, want an error listing the built-in themes", err)
	}
}

// TestCataloguesMatch keeps every catalogue complete: a key missing in a
// language would silently fall back to French.
func TestCataloguesMatch(t *testing.T) {
	fsys, _ := FS("default")
	fr := readCatalogue(t, fsys, "fr")
	en := readCatalogue(t, fsys, "en")
	for k, v := range fr {
		ev, ok := en[k]
		if !ok {
			t.Errorf("en.json lacks %q", k)
			continue
		}
		if strings.Count(v, "%") != strings.Count(ev, "%") {
			t.Errorf("%q: fr %q and en %q take different arguments", k, v, ev)
		}
	}
	for k := range en {
		if _, ok := fr[k]; !ok {
			t.Errorf("en.json has %q, unknown in fr.json", k)
		}
	}
}

// TestTemplatesUseKnownKeys finds every {{t "key"}} of the templates in the
// French catalogue.
func TestTemplatesUseKnownKeys(t *testing.T) {
	fsys, _ := FS("default")
	fr := readCatalogue(t, fsys, "fr")
	names, _ := fs.Glob(fsys, "templates/*.html")
	calls := 0
	defer func() {
		if calls < 100 {
			t.Errorf("found %d message calls in the templates: is messageCall still right?", calls)
		}
	}()
	for _, name := range names {
		src, _ := fs.ReadFile(fsys, name)
		for _, m := range messageCall.FindAllStringSubmatch(string(src), -1) {
			key := m[1]
			calls++
			if _, ok := fr[key]; !ok {
				t.Errorf("%s uses message %q, missing from fr.json", name, key)
			}
		}
	}
}

// messageCall matches a call of the t function: {{t "key" ...}} or (t "key" ...).
var messageCall = regexp.MustCompile(`(?:\{\{-?\s*|\()t "([^"]+)"`)

func TestMessagesFormat(t *testing.T) {
	fsys, _ := FS("default")
	fr, _ := Load(fsys, "fr")
	en, _ := Load(fsys, "en")
	tests := []struct {
		got, want string
	}{
		{fr.Messages().LongDate("2026-10-02"), "2 octobre 2026"},
		{fr.Messages().LongDate("2026-08-01"), "1er août 2026"},
		{en.Messages().LongDate("2026-10-02"), "2 October 2026"},
		{fr.Messages().LongDate("not a date"), "not a date"},
		{fr.Messages().DateTime(time.Date(2026, 2, 3, 14, 5, 0, 0, time.UTC)), "3 février 2026 à 14:05"},
		{fr.Messages().Km(0.46), "0,5 km"},
		{en.Messages().Km(0.46), "0.5 km"},
		{fr.Messages().Km(12.4), "12 km"},
		{fr.Messages().T("search.total", 3), "3 résultat(s)"},
		{fr.Messages().T("no.such.key"), "[no.such.key]"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// TestOverride shows a content repository's theme folder replacing one
// template and one stylesheet while the rest comes from the built-in theme.
func TestOverride(t *testing.T) {
	base, _ := FS("default")
	layout, _ := fs.ReadFile(base, "templates/layout.html")
	over := fstest.MapFS{
		"templates/error.html": {Data: []byte(`{{define "content"}}<p class="perso">Introuvable, désolé</p>{{end}}`)},
		"static/theme.css":     {Data: []byte(":root { --accent: #006400; }")},
	}
	th, err := Load(Layers(over, base), "fr")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := th.pages["error"].ExecuteTemplate(&buf, "content", nil); err != nil || !strings.Contains(buf.String(), "Introuvable, désolé") {
		t.Errorf("overridden error page not used: %q, %v", buf.String(), err)
	}
	css, err := fs.ReadFile(th.Static(), "theme.css")
	if err != nil || !strings.Contains(string(css), "#006400") {
		t.Errorf("theme.css = %q, %v; want the override", css, err)
	}
	if _, err := fs.ReadFile(th.Static(), "style.css"); err != nil {
		t.Errorf("style.css from the base theme: %v", err)
	}
	if len(layout) == 0 {
		t.Fatal("no layout in the default theme")
	}
	broken := fstest.MapFS{"templates/home.html": {Data: []byte(`{{define "content"}}{{.Oops`)}}
	if _, err := Load(Layers(broken, base), "fr"); err == nil || !strings.Contains(err.Error(), "home.html") {
		t.Errorf("Load with a broken override = %v, want an error naming home.html", err)
	}
}

func readCatalogue(t *testing.T, fsys fs.FS, lang string) map[string]string {
	t.Helper()
	m, err := readMessages(fsys, lang)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestReadMessagesMergesAreaFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"messages/fr.json":        {Data: []byte(`{"a": "A"}`)},
		"messages/fr/edit.json":   {Data: []byte(`{"edit.save": "Enregistrer"}`)},
		"messages/fr/export.json": {Data: []byte(`{"export.title": "Exporter"}`)},
	}
	m, err := readMessages(fsys, "fr")
	if err != nil {
		t.Fatal(err)
	}
	if m["a"] != "A" || m["edit.save"] != "Enregistrer" || m["export.title"] != "Exporter" {
		t.Errorf("merged catalogue = %v", m)
	}
	fsys["messages/fr/dup.json"] = &fstest.MapFile{Data: []byte(`{"a": "again"}`)}
	if _, err := readMessages(fsys, "fr"); err == nil || !strings.Contains(err.Error(), `"a"`) {
		t.Errorf("duplicate key: err = %v, want one naming the key", err)
	}
}
