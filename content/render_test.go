package content

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/render")

// goldenExists says which pages exist in the golden tests.
func goldenExists(p Path) bool {
	return p == "services/epicerie-sociale-cluny" || p == "pages/guide"
}

func TestRenderGolden(t *testing.T) {
	r := NewRenderer()
	inputs, _ := filepath.Glob("testdata/render/*.md")
	if len(inputs) == 0 {
		t.Fatal("no golden inputs")
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".md")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.Render(string(src), goldenExists)
			if err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(in, ".md") + ".html"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestRenderGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
			}
		})
	}
}

func TestRender(t *testing.T) {
	r := NewRenderer()
	tests := []struct {
		name, in    string
		contains    []string
		notContains []string
	}{
		{"table", "| a | b |\n|---|---|\n| 1 | 2 |\n", []string{"<table>", "<th>a</th>", "<td>2</td>"}, nil},
		{"strikethrough", "~~barré~~", []string{"<del>barré</del>"}, nil},
		{"task list", "- [x] fait\n", []string{`<input checked="" disabled="" type="checkbox"`}, nil},
		{"autolink", "Voir https://example.org/a?b=1 et www.example.org.", []string{
			`<a href="https://example.org/a?b=1" rel="noopener nofollow">https://example.org/a?b=1</a>`,
			`<a href="http://www.example.org" rel="noopener nofollow">www.example.org</a>`}, nil},
		{"wiki link existing", "[[services/epicerie-sociale-cluny]]", []string{`<a href="/services/epicerie-sociale-cluny">services/epicerie-sociale-cluny</a>`}, []string{"lien-rouge", "nofollow"}},
		{"wiki link labelled", "[[services/epicerie-sociale-cluny|l'épicerie]]", []string{`<a href="/services/epicerie-sociale-cluny">l&#39;épicerie</a>`}, nil},
		{"red link", "[[services/absent|absent]]", []string{`<a href="/services/absent" title="Page inexistante" class="lien-rouge">absent</a>`}, nil},
		{"invalid wiki link", "[[Pas une page|texte]]", []string{"<p>texte</p>"}, []string{"<a"}},
		{"heading ids", "# Été à Paris\n\n## Été à Paris\n", []string{`<h1 id="ete-a-paris">`, `<h2 id="ete-a-paris-2">`}, nil},
		{"script", "<script>alert(1)</script>", nil, []string{"<script", "alert(1)"}},
		{"img onerror", "<img src=x onerror=alert(1)>", nil, []string{"<img", "onerror"}},
		{"iframe", `<iframe src="https://evil.example"></iframe>`, nil, []string{"<iframe", "evil"}},
		{"javascript link", "[x](javascript:alert(1))", []string{"x"}, []string{"javascript", "alert"}},
		{"data image", "![x](data:image/png;base64,AAAA)", []string{"x"}, []string{"<img", "data:"}},
		{"http image", "![x](http://example.org/a.png)", nil, []string{"<img"}},
		{"media image", "![plan](/media/plan.png)", []string{`<img src="/media/plan.png" alt="plan"`}, nil},
		{"external link", "[ext](https://example.org)", []string{`rel="noopener nofollow"`}, nil},
		{"internal link", "[int](/services/x)", []string{`<a href="/services/x">int</a>`}, []string{"rel="}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Render(tt.in, goldenExists)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range tt.contains {
				if !strings.Contains(got, c) {
					t.Errorf("output lacks %q:\n%s", c, got)
				}
			}
			for _, c := range tt.notContains {
				if strings.Contains(got, c) {
					t.Errorf("output contains %q:\n%s", c, got)
				}
			}
		})
	}
}

func TestRenderConcurrent(t *testing.T) {
	r := NewRenderer()
	src := "# Titre\n\n## Titre\n\n[[services/a]] [[services/b]]\n"
	want, _ := r.Render(src, goldenExists)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if got, _ := r.Render(src, goldenExists); got != want {
					t.Errorf("concurrent render differs")
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestPlainText(t *testing.T) {
	r := NewRenderer()
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"# Titre\n\nUn **texte** avec un [lien](https://x.org) et [[services/a|un service]].", 0, "Titre Un texte avec un lien et un service."},
		{"Produits alimentaires et d'hygiène à petit prix", 20, "Produits…"},
		{"Produits alimentaires et d'hygiène", 22, "Produits alimentaires…"},
		{"court", 10, "court"},
		{"Du <b>gras</b> et <script>alert(1)</script>", 0, "Du gras et alert(1)"},
		{"<script>alert(1)</script>\n\nBonjour", 0, "Bonjour"},
		{"| a | b |\n|---|---|\n| 1 | 2 |", 0, "a b 1 2"},
		{"Été à Noël", 8, "Été à…"},
	}
	for _, tt := range tests {
		got := r.PlainText(tt.in, tt.max)
		if got != tt.want {
			t.Errorf("PlainText(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
		if tt.max > 0 && len([]rune(got)) > tt.max {
			t.Errorf("PlainText(%q, %d) too long: %q", tt.in, tt.max, got)
		}
	}
}

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Été à Paris":                   "ete-a-paris",
		"Œuvres & Cœur d'Île-de-France": "oeuvres-coeur-d-ile-de-france",
		"  --  ":                        "",
		"L’accès aux droits":            "l-acces-aux-droits",
		"Ça ira":                        "ca-ira",
	} {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkRenderService(b *testing.B) {
	data, _ := os.ReadFile("testdata/parse/contract-example.md")
	doc, _ := Parse("services/x.md", data, testRefs(b))
	body := doc.Body + "\n\n| Jour | Accueil |\n|---|---|\n| Mardi | sans rendez-vous |\n\nPlus d'informations sur https://example.org.\n"
	r := NewRenderer()
	exists := func(Path) bool { return true }
	b.ResetTimer()
	for b.Loop() {
		if _, err := r.Render(body, exists); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseService(b *testing.B) {
	data, _ := os.ReadFile("testdata/parse/contract-example.md")
	refs := testRefs(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if doc, _ := Parse("services/x.md", data, refs); doc == nil {
			b.Fatal("invalid")
		}
	}
}
