package content

import (
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"go.abhg.dev/goldmark/wikilink"
)

// newMarkdown builds the one goldmark configuration of the project: GFM and
// wiki links, raw HTML omitted (never WithUnsafe).
func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM, &wikilink.Extender{Resolver: resolver{}}),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
	)
}

// linkParser extracts wiki links at parse time. Like a compiled regexp it
// is immutable and safe for concurrent use.
var linkParser = newMarkdown().Parser()

// resolver turns a wiki link target into the page's URL ("/services/x"),
// without the ".html" of the extension's default; invalid targets resolve
// to nothing and render as plain text.
type resolver struct{}

func (resolver) ResolveWikilink(n *wikilink.Node) ([]byte, error) {
	if len(n.Target) == 0 {
		if len(n.Fragment) == 0 {
			return nil, nil
		}
		return append([]byte("#"), n.Fragment...), nil
	}
	p, err := ParsePath(strings.TrimSpace(string(n.Target)))
	if err != nil {
		return nil, nil
	}
	dest := p.URL()
	if len(n.Fragment) > 0 {
		dest += "#" + string(n.Fragment)
	}
	return []byte(dest), nil
}

// WikiLinks returns the wiki link targets of a Markdown body, in order,
// without duplicates, and the targets that are not valid page names.
func WikiLinks(body string) (links []Path, invalid []string) {
	if !strings.Contains(body, "[[") {
		return nil, nil
	}
	src := []byte(body)
	root := linkParser.Parse(text.NewReader(src))
	seen := map[Path]bool{}
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		wl, ok := n.(*wikilink.Node)
		if !entering || !ok || wl.Embed || len(wl.Target) == 0 {
			return ast.WalkContinue, nil
		}
		target := strings.TrimSpace(string(wl.Target))
		p, err := ParsePath(target)
		switch {
		case err != nil:
			invalid = append(invalid, target)
		case !seen[p]:
			seen[p] = true
			links = append(links, p)
		}
		return ast.WalkSkipChildren, nil
	})
	return links, invalid
}

// links records the body's wiki links, warning about invalid targets.
func (p *fileParser) links(body string) []Path {
	links, invalid := WikiLinks(body)
	for _, t := range invalid {
		p.warn(0, "", CodeLink, "lien [[%s]] : ce n'est pas un nom de page (attendu services/..., structures/... ou pages/... en minuscules, sans .md)", t)
	}
	return links
}
