package server

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/accounts"
	"github.com/aiguillage/aiguillage/content"
)

// view is what every page template receives: the layout's fields, and the
// page's own data in Data.
type view struct {
	Site        content.SiteConfig
	Title       string
	Description string
	Canonical   string
	Query       string // the search box's value
	Current     string // which main menu entry is the current page
	Revision    string // short revision of the content shown
	NoIndex     bool
	Brand       brand // logo, colours and footer links of config.yaml
	Data        any
	User        *accounts.User // nil: anonymous
	Here        string         // the page's path, for the sign-in link to come back to
	SignIn      bool           // whether signing in is possible at all
	Edit        *editLinks     // the signed-in reader's editing actions on this page; nil for anonymous visitors
	Flash       string         // a one-time notice after a write ("Modification enregistrée.")
	csrf        func() string  // nil in a page kept in the shared cache
	reviewable  func() int     // nil for anonymous visitors
	look        *look
	expires     time.Time // when time-dependent content (open now) changes; zero: next midnight
}

// CSRF is the token every form that writes must carry, in a hidden
// _csrf field. Pages served from the shared cache have none: an anonymous
// form must be on a page rendered for each request.
func (v view) CSRF() string {
	if v.csrf == nil {
		return ""
	}
	return v.csrf()
}

// Proposals is how many open proposals the signed-in person may decide on,
// for the header; 0 for everyone else.
func (v view) Proposals() int {
	if v.reviewable == nil {
		return 0
	}
	return v.reviewable()
}

// Asset returns the versioned URL of a static file of the theme.
func (v view) Asset(name string) string { return v.look.assets.url(name) }

func (s *Server) view(c *fiber.Ctx, title string, data any) view {
	return s.viewAt(c, s.live.catalog(), title, data)
}

// viewAt is view for a page built from the catalogue cat: a cached page
// must take every field from the snapshot its cache key names.
func (s *Server) viewAt(c *fiber.Ctx, cat *snapshot, title string, data any) view {
	v := view{
		Site:     cat.Config(),
		Title:    title,
		Revision: cat.Revision().Short(),
		Data:     data,
		Brand:    cat.look.brand,
		look:     cat.look,
		User:     s.currentUser(c),
		Here:     strings.Clone(c.Path()),
		SignIn:   s.cfg.Accounts != nil,
		Flash:    s.takeFlash(c),
		csrf:     func() string { return s.csrfToken(c) },
	}
	if v.User != nil {
		v.reviewable = func() int { return s.reviewable(c.UserContext(), s.person(c)) }
	}
	if v.Site.Nom == "" {
		v.Site.Nom = "Aiguillage"
	}
	if s.cfg.BaseURL != "" {
		v.Canonical = strings.TrimSuffix(s.cfg.BaseURL, "/") + c.Path()
	}
	return v
}

// render executes a page template and sends it. Rendering goes to a buffer
// first, so a template error becomes a clean error page.
func (s *Server) render(c *fiber.Ctx, status int, page string, v view) error {
	body, err := s.renderBytes(page, v)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(body)
}

// renderCached serves a public page from the page cache, or renders it and
// keeps it. Only pages identical for every visitor may use it. build must
// read snap only, the catalogue the cache key names: with a newer one, a
// page built from a catalogue a commit just replaced would be kept under
// the new revision and served until the next commit.
func (s *Server) renderCached(c *fiber.Ctx, snap *snapshot, page string, build func() (view, error)) error {
	return s.renderCachedKey(c, snap, c.Path(), page, build)
}

// renderCachedKey is renderCached for a page that depends on more than its
// path: name must tell apart every variant of the page. A cached page also
// carries its ETag and a gzip copy, made once, and expires when what it
// shows of the clock does ("ouvert maintenant", today's notices).
func (s *Server) renderCachedKey(c *fiber.Ctx, snap *snapshot, name, page string, build func() (view, error)) error {
	if s.currentUser(c) != nil || hasFlash(c) {
		// Signed-in pages show more (pro information, their name), and a
		// page with a notice is for one person: never from or into the
		// shared cache.
		v, err := build()
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		return s.render(c, fiber.StatusOK, page, v)
	}
	key := string(snap.Revision()) + " " + name
	c.Set(fiber.HeaderLastModified, snap.commit.When.UTC().Format(http.TimeFormat))
	c.Set(fiber.HeaderCacheControl, "public, max-age=0, must-revalidate")
	c.Vary(fiber.HeaderCookie)
	now := s.now()
	p, ok := s.pages.get(key, now)
	if !ok {
		v, err := build()
		if err != nil {
			return err
		}
		v.csrf = nil // one visitor's token must not be served to all
		body, err := s.renderBytes(page, v)
		if err != nil {
			return err
		}
		p = s.pages.newPage(key, body, s.expiry(v.expires, now))
		s.pages.put(p)
	}
	return sendCached(c, p)
}

// expiry is when a page rendered at now stops being right: when the open
// state it shows changes, and at the latest at midnight in Paris, when
// temporary notices and "to be verified" marks may change.
func (s *Server) expiry(until, now time.Time) time.Time {
	local := now.In(s.paris)
	midnight := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, s.paris)
	if !until.IsZero() && until.Before(midnight) && until.After(now) {
		return until
	}
	return midnight
}

// sendCached answers with a cached page: 304 when the client has it, the
// gzip copy when the client takes gzip. The ETag and compression
// middlewares leave such a response alone.
func sendCached(c *fiber.Ctx, p *cachedPage) error {
	c.Set(fiber.HeaderETag, p.etag)
	c.Vary(fiber.HeaderAcceptEncoding)
	if etagMatch(c.Get(fiber.HeaderIfNoneMatch), p.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	if p.gz != nil && c.Request().Header.HasAcceptEncoding("gzip") {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(p.gz)
	}
	return c.Send(p.body)
}

// renderBytes executes a page template of the view's look. When an
// overridden template fails, the built-in theme renders the page instead:
// an override must not take the site down.
func (s *Server) renderBytes(page string, v view) ([]byte, error) {
	var buf bytes.Buffer
	err := v.look.theme.Render(&buf, page, v)
	if err == nil || v.look.theme == s.cfg.Theme {
		return buf.Bytes(), err
	}
	s.log.Warn("theme override failed: page rendered with the built-in theme", "page", page, "err", err)
	buf.Reset()
	if err := s.cfg.Theme.Render(&buf, page, v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// crumb is one step of a breadcrumb trail; the last has no URL.
type crumb struct {
	Label string
	URL   string
}

// link is a link to a page of the directory.
type link struct {
	Title string
	URL   string
}

func (s *Server) t(key string, args ...any) string {
	return s.cfg.Theme.Messages().T(key, args...)
}

func kindCrumb(s *Server, kind content.Kind) crumb {
	switch kind {
	case content.KindStructure:
		return crumb{Label: s.t("nav.structures"), URL: "/structures"}
	case content.KindPage:
		return crumb{Label: s.t("nav.pages"), URL: "/pages"}
	}
	return crumb{Label: s.t("nav.search"), URL: "/recherche"}
}
