package server

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/accounts"
)

// usersView is the administrators' page of accounts.
type usersView struct {
	Users     []userRow
	Notice    string
	Error     string
	ResetLink string // a reset link just made, shown this once
	ResetFor  string // whose
}

type userRow struct {
	*accounts.User
	Roles      []option
	Structures string
	Self       bool
	ID         string // for URLs and element ids
}

func (s *Server) showUsers(c *fiber.Ctx) error {
	return s.renderUsers(c, fiber.StatusOK, &usersView{})
}

func (s *Server) renderUsers(c *fiber.Ctx, status int, data *usersView) error {
	users, err := s.cfg.Accounts.Users(c.UserContext())
	if err != nil {
		return err
	}
	me := s.currentUser(c)
	for _, u := range users {
		row := userRow{User: u, Structures: strings.Join(u.Structures, " "), Self: u.ID == me.ID, ID: itoa(u.ID)}
		for _, r := range []accounts.Role{accounts.RoleAdmin, accounts.RoleEditor, accounts.RoleAgent} {
			row.Roles = append(row.Roles, option{Value: string(r), Label: s.t("role." + string(r)), Selected: r == u.Role})
		}
		data.Users = append(data.Users, row)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	v := s.view(c, s.t("users.title"), data)
	v.NoIndex, v.Current = true, "users"
	return s.render(c, status, "users", v)
}

// targetUser reads the account an administrator acts on; acting on one's
// own account here is refused, so an administrator cannot lock everyone out.
func (s *Server) targetUser(c *fiber.Ctx) (*accounts.User, error) {
	id, err := idParam(c)
	if err != nil {
		return nil, err
	}
	u, err := s.cfg.Accounts.User(c.UserContext(), id)
	if errors.Is(err, accounts.ErrNotFound) {
		return nil, fiber.ErrNotFound
	}
	return u, err
}

func (s *Server) usersError(c *fiber.Ctx, key string, args ...any) error {
	return s.renderUsers(c, fiber.StatusUnprocessableEntity, &usersView{Error: s.t(key, args...)})
}

// saveUser changes an account's role and structures.
func (s *Server) saveUser(c *fiber.Ctx) error {
	u, err := s.targetUser(c)
	if err != nil {
		return err
	}
	role := accounts.Role(c.FormValue("role"))
	if !role.Valid() {
		return s.usersError(c, "users.error.role")
	}
	if u.ID == s.currentUser(c).ID && role != u.Role {
		return s.usersError(c, "users.error.self")
	}
	slugs := structureSlugs(c)
	if bad := s.unknownStructures(slugs); len(bad) > 0 {
		return s.usersError(c, "invite.error.structures", strings.Join(bad, ", "))
	}
	u.Role, u.Structures = role, slugs
	if err := s.cfg.Accounts.UpdateUser(c.UserContext(), u); err != nil {
		return err
	}
	s.log.Info("account changed", "by", s.currentUser(c).ID, "user_id", u.ID, "role", role)
	return s.renderUsers(c, fiber.StatusOK, &usersView{Notice: s.t("users.saved", u.Name)})
}

// setDisabled returns the handler that disables or enables an account. A
// disabled account's sessions end and its tokens stop working at once.
func (s *Server) setDisabled(disabled bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u, err := s.targetUser(c)
		if err != nil {
			return err
		}
		if u.ID == s.currentUser(c).ID {
			return s.usersError(c, "users.error.self")
		}
		u.Disabled = disabled
		if err := s.cfg.Accounts.UpdateUser(c.UserContext(), u); err != nil {
			return err
		}
		s.log.Info("account disabled or enabled", "by", s.currentUser(c).ID, "user_id", u.ID, "disabled", disabled)
		key := "users.enabled"
		if disabled {
			key = "users.disabled"
		}
		return s.renderUsers(c, fiber.StatusOK, &usersView{Notice: s.t(key, u.Name)})
	}
}

// createReset makes a password-reset link for an account, shown once for
// the administrator to hand over: this server sends no e-mail.
func (s *Server) createReset(c *fiber.Ctx) error {
	u, err := s.targetUser(c)
	if err != nil {
		return err
	}
	secret, err := s.cfg.Accounts.CreateReset(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	s.log.Info("reset link created", "by", s.currentUser(c).ID, "user_id", u.ID)
	link := s.publicURL(c, s.live.catalog().Config(), "/mot-de-passe/"+secret)
	return s.renderUsers(c, fiber.StatusOK, &usersView{ResetLink: link, ResetFor: u.Name})
}
