package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// CSRF protection. A signed-in user's token is an HMAC of their session's
// secret; an anonymous visitor's is an HMAC of a random value kept in a
// cookie (signed double submit), set only when a page asks for a token.
// Both are checked on every POST, PUT, PATCH and DELETE outside /api/, and
// on the API when the request comes with the session cookie; a request
// with a personal access token carries no ambient credential and needs
// none. Requests a browser marks as coming from another site are refused
// before the token is even looked at. Scripts of signed-in pages read the
// token from <meta name="csrf-token"> and send it as X-CSRF-Token.
const (
	csrfField  = "_csrf"
	csrfHeader = "X-CSRF-Token"
	csrfCookie = "aiguillage_csrf"
	csrfKey    = "aiguillage.csrf" // the anonymous value chosen for this response
)

func (s *Server) mac(purpose, value string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfToken is the token the forms of this response must carry.
func (s *Server) csrfToken(c *fiber.Ctx) string {
	if secret := sessionSecret(c); secret != "" {
		return s.mac("csrf-session", secret)
	}
	value, _ := c.Locals(csrfKey).(string)
	if value == "" {
		value = c.Cookies(csrfCookie)
	}
	if len(value) != 43 {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			panic(err) // crypto/rand never fails on supported systems
		}
		value = base64.RawURLEncoding.EncodeToString(b)
		c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: value, Path: "/", HTTPOnly: true,
			Secure: s.secureCookies(c), SameSite: fiber.CookieSameSiteLaxMode})
	}
	c.Locals(csrfKey, value)
	return s.mac("csrf-anonymous", value)
}

// validCSRF checks the token sent with a request.
func (s *Server) validCSRF(c *fiber.Ctx, token string) bool {
	if token == "" {
		return false
	}
	var want string
	if secret := sessionSecret(c); secret != "" {
		want = s.mac("csrf-session", secret)
	} else if value := c.Cookies(csrfCookie); value != "" {
		want = s.mac("csrf-anonymous", value)
	} else {
		return false
	}
	return hmac.Equal([]byte(token), []byte(want))
}

func safeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions || m == fiber.MethodTrace
}

// checkCSRF is the middleware that refuses forged writing requests.
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	if safeMethod(c.Method()) {
		return c.Next()
	}
	if strings.HasPrefix(c.Path(), "/api/") && (viaBearer(c) || sessionSecret(c) == "") {
		return c.Next()
	}
	if !s.sameOrigin(c) {
		return s.csrfError("cross_site")
	}
	token := c.FormValue(csrfField)
	if token == "" {
		token = c.Get(csrfHeader)
	}
	if !s.validCSRF(c, token) {
		return s.csrfError("bad_csrf")
	}
	return c.Next()
}

func (s *Server) csrfError(code string) error {
	return &httpError{status: fiber.StatusForbidden, code: code, message: s.t("auth.error.csrf")}
}

// sameOrigin refuses what the browser says comes from another site: by
// Sec-Fetch-Site when sent, else by Origin. Clients that send neither
// (old browsers, scripts) rely on the token alone.
func (s *Server) sameOrigin(c *fiber.Ctx) bool {
	switch c.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return true
	case "":
	default:
		return false
	}
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false // includes "null"
	}
	if strings.EqualFold(u.Host, string(c.Request().Host())) {
		return true
	}
	if base, err := url.Parse(s.cfg.BaseURL); err == nil && base.Host != "" && strings.EqualFold(u.Host, base.Host) {
		return true
	}
	return false
}
