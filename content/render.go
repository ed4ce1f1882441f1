package content

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"go.abhg.dev/goldmark/wikilink"
)

// Classes the renderer puts on links.
const (
	ClassRedLink  = "lien-rouge" // a wiki link to a page that does not exist yet
	TitleRedLink  = "Page inexistante"
	externalRel   = "noopener nofollow"
	mediaPrefix   = "/media/"
	httpsPrefix   = "https://"
	maxHeadingLen = 80
)

// Renderer turns Markdown bodies into safe HTML. It holds one goldmark
// configuration and one sanitising policy, built once; it is safe for
// concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// NewRenderer builds the renderer.
func NewRenderer() *Renderer {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(false)
	p.RequireNoFollowOnFullyQualifiedLinks(true)
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^(lien-rouge|lien-externe)$`)).OnElements("a", "span")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[A-Za-z0-9_+-]{1,40}$`)).OnElements("code")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^[a-z ]{1,40}$`)).OnElements("a")
	p.AllowStyles("text-align").MatchingEnum("left", "center", "right").OnElements("th", "td")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|center|right)$`)).OnElements("th", "td")
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^$|^checked$|^disabled$`)).OnElements("input")
	return &Renderer{md: newMarkdown(), policy: p}
}

// Render turns a Markdown body into sanitised HTML. exists tells whether a
// page exists: wiki links to missing pages become red links.
func (r *Renderer) Render(body string, exists func(Path) bool) (string, error) {
	src := []byte(body)
	ctx := parser.NewContext(parser.WithIDs(newHeadingIDs()))
	root := r.md.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
	rewrite(root, src, exists)
	var buf bytes.Buffer
	if err := r.md.Renderer().Render(&buf, src, root); err != nil {
		return "", fmt.Errorf("content: render: %w", err)
	}
	return r.policy.Sanitize(buf.String()), nil
}

// rewrite turns wiki links into ordinary links (red when the page is
// missing, plain text when the target is not a page name), marks external
// links and drops images that are neither under /media/ nor https.
func rewrite(root ast.Node, src []byte, exists func(Path) bool) {
	var wikis []*wikilink.Node
	var images []*ast.Image
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *wikilink.Node:
			wikis = append(wikis, n)
			return ast.WalkSkipChildren, nil
		case *ast.Image:
			images = append(images, n)
		case *ast.Link:
			if external(n.Destination) {
				n.SetAttributeString("rel", []byte(externalRel))
			}
		case *ast.AutoLink:
			if external(n.URL(src)) {
				n.SetAttributeString("rel", []byte(externalRel))
			}
		}
		return ast.WalkContinue, nil
	})
	for _, w := range wikis {
		replaceWikiLink(w, exists)
	}
	for _, img := range images {
		dest := string(img.Destination)
		if strings.HasPrefix(dest, mediaPrefix) && !strings.Contains(dest, "..") || strings.HasPrefix(dest, httpsPrefix) {
			continue
		}
		unwrap(img)
	}
}

func external(dest []byte) bool {
	d := strings.ToLower(string(dest))
	return strings.HasPrefix(d, "http://") || strings.HasPrefix(d, "https://") || strings.HasPrefix(d, "www.") || strings.HasPrefix(d, "//")
}

func replaceWikiLink(w *wikilink.Node, exists func(Path) bool) {
	dest, _ := resolver{}.ResolveWikilink(w)
	if len(dest) == 0 || w.Embed {
		unwrap(w)
		return
	}
	link := ast.NewLink()
	link.Destination = dest
	if len(w.Target) > 0 {
		p := Path(strings.TrimSpace(string(w.Target)))
		if exists != nil && !exists(p) {
			link.SetAttributeString("class", []byte(ClassRedLink))
			link.Title = []byte(TitleRedLink)
		}
	}
	for c := w.FirstChild(); c != nil; {
		next := c.NextSibling()
		link.AppendChild(link, c)
		c = next
	}
	w.Parent().ReplaceChild(w.Parent(), w, link)
}

// unwrap replaces a node by its children.
func unwrap(n ast.Node) {
	parent := n.Parent()
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, n, c)
		c = next
	}
	parent.RemoveChild(parent, n)
}

// headingIDs makes readable, unique heading IDs: "Été à Paris" →
// "ete-a-paris", then "ete-a-paris-2".
type headingIDs struct{ used map[string]bool }

func newHeadingIDs() *headingIDs { return &headingIDs{used: map[string]bool{}} }

func (h *headingIDs) Generate(value []byte, _ ast.NodeKind) []byte {
	base := Slugify(string(value))
	if len(base) > maxHeadingLen {
		base = strings.Trim(base[:maxHeadingLen], "-")
	}
	if base == "" {
		base = "section"
	}
	id := base
	for i := 2; h.used[id]; i++ {
		id = base + "-" + strconv.Itoa(i)
	}
	h.used[id] = true
	return []byte(id)
}

func (h *headingIDs) Put(value []byte) { h.used[string(value)] = true }

// Fold lower-cases s and removes its accents ("Été" → "ete", "œuf" →
// "oeuf"), for sorting and matching French words.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = unicode.ToLower(r)
		if f, ok := foldTable[r]; ok {
			b.WriteString(f)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// foldTable maps the lower-case accented letters of French (and of the
// names of its neighbours) to ASCII.
var foldTable = func() map[rune]string {
	m := map[rune]string{'œ': "oe", 'æ': "ae", 'ß': "ss", '’': "'", 'ʼ': "'"}
	for base, letters := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćĉċč", "d": "ďđ", "e": "èéêëēĕėęě", "g": "ĝğġģ", "h": "ĥħ",
		"i": "ìíîïĩīĭįı", "j": "ĵ", "k": "ķ", "l": "ĺļľŀł", "n": "ñńņňŉ", "o": "òóôõöøōŏő",
		"r": "ŕŗř", "s": "śŝşšș", "t": "ţťŧț", "u": "ùúûüũūŭůűų", "w": "ŵ", "y": "ýÿŷ", "z": "źżž",
	} {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()

// Slugify makes a slug of a French text: "Été à Paris" → "ete-a-paris".
func Slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range Fold(s) {
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	return b.String()
}

// PlainText returns the body without markup, for excerpts, descriptions
// and search, cut at a word boundary to at most max runes with "…" (no cut
// when max <= 0).
func (r *Renderer) PlainText(body string, max int) string {
	src := []byte(body)
	root := r.md.Parser().Parse(text.NewReader(src))
	var b strings.Builder
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if n.Type() == ast.TypeBlock && b.Len() > 0 && entering {
			b.WriteByte(' ')
		}
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			b.Write(n.Segment.Value(src))
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(n.Value)
		case *ast.AutoLink:
			b.Write(n.Label(src))
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				b.Write(seg.Value(src))
			}
			return ast.WalkSkipChildren, nil
		case *east.TableCell:
			b.WriteByte(' ')
		}
		return ast.WalkContinue, nil
	})
	return truncate(strings.Join(strings.Fields(b.String()), " "), max)
}

// truncate cuts s at a word boundary to at most max runes, "…" included.
func truncate(s string, max int) string {
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	cut := 0
	n := 0
	for i := range s {
		if n == max-1 {
			cut = i
			break
		}
		n++
	}
	head := s[:cut]
	if sp := strings.LastIndexByte(head, ' '); sp > 0 && s[cut] != ' ' {
		head = head[:sp]
	}
	return strings.TrimRight(head, " ,;:.-–") + "…"
}
