package server

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// widgetLimit is how many services the widget shows: it lives in a small
// frame, the full list is one link away.
const widgetLimit = 10

type widgetView struct {
	Q, Place, Error string
	Hidden          []hiddenField // the partner's territory and themes, kept across searches
	Searched        bool
	Total           int
	Hits            []widgetHit
	More            string // the same search on the site
}

type hiddenField struct{ Name, Value string }

type widgetHit struct {
	hitView
	URL string
}

// showWidget serves /widget?commune=&rayon=&thematique=&q=: a read-only
// search for a partner's territory, made to be framed by the partner's
// site. It is the only page any site may frame; it works without
// JavaScript and wears the instance's theme.
func (s *Server) showWidget(c *fiber.Ctx) error {
	q, err := parseQuery(c)
	if err != nil {
		return err
	}
	q.Limit, q.Page = widgetLimit, 1
	snap := s.live.catalog()
	data := widgetView{Q: q.Text}
	for _, name := range []string{"commune", "rayon", "thematique", "public"} {
		for _, v := range c.Context().QueryArgs().PeekMulti(name) {
			if v := strings.TrimSpace(string(v)); v != "" && len(v) < 200 {
				data.Hidden = append(data.Hidden, hiddenField{name, v})
			}
		}
	}
	params := url.Values{}
	for _, h := range data.Hidden {
		params.Add(h.Name, h.Value)
	}
	if q.Text != "" {
		params.Set("q", q.Text)
	}
	data.More = s.publicURL(c, snap.Config(), "/recherche?"+params.Encode())
	if s.cfg.Search == nil {
		data.Error = s.t("widget.unavailable")
	} else if len(params) > 0 {
		res, err := s.runSearch(c.UserContext(), q)
		var he *httpError
		switch {
		case errors.As(err, &he):
			data.Error = he.message
		case err != nil:
			s.log.Error("widget search failed", "err", err)
			data.Error = s.t("widget.unavailable")
		default:
			data.Searched, data.Total = true, res.Total
			if res.Commune != nil {
				data.Place = res.Commune.Label()
			}
			for _, h := range res.Hits {
				data.Hits = append(data.Hits, widgetHit{hitView: s.hitView(h), URL: s.publicURL(c, snap.Config(), "/"+h.Path)})
			}
		}
	}
	frameable(c)
	v := s.viewAt(c, snap, s.t("widget.title"), data)
	v.NoIndex = true
	return s.render(c, fiber.StatusOK, "widget", v)
}

// frameable lets any site frame this response, and only this one.
func frameable(c *fiber.Ctx) {
	c.Set("Content-Security-Policy", strings.Replace(contentSecurityPolicy, "frame-ancestors 'self'", "frame-ancestors *", 1))
	c.Response().Header.Del("X-Frame-Options")
}
