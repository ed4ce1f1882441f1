package server

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
)

// maxSitemapURLs is the most URLs one sitemap file may list (sitemaps.org);
// past it /sitemap.xml is an index of numbered sitemaps.
const maxSitemapURLs = 50000

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemapURLs lists the public pages: home, lists, then every structure,
// service and free page with its date_maj.
func (s *Server) sitemapURLs(c *fiber.Ctx, snap *snapshot) []sitemapURL {
	cfg := snap.Config()
	urls := []sitemapURL{{Loc: s.publicURL(c, cfg, "/")}, {Loc: s.publicURL(c, cfg, "/structures")}, {Loc: s.publicURL(c, cfg, "/pages")}}
	for _, kind := range content.Kinds {
		for _, d := range snap.Docs(kind) {
			u := sitemapURL{Loc: s.publicURL(c, cfg, d.Path.URL())}
			if up := d.Updated(); !up.IsZero() {
				u.LastMod = up.String()
			}
			urls = append(urls, u)
		}
	}
	return urls
}

// sitemapChunks splits urls into sitemaps of at most max URLs.
func sitemapChunks(urls []sitemapURL, max int) [][]sitemapURL {
	var out [][]sitemapURL
	for len(urls) > max {
		out = append(out, urls[:max])
		urls = urls[max:]
	}
	return append(out, urls)
}

// showSitemap serves /sitemap.xml: the list of public pages, or an index
// of /sitemap/N.xml when they are too many for one file.
func (s *Server) showSitemap(c *fiber.Ctx) error {
	snap := s.live.catalog()
	chunks := sitemapChunks(s.sitemapURLs(c, snap), maxSitemapURLs)
	if len(chunks) == 1 {
		return sendSitemap(c, chunks[0])
	}
	type entry struct {
		Loc string `xml:"loc"`
	}
	index := struct {
		XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
		Maps    []entry  `xml:"sitemap"`
	}{}
	for i := range chunks {
		index.Maps = append(index.Maps, entry{Loc: s.publicURL(c, snap.Config(), fmt.Sprintf("/sitemap/%d.xml", i+1))})
	}
	return sendXML(c, index)
}

// showSitemapPart serves /sitemap/N.xml, the Nth part of a large sitemap.
func (s *Server) showSitemapPart(c *fiber.Ctx) error {
	n, err := strconv.Atoi(strings.TrimSuffix(c.Params("part"), ".xml"))
	chunks := sitemapChunks(s.sitemapURLs(c, s.live.catalog()), maxSitemapURLs)
	if err != nil || !strings.HasSuffix(c.Params("part"), ".xml") || n < 1 || n > len(chunks) || len(chunks) == 1 {
		return fiber.ErrNotFound
	}
	return sendSitemap(c, chunks[n-1])
}

func sendSitemap(c *fiber.Ctx, urls []sitemapURL) error {
	return sendXML(c, struct {
		XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []sitemapURL `xml:"url"`
	}{URLs: urls})
}

func sendXML(c *fiber.Ctx, v any) error {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(v); err != nil {
		return fmt.Errorf("server: encode sitemap: %w", err)
	}
	c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(buf.Bytes())
}

// showRobots serves /robots.txt: everything public may be indexed except
// search results, history and the private areas; it names the sitemap.
func (s *Server) showRobots(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.SendString("User-agent: *\n" +
		"Disallow: /recherche\n" +
		"Disallow: /*/historique\n" +
		"Disallow: /*/revision/\n" +
		"Disallow: /*/diff\n" +
		"Disallow: /admin/\n" +
		"Disallow: /widget\n" +
		"Allow: /\n\n" +
		"Sitemap: " + s.publicURL(c, s.live.catalog().Config(), "/sitemap.xml") + "\n")
}
