package server

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/accounts"
)

// accountView is the account page: the user's name, password, personal
// access tokens and sessions.
type accountView struct {
	Name     string
	Tokens   []tokenRow
	Sessions []sessionRow
	NewToken string // the secret of a token just made: shown this once
	Notice   string
	Errors   map[string]string // by field: name, password, new_password, token_name
}

type tokenRow struct {
	ID            int64
	Name          string
	Created, Used time.Time
	NeverUsed     bool
	RevokeURL     string
}

type sessionRow struct {
	ID                int64
	Created, LastSeen time.Time
	Current           bool
	RevokeURL         string
}

// showAccount serves /compte.
func (s *Server) showAccount(c *fiber.Ctx) error {
	return s.renderAccount(c, fiber.StatusOK, &accountView{})
}

func (s *Server) renderAccount(c *fiber.Ctx, status int, data *accountView) error {
	u := s.currentUser(c)
	ctx := c.UserContext()
	if data.Name == "" {
		data.Name = u.Name
	}
	tokens, err := s.cfg.Accounts.Tokens(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, t := range tokens {
		data.Tokens = append(data.Tokens, tokenRow{ID: t.ID, Name: t.Name, Created: t.Created.In(s.paris),
			Used: t.LastUsed.In(s.paris), NeverUsed: t.LastUsed.IsZero(),
			RevokeURL: "/compte/jetons/" + strconv.FormatInt(t.ID, 10) + "/revoquer"})
	}
	sessions, err := s.cfg.Accounts.Sessions(ctx, u.ID)
	if err != nil {
		return err
	}
	current, _ := c.Locals(sessionID).(int64)
	for _, ss := range sessions {
		data.Sessions = append(data.Sessions, sessionRow{ID: ss.ID, Created: ss.Created.In(s.paris),
			LastSeen: ss.LastSeen.In(s.paris), Current: ss.ID == current,
			RevokeURL: "/compte/sessions/" + strconv.FormatInt(ss.ID, 10) + "/revoquer"})
	}
	v := s.view(c, s.t("account.title"), data)
	v.NoIndex, v.Current = true, "account"
	return s.render(c, status, "account", v)
}

// accountError renders the account page again with an error on field.
func (s *Server) accountError(c *fiber.Ctx, field, message string) error {
	return s.renderAccount(c, fiber.StatusUnprocessableEntity, &accountView{Errors: map[string]string{field: message}})
}

// saveName changes the user's name.
func (s *Server) saveName(c *fiber.Ctx) error {
	u := *s.currentUser(c)
	u.Name = strings.TrimSpace(c.FormValue("name"))
	if u.Name == "" || len(u.Name) > 200 {
		return s.accountError(c, "name", s.t("account.error.name"))
	}
	if err := s.cfg.Accounts.UpdateUser(c.UserContext(), &u); err != nil {
		return err
	}
	c.Locals(userKey, &u)
	return s.renderAccount(c, fiber.StatusOK, &accountView{Notice: s.t("account.name.saved")})
}

// savePassword changes the password, given the current one, and ends the
// user's other sessions.
func (s *Server) savePassword(c *fiber.Ctx) error {
	u := s.currentUser(c)
	ctx := c.UserContext()
	key, now := "email "+u.Email, s.now()
	if s.signinEmail.blocked(key, now) {
		return s.accountError(c, "password", s.t("auth.error.ratelimit"))
	}
	if _, err := s.cfg.Accounts.Authenticate(ctx, u.Email, c.FormValue("password")); err != nil {
		if !errors.Is(err, accounts.ErrBadCredentials) {
			return err
		}
		s.signinEmail.add(key, now)
		return s.accountError(c, "password", s.t("account.error.current"))
	}
	pw := c.FormValue("new_password")
	if pw != c.FormValue("confirm") {
		return s.accountError(c, "new_password", s.t("account.error.confirm"))
	}
	if err := s.cfg.Accounts.SetPassword(ctx, u.ID, pw); errors.Is(err, accounts.ErrWeakPassword) {
		return s.accountError(c, "new_password", s.t("account.error.weak"))
	} else if err != nil {
		return err
	}
	if err := s.endOtherSessions(c, u.ID); err != nil {
		return err
	}
	return s.renderAccount(c, fiber.StatusOK, &accountView{Notice: s.t("account.password.saved")})
}

func (s *Server) endOtherSessions(c *fiber.Ctx, userID int64) error {
	current, _ := c.Locals(sessionID).(int64)
	sessions, err := s.cfg.Accounts.Sessions(c.UserContext(), userID)
	if err != nil {
		return err
	}
	for _, ss := range sessions {
		if ss.ID != current {
			if err := s.cfg.Accounts.RevokeSession(c.UserContext(), userID, ss.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// createToken makes a personal access token and shows its secret once.
func (s *Server) createToken(c *fiber.Ctx) error {
	name := strings.TrimSpace(c.FormValue("token_name"))
	if name == "" || len(name) > 100 {
		return s.accountError(c, "token_name", s.t("account.error.token_name"))
	}
	secret, err := s.cfg.Accounts.CreateToken(c.UserContext(), s.currentUser(c).ID, name)
	if err != nil {
		return err
	}
	return s.renderAccount(c, fiber.StatusOK, &accountView{NewToken: secret, Notice: s.t("account.token.created", name)})
}

// idParam reads a numeric id from the route; anything else is a 404.
func idParam(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}

// revokeToken deletes one of the user's tokens.
func (s *Server) revokeToken(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Accounts.RevokeToken(c.UserContext(), s.currentUser(c).ID, id); errors.Is(err, accounts.ErrNotFound) {
		return fiber.ErrNotFound
	} else if err != nil {
		return err
	}
	return s.renderAccount(c, fiber.StatusOK, &accountView{Notice: s.t("account.token.revoked")})
}

// revokeSession ends one of the user's sessions.
func (s *Server) revokeSession(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Accounts.RevokeSession(c.UserContext(), s.currentUser(c).ID, id); errors.Is(err, accounts.ErrNotFound) {
		return fiber.ErrNotFound
	} else if err != nil {
		return err
	}
	if current, _ := c.Locals(sessionID).(int64); current == id {
		s.clearSessionCookie(c)
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	return s.renderAccount(c, fiber.StatusOK, &accountView{Notice: s.t("account.session.revoked")})
}
