package server

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/accounts"
)

// Sign-in limits: failures per client address and per e-mail. Successes
// do not count: a whole office signs in from one address each morning.
const (
	signinPerIP       = 30
	signinIPWindow    = 10 * time.Minute
	signinPerEmail    = 5
	signinEmailWindow = 15 * time.Minute
)

type signinView struct {
	Email, Retour string
	Error         string
}

// showSignin serves the sign-in form.
func (s *Server) showSignin(c *fiber.Ctx) error {
	if s.cfg.Accounts == nil {
		return fiber.ErrNotFound
	}
	retour := safeReturn(c.Query("retour"))
	if s.currentUser(c) != nil {
		return c.Redirect(retour, fiber.StatusSeeOther)
	}
	return s.renderSignin(c, fiber.StatusOK, signinView{Retour: retour})
}

func (s *Server) renderSignin(c *fiber.Ctx, status int, data signinView) error {
	v := s.view(c, s.t("auth.signin.title"), data)
	v.NoIndex = true
	v.Current = "signin"
	return s.render(c, status, "signin", v)
}

// signin checks an e-mail and password and starts a session. Unknown
// e-mails and wrong passwords get the same answer.
func (s *Server) signin(c *fiber.Ctx) error {
	if s.cfg.Accounts == nil {
		return fiber.ErrNotFound
	}
	data := signinView{Email: strings.TrimSpace(c.FormValue("email")), Retour: safeReturn(c.FormValue("retour"))}
	// The key is bounded: a megabyte of "e-mail" must not stay in memory.
	ip, email, now := "ip "+limitKey(s.clientIP(c)), "email "+truncate(accounts.NormalizeEmail(data.Email), 254), s.now()
	if s.signinIP.blocked(ip, now) || s.signinEmail.blocked(email, now) {
		data.Error = s.t("auth.error.ratelimit")
		c.Set(fiber.HeaderRetryAfter, "600")
		return s.renderSignin(c, fiber.StatusTooManyRequests, data)
	}
	ctx := c.UserContext()
	u, err := s.cfg.Accounts.Authenticate(ctx, data.Email, c.FormValue("password"))
	switch {
	case errors.Is(err, accounts.ErrBadCredentials):
		// Logged with the address, for tools that ban attackers (fail2ban).
		s.log.Warn("sign-in failed", "ip", s.clientIP(c))
		s.signinIP.add(ip, now)
		s.signinEmail.add(email, now)
		data.Error = s.t("auth.error.credentials")
		return s.renderSignin(c, fiber.StatusUnauthorized, data)
	case errors.Is(err, accounts.ErrDisabled):
		data.Error = s.t("auth.error.disabled")
		return s.renderSignin(c, fiber.StatusForbidden, data)
	case err != nil:
		return err
	}
	s.signinEmail.reset(email)
	// A new session at each sign-in, and the old one ends: a session
	// secret planted before sign-in (fixation) is worth nothing.
	if old := c.Cookies(sessionCookie); old != "" {
		if err := s.cfg.Accounts.RevokeSessionSecret(ctx, old); err != nil {
			return err
		}
	}
	secret, err := s.cfg.Accounts.CreateSession(ctx, u.ID)
	if err != nil {
		return err
	}
	s.setSessionCookie(c, secret)
	s.log.Info("signed in", "user_id", u.ID)
	return c.Redirect(data.Retour, fiber.StatusSeeOther)
}

// signout ends the session.
func (s *Server) signout(c *fiber.Ctx) error {
	if s.cfg.Accounts == nil {
		return fiber.ErrNotFound
	}
	if secret := sessionSecret(c); secret != "" {
		if err := s.cfg.Accounts.RevokeSessionSecret(c.UserContext(), secret); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	return c.Redirect("/", fiber.StatusSeeOther)
}
