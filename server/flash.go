package server

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"
)

// flashCookie carries a one-time notice ("Modification enregistrée.") from
// a write to the page the browser is sent to next.
const flashCookie = "aiguillage_notice"

func (s *Server) setFlash(c *fiber.Ctx, text string) {
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: url.QueryEscape(text), Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: c.Protocol() == "https", MaxAge: 60})
}

// takeFlash returns the pending notice, if any, and clears it.
func (s *Server) takeFlash(c *fiber.Ctx) string {
	raw := c.Cookies(flashCookie)
	if raw == "" {
		return ""
	}
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: "", Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Unix(1, 0)})
	text, err := url.QueryUnescape(raw)
	if err != nil || len(text) > 500 {
		return ""
	}
	return text
}

// hasFlash tells the page cache to step aside: a page with a notice is for
// one person only.
func hasFlash(c *fiber.Ctx) bool { return c.Cookies(flashCookie) != "" }
