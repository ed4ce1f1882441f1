package server

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
)

// The Atom feed of public changes (RFC 4287): one entry per commit, with
// its summary, author, and for each changed page a link to the public diff
// and its first lines. Texts come from content.PublicSource only: the feed
// never carries a pro: value.

const (
	feedEntries      = 30 // entries of the feed
	feedPagesShown   = 3  // pages of an entry whose diff is shown
	feedLinesPerPage = 12 // changed lines shown per page
	feedMIME         = "application/atom+xml; charset=utf-8"
)

type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Subtitle  string      `xml:"subtitle,omitempty"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Author    atomPerson  `xml:"author"`
	Generator string      `xml:"generator"`
	Entries   []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID      string     `xml:"id"`
	Title   string     `xml:"title"`
	Updated string     `xml:"updated"`
	Author  atomPerson `xml:"author"`
	Links   []atomLink `xml:"link"`
	Content atomText   `xml:"content"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

func (s *Server) showFeed(c *fiber.Ctx) error {
	cat := s.live.catalog()
	f := s.changesFilterOf(c)
	base := s.publicBase(c, cat.Config())
	key := string(cat.Revision()) + " atom " + base + f.query()
	now := s.now()
	p, ok := s.pages.get(key, now)
	if !ok {
		body, err := s.buildFeed(c.UserContext(), cat, base, f)
		if err != nil {
			return err
		}
		p = s.pages.newPage(key, body, now.Add(24*time.Hour))
		s.pages.put(p)
	}
	c.Set(fiber.HeaderLastModified, cat.commit.When.UTC().Format(http.TimeFormat))
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	c.Set(fiber.HeaderETag, p.etag)
	c.Vary(fiber.HeaderAcceptEncoding)
	if etagMatch(c.Get(fiber.HeaderIfNoneMatch), p.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, feedMIME)
	if p.gz != nil && c.Request().Header.HasAcceptEncoding("gzip") {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(p.gz)
	}
	return c.Send(p.body)
}

// publicBase is the site's public address without a trailing slash: the
// server's flag, else config.yaml's base_url, else the request's host once
// checked (publicURL), so a forged Host header cannot reach the feed.
func (s *Server) publicBase(c *fiber.Ctx, cfg content.SiteConfig) string {
	return s.publicURL(c, cfg, "")
}

func (s *Server) buildFeed(ctx context.Context, cat *snapshot, base string, f changesFilter) ([]byte, error) {
	scan := feedEntries
	if f.active() {
		scan = changesScan
	}
	commits, _, err := s.recentChanges(ctx, cat.Catalog, f, feedEntries, scan)
	if err != nil {
		return nil, err
	}
	name := cat.Config().Nom
	if name == "" {
		name = "Aiguillage"
	}
	feed := atomFeed{
		ID: base + "/modifications.atom" + f.query(), Title: s.t("feed.title", name), Subtitle: s.t("changes.caption"),
		Updated: cat.commit.When.UTC().Format(time.RFC3339),
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: base + "/modifications.atom" + f.query()},
			{Rel: "alternate", Type: "text/html", Href: base + "/modifications" + f.query()},
		},
		Author: atomPerson{Name: name}, Generator: "aiguillage",
	}
	for _, cm := range commits {
		e, err := s.feedEntry(ctx, cat.Catalog, base, cm)
		if err != nil {
			return nil, err
		}
		feed.Entries = append(feed.Entries, e)
	}
	out, err := xml.MarshalIndent(feed, "", " ")
	if err != nil {
		return nil, fmt.Errorf("server: feed: %w", err)
	}
	return append([]byte(xml.Header), out...), nil
}

// feedEntry describes one commit; its content is HTML (escaped in the XML).
func (s *Server) feedEntry(ctx context.Context, cat *content.Catalog, base string, cm content.Commit) (atomEntry, error) {
	title := cm.Message
	if i := strings.IndexByte(title, '\n'); i >= 0 {
		title = title[:i]
	}
	if strings.TrimSpace(title) == "" {
		title = s.t("feed.untitled")
	}
	e := atomEntry{
		ID: base + "/modifications#" + string(cm.Revision), Title: title,
		Updated: cm.When.UTC().Format(time.RFC3339), Author: atomPerson{Name: cm.Author.Name},
	}
	var body strings.Builder
	shown := 0
	for _, name := range cm.Files {
		p, ok := content.PathFromFile(name)
		if !ok {
			continue
		}
		link := fileLink(cat, name)
		diff := base + p.URL() + "/diff?de=" + string(cm.Parent) + "&a=" + string(cm.Revision)
		if cm.Parent == "" {
			diff = base + p.URL() + "/revision/" + string(cm.Revision)
		}
		if len(e.Links) == 0 {
			e.Links = append(e.Links, atomLink{Rel: "alternate", Type: "text/html", Href: diff})
		}
		fmt.Fprintf(&body, "<p><a href=\"%s\">%s</a></p>\n", html.EscapeString(diff), html.EscapeString(link.Title))
		if shown++; shown > feedPagesShown {
			continue
		}
		lines, err := s.feedDiff(ctx, cm, p)
		if err != nil {
			return e, err
		}
		if lines != "" {
			fmt.Fprintf(&body, "<pre>%s</pre>\n", html.EscapeString(lines))
		}
	}
	if len(e.Links) == 0 {
		e.Links = append(e.Links, atomLink{Rel: "alternate", Type: "text/html", Href: base + "/modifications"})
	}
	e.Content = atomText{Type: "html", Body: body.String()}
	return e, nil
}

// feedDiff is the first changed lines of p's public text in cm, "+"/"-"
// prefixed.
func (s *Server) feedDiff(ctx context.Context, cm content.Commit, p content.Path) (string, error) {
	before := ""
	if cm.Parent != "" {
		b, err := s.publicText(ctx, cm.Parent, p)
		if err != nil {
			return "", err
		}
		before = b
	}
	after, err := s.publicText(ctx, cm.Revision, p)
	if err != nil {
		return "", err
	}
	var out []string
	for _, l := range content.DiffLines(before, after) {
		switch l.Op {
		case content.DiffInsert:
			out = append(out, "+ "+l.Text)
		case content.DiffDelete:
			out = append(out, "- "+l.Text)
		default:
			continue
		}
		if len(out) == feedLinesPerPage {
			out = append(out, "…")
			break
		}
	}
	return strings.Join(out, "\n"), nil
}

// publicText is a page file's text at rev without its private information,
// whoever asks: the feed is the same for everyone. "" when the page did not
// exist at rev.
func (s *Server) publicText(ctx context.Context, rev content.Revision, p content.Path) (string, error) {
	f, err := s.cfg.Store.ReadFile(ctx, rev, p.File())
	if errors.Is(err, content.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return content.PublicSource(f.Data), nil
}
