package server

import (
	"html/template"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
)

// share is a service's short plain-text summary, to send to the person
// oriented: as it is (copied), or in a new e-mail or text message. It
// holds public information only, never the pro block.
type share struct {
	Text string
	Mail template.URL // mailto: with subject and body
	SMS  template.URL // sms: with body
}

func (s *Server) share(title string, status *alert, p place, public string) share {
	lines := []string{title}
	if status != nil {
		lines = append(lines, status.Title)
	}
	if addr := oneLineAddress(p.Address); addr != "" {
		lines = append(lines, s.t("share.address", addr))
	}
	if hours := hoursLine(p); hours != "" {
		lines = append(lines, s.t("share.hours", hours))
	}
	switch {
	case p.Telephone != "":
		lines = append(lines, s.t("share.phone", p.Telephone))
	case p.Courriel != "":
		lines = append(lines, s.t("share.email", p.Courriel))
	}
	lines = append(lines, public)
	text := strings.Join(lines, "\n")
	// Both URLs are built from percent-encoded text after a fixed scheme:
	// nothing in them can change what they are.
	return share{
		Text: text,
		Mail: template.URL("mailto:?subject=" + uriEscape(title) + "&body=" + uriEscape(strings.ReplaceAll(text, "\n", "\r\n"))),
		SMS:  template.URL("sms:?&body=" + uriEscape(text)),
	}
}

// uriEscape percent-encodes everything but unreserved characters, as
// JavaScript's encodeURIComponent: mail clients read "+" as a plus sign, so
// spaces must be %20.
func uriEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

func oneLineAddress(a content.Address) string {
	var parts []string
	for _, p := range []string{a.Adresse, a.ComplementAdresse, strings.TrimSpace(a.CodePostal + " " + a.Commune)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// hoursLine writes the days with opening hours on one line, or the hours
// as written when they cannot be read.
func hoursLine(p place) string {
	if p.Week == nil {
		return p.HoursRaw
	}
	var days []string
	for _, d := range p.Week {
		if d.Open {
			days = append(days, d.Day+" "+d.Hours)
		}
	}
	return strings.Join(days, " ; ")
}

// publicURL is the absolute URL of path on the public site: the server's
// base URL, else config.yaml's, else the scheme and host of the request
// (checked, as they come from the client).
func (s *Server) publicURL(c *fiber.Ctx, cfg content.SiteConfig, path string) string {
	base := s.cfg.BaseURL
	if base == "" {
		base = cfg.BaseURL
	}
	if base == "" {
		scheme, host := c.Protocol(), c.Hostname()
		if scheme != "https" {
			scheme = "http"
		}
		if !validHost(host) {
			host = "localhost"
		}
		base = scheme + "://" + host
	}
	return strings.TrimSuffix(base, "/") + path
}

// validHost accepts a host name or IP address with an optional port.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for _, r := range h {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-:[]", r)) {
			return false
		}
	}
	return true
}
