package server

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/accounts"
)

// sessionCookie holds a session's secret. It lives until the browser
// closes: reception desks share computers.
const sessionCookie = "aiguillage_session"

// Keys of what identify leaves in the request's locals.
const (
	userKey    = "aiguillage.user"
	sessionKey = "aiguillage.session" // the session secret, for the CSRF token
	sessionID  = "aiguillage.session_id"
	bearerKey  = "aiguillage.bearer" // true when the user came with a personal access token
)

// identify loads the user of the request: from the session cookie, or on
// /api/ only from an Authorization: Bearer token. A signed-in answer is
// private: never cached by the browser or a proxy.
func (s *Server) identify(c *fiber.Ctx) error {
	if s.cfg.Accounts == nil || strings.HasPrefix(c.Path(), "/static/") {
		return c.Next()
	}
	ctx := c.UserContext()
	if token, ok := bearerToken(c); ok && strings.HasPrefix(c.Path(), "/api/") {
		u, err := s.cfg.Accounts.TokenUser(ctx, token)
		if errors.Is(err, accounts.ErrExpired) {
			return &httpError{status: fiber.StatusUnauthorized, code: "bad_token", message: s.t("auth.error.token")}
		}
		if err != nil {
			return err
		}
		c.Locals(userKey, u)
		c.Locals(bearerKey, true)
	} else if secret := c.Cookies(sessionCookie); secret != "" {
		u, sess, err := s.cfg.Accounts.SessionUser(ctx, secret)
		switch {
		case errors.Is(err, accounts.ErrExpired):
			s.clearSessionCookie(c)
		case err != nil:
			return err
		default:
			c.Locals(userKey, u)
			c.Locals(sessionKey, strings.Clone(secret))
			c.Locals(sessionID, sess.ID)
		}
	}
	err := c.Next()
	if s.currentUser(c) != nil {
		c.Set(fiber.HeaderCacheControl, "private, no-store")
	}
	return err
}

func bearerToken(c *fiber.Ctx) (string, bool) {
	h := c.Get(fiber.HeaderAuthorization)
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:]), true
	}
	return "", false
}

// currentUser is the signed-in user of the request; nil for an anonymous
// visitor (and always when sign-in is disabled).
func (s *Server) currentUser(c *fiber.Ctx) *accounts.User {
	u, _ := c.Locals(userKey).(*accounts.User)
	return u
}

// sessionSecret is the secret of the request's session, "" without one.
func sessionSecret(c *fiber.Ctx) string {
	v, _ := c.Locals(sessionKey).(string)
	return v
}

func viaBearer(c *fiber.Ctx) bool {
	v, _ := c.Locals(bearerKey).(bool)
	return v
}

// requireSignedIn lets signed-in users through. Others get a 401: JSON on
// the API, a redirection to the sign-in page elsewhere.
func (s *Server) requireSignedIn(c *fiber.Ctx) error {
	if s.currentUser(c) != nil {
		return c.Next()
	}
	if strings.HasPrefix(c.Path(), "/api/") || c.Method() != fiber.MethodGet {
		return &httpError{status: fiber.StatusUnauthorized, code: "unauthorized", message: s.t("auth.error.signin")}
	}
	return c.Redirect("/connexion?retour="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
}

// requireAdmin lets administrators through; other signed-in users get 403.
func (s *Server) requireAdmin(c *fiber.Ctx) error {
	u := s.currentUser(c)
	if u == nil {
		return s.requireSignedIn(c)
	}
	if !u.IsAdmin() {
		return errForbidden(s)
	}
	return c.Next()
}

func errForbidden(s *Server) error {
	return &httpError{status: fiber.StatusForbidden, code: "forbidden", message: s.t("auth.error.forbidden")}
}

// secureCookies tells whether cookies must be Secure: the request came
// over https (directly or through a proxy that says so), or the site's
// public URL is https.
func (s *Server) secureCookies(c *fiber.Ctx) bool {
	return c.Protocol() == "https" || strings.HasPrefix(s.cfg.BaseURL, "https://")
}

func (s *Server) setSessionCookie(c *fiber.Ctx, secret string) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: secret, Path: "/", HTTPOnly: true,
		Secure: s.secureCookies(c), SameSite: fiber.CookieSameSiteLaxMode})
}

func (s *Server) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: "", Path: "/", HTTPOnly: true, MaxAge: -1,
		Expires: time.Unix(0, 0), Secure: s.secureCookies(c), SameSite: fiber.CookieSameSiteLaxMode})
}

// safeReturn keeps a "retour" address only when it is a path of this
// site: anything else (another host, a scheme, "//host", "/\host") would
// make the sign-in page an open redirect.
func safeReturn(raw string) string {
	if raw == "" || raw[0] != '/' || len(raw) > 2000 || strings.ContainsAny(raw, "\\\r\n\t") {
		return "/"
	}
	if len(raw) > 1 && (raw[1] == '/' || raw[1] == '\\') {
		return "/"
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return "/"
	}
	for _, r := range raw {
		if r < 0x20 || r == 0x7f {
			return "/"
		}
	}
	return raw
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// requireAccounts answers 404 when signing in is disabled.
func (s *Server) requireAccounts(c *fiber.Ctx) error {
	if s.cfg.Accounts == nil {
		return fiber.ErrNotFound
	}
	return c.Next()
}
