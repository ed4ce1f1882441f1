package themes

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

func TestMemFS(t *testing.T) {
	m := memFS{
		"templates/home.html":         []byte("home"),
		"static/theme.css":            []byte(":root{}"),
		"static/images/logo.svg":      []byte("<svg/>"),
		"static/images/deeper/x.png":  []byte("png"),
		"static/images/deeper/y.webp": nil,
	}
	if err := fstest.TestFS(m, "templates/home.html", "static/theme.css", "static/images/logo.svg", "static/images/deeper/x.png", "static/images/deeper/y.webp"); err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(memFS{}); err != nil {
		t.Fatalf("empty: %v", err)
	}
}

func TestThemeOverride(t *testing.T) {
	base, err := FS("default")
	if err != nil {
		t.Fatal(err)
	}
	th, err := Load(base, "en")
	if err != nil {
		t.Fatal(err)
	}
	over, err := th.Override(map[string][]byte{
		"static/theme.css":       []byte(":root { --accent: #006400; }"),
		"static/img/bandeau.png": []byte("PNG"),
		"templates/error.html":   []byte(`{{define "content"}}<p>{{t "nav.home"}} perso</p>{{end}}`),
		"messages/en.json":       []byte(`{"nav.home": "Hijacked"}`), // not overridable
		"../outside.html":        []byte("x"),
	})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := over.pages["error"].ExecuteTemplate(&buf, "content", nil); err != nil || buf.String() != "<p>Home perso</p>" {
		t.Errorf("error page = %q, %v", buf.String(), err)
	}
	if css, _ := fs.ReadFile(over.Static(), "theme.css"); !strings.Contains(string(css), "#006400") {
		t.Errorf("theme.css = %q", css)
	}
	if _, err := fs.ReadFile(over.Static(), "img/bandeau.png"); err != nil {
		t.Errorf("added image: %v", err)
	}
	if css, _ := fs.ReadFile(th.Static(), "theme.css"); strings.Contains(string(css), "#006400") {
		t.Error("Override changed the theme it started from")
	}
	if _, err := th.Override(map[string][]byte{"templates/layout.html": []byte(`{{define "layout"}}{{.Oops`)}); err == nil || !strings.Contains(err.Error(), "layout.html") {
		t.Errorf("broken layout: err = %v, want one naming layout.html", err)
	}
}
