package server

import (
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// contentSecurityPolicy allows only our own scripts and styles. Map tiles
// (https images) are allowed for the map the theme may show.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data: https:; style-src 'self'; " +
	"script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"

func securityHeaders(c *fiber.Ctx) error {
	setSecurityHeaders(c)
	return c.Next()
}

// setSecurityHeaders is also called by the error handler, which answers
// requests fasthttp refused before any middleware ran (431 for a URL too
// long for the read buffer).
func setSecurityHeaders(c *fiber.Ctx) {
	h := &c.Response().Header
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
	if c.Protocol() == "https" {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
}

// requestLog logs every request once, after it is served, with its status.
// Static files log at debug level: they would drown the rest.
func (s *Server) requestLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		// Let the error handler write the response now, so the status logged is the one sent.
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	level := slog.LevelInfo
	if strings.HasPrefix(c.Path(), "/static/") {
		level = slog.LevelDebug
	}
	s.log.Log(c.UserContext(), level, "request",
		"method", c.Method(), "path", loggedPath(c), "status", c.Response().StatusCode(),
		"bytes", len(c.Response().Body()), "duration_us", time.Since(start).Microseconds())
	return nil
}

// loggedPath is the request's path as logs may keep it: on the routes whose
// path carries a secret (invitation and password-reset links), the route's
// pattern instead, since whoever reads the logs could use the link.
func loggedPath(c *fiber.Ctx) string {
	if r := c.Route(); r != nil && strings.Contains(r.Path, ":token") {
		return r.Path
	}
	return c.Path()
}
