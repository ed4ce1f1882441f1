package server

import (
	"errors"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/accounts"
	"github.com/aiguillage/aiguillage/content"
)

// invitationsView is the page where an administrator or an editeur makes
// invitation links.
type invitationsView struct {
	Email          string
	Roles          []option
	Structures     []choice // an editeur's own structures, as checkboxes
	Admin          bool     // an administrator types slugs instead
	StructuresText string
	Link           string // the link just made: shown this once
	Errors         map[string]string
}

type choice struct {
	Value, Label string
	Checked      bool
}

// mayInvite: administrators and editeurs invite; agents do not.
func mayInvite(u *accounts.User) bool {
	return u.IsAdmin() || u.CanReadPro() && u.Role == accounts.RoleEditor
}

func (s *Server) showInvitations(c *fiber.Ctx) error {
	if !mayInvite(s.currentUser(c)) {
		return errForbidden(s)
	}
	return s.renderInvitations(c, fiber.StatusOK, &invitationsView{}, accounts.RoleEditor, nil)
}

func (s *Server) renderInvitations(c *fiber.Ctx, status int, data *invitationsView, role accounts.Role, picked []string) error {
	u := s.currentUser(c)
	data.Admin = u.IsAdmin()
	roles := []accounts.Role{accounts.RoleEditor, accounts.RoleAgent}
	if data.Admin {
		roles = append(roles, accounts.RoleAdmin)
		data.StructuresText = strings.Join(picked, " ")
	}
	for _, r := range roles {
		data.Roles = append(data.Roles, option{Value: string(r), Label: s.t("role." + string(r)), Selected: r == role})
	}
	cat := s.live.catalog()
	for _, slug := range u.Structures {
		label := slug
		if p, err := content.NewPath(content.KindStructure, slug); err == nil {
			if d, ok := cat.Doc(p); ok {
				label = d.Title()
			}
		}
		data.Structures = append(data.Structures, choice{Value: slug, Label: label,
			Checked: slices.Contains(picked, slug) || len(u.Structures) == 1})
	}
	v := s.view(c, s.t("invite.title"), data)
	v.NoIndex, v.Current = true, "invitations"
	return s.render(c, status, "invitations", v)
}

// formValues returns every value of a repeated form field.
func formValues(c *fiber.Ctx, name string) []string {
	var out []string
	for _, b := range c.Request().PostArgs().PeekMulti(name) {
		out = append(out, string(b))
	}
	return out
}

// structureSlugs reads the structures of a form: checkboxes named
// "structure", or slugs separated by spaces or commas in "structures".
func structureSlugs(c *fiber.Ctx) []string {
	out := formValues(c, "structure")
	return append(out, strings.FieldsFunc(c.FormValue("structures"), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })...)
}

// unknownStructures lists the slugs that name no structure of the directory.
func (s *Server) unknownStructures(slugs []string) []string {
	cat := s.live.catalog()
	var out []string
	for _, slug := range slugs {
		p, err := content.NewPath(content.KindStructure, slug)
		if _, ok := cat.Doc(p); err != nil || !ok {
			out = append(out, slug)
		}
	}
	return out
}

// createInvitation makes an invitation link and shows it once.
func (s *Server) createInvitation(c *fiber.Ctx) error {
	u := s.currentUser(c)
	if !mayInvite(u) {
		return errForbidden(s)
	}
	inv := accounts.Invitation{Email: strings.TrimSpace(c.FormValue("email")), Role: accounts.Role(c.FormValue("role")), Structures: structureSlugs(c)}
	data := &invitationsView{Email: inv.Email, Errors: map[string]string{}}
	fail := func(field, key string, args ...any) error {
		data.Errors[field] = s.t(key, args...)
		return s.renderInvitations(c, fiber.StatusUnprocessableEntity, data, inv.Role, inv.Structures)
	}
	if bad := s.unknownStructures(inv.Structures); len(bad) > 0 {
		return fail("structures", "invite.error.structures", strings.Join(bad, ", "))
	}
	if inv.Role == accounts.RoleEditor && len(inv.Structures) == 0 {
		return fail("structures", "invite.error.none")
	}
	secret, err := s.cfg.Accounts.CreateInvitation(c.UserContext(), u, inv)
	switch {
	case errors.Is(err, accounts.ErrExists):
		return fail("email", "invite.error.exists")
	case errors.Is(err, accounts.ErrInvalid):
		return fail("email", "invite.error.email")
	case errors.Is(err, accounts.ErrForbidden):
		return errForbidden(s)
	case err != nil:
		return err
	}
	s.log.Info("invitation created", "by", u.ID, "role", inv.Role)
	done := &invitationsView{Link: s.publicURL(c, s.live.catalog().Config(), "/invitation/"+secret)}
	return s.renderInvitations(c, fiber.StatusOK, done, accounts.RoleEditor, nil)
}

// linkView is the page of an invitation or reset link: the form that
// sets a password (and a name, for an invitation).
type linkView struct {
	Invitation *accounts.Invitation
	RoleLabel  string
	User       *accounts.User // the account of a reset link
	Name       string
	Action     string // where the form posts: the link itself
	Errors     map[string]string
}

// linkSecret reads the secret of an invitation or reset link.
func linkSecret(c *fiber.Ctx) string { return strings.Clone(c.Params("token")) }

func (s *Server) expiredLink(c *fiber.Ctx) error {
	v := s.view(c, s.t("link.expired.title"), errorView{Message: s.t("link.expired.text")})
	v.NoIndex = true
	return s.render(c, fiber.StatusNotFound, "error", v)
}

func (s *Server) renderLink(c *fiber.Ctx, status int, title string, data *linkView) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	data.Action = strings.Clone(c.Path())
	v := s.view(c, title, data)
	v.NoIndex = true
	return s.render(c, status, "link", v)
}

// showInvitation serves the form of an invitation link.
func (s *Server) showInvitation(c *fiber.Ctx) error {
	inv, err := s.cfg.Accounts.Invitation(c.UserContext(), linkSecret(c))
	if errors.Is(err, accounts.ErrExpired) {
		return s.expiredLink(c)
	} else if err != nil {
		return err
	}
	return s.renderLink(c, fiber.StatusOK, s.t("link.invitation.title"), &linkView{Invitation: inv, RoleLabel: s.t("role." + string(inv.Role))})
}

// acceptInvitation creates the account and signs the person in.
func (s *Server) acceptInvitation(c *fiber.Ctx) error {
	secret := linkSecret(c)
	ctx := c.UserContext()
	inv, err := s.cfg.Accounts.Invitation(ctx, secret)
	if errors.Is(err, accounts.ErrExpired) {
		return s.expiredLink(c)
	} else if err != nil {
		return err
	}
	data := &linkView{Invitation: inv, RoleLabel: s.t("role." + string(inv.Role)), Name: strings.TrimSpace(c.FormValue("name")), Errors: map[string]string{}}
	if data.Name == "" || len(data.Name) > 200 {
		data.Errors["name"] = s.t("account.error.name")
	} else if field, key := checkNewPassword(c); field != "" {
		data.Errors[field] = s.t(key)
	}
	if len(data.Errors) > 0 {
		return s.renderLink(c, fiber.StatusUnprocessableEntity, s.t("link.invitation.title"), data)
	}
	u, err := s.cfg.Accounts.AcceptInvitation(ctx, secret, data.Name, c.FormValue("new_password"))
	switch {
	case errors.Is(err, accounts.ErrExpired):
		return s.expiredLink(c)
	case errors.Is(err, accounts.ErrExists):
		data.Errors["name"] = s.t("invite.error.exists")
		return s.renderLink(c, fiber.StatusUnprocessableEntity, s.t("link.invitation.title"), data)
	case err != nil:
		return err
	}
	s.log.Info("invitation accepted", "user_id", u.ID)
	return s.startSession(c, u, "/compte")
}

// checkNewPassword checks the new_password and confirm fields; it returns
// the field in error and the message key, or "" when they are fine.
func checkNewPassword(c *fiber.Ctx) (field, key string) {
	pw := c.FormValue("new_password")
	if accounts.CheckPassword(pw) != nil {
		return "new_password", "account.error.weak"
	}
	if pw != c.FormValue("confirm") {
		return "confirm", "account.error.confirm"
	}
	return "", ""
}

// startSession signs u in (ending the browser's previous session) and
// sends them to next.
func (s *Server) startSession(c *fiber.Ctx, u *accounts.User, next string) error {
	ctx := c.UserContext()
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
	return c.Redirect(next, fiber.StatusSeeOther)
}

// showReset serves the form of a password-reset link.
func (s *Server) showReset(c *fiber.Ctx) error {
	u, err := s.cfg.Accounts.ResetUser(c.UserContext(), linkSecret(c))
	if errors.Is(err, accounts.ErrExpired) || errors.Is(err, accounts.ErrNotFound) {
		return s.expiredLink(c)
	} else if err != nil {
		return err
	}
	return s.renderLink(c, fiber.StatusOK, s.t("link.reset.title"), &linkView{User: u})
}

// useReset sets the new password and signs the person in.
func (s *Server) useReset(c *fiber.Ctx) error {
	secret := linkSecret(c)
	ctx := c.UserContext()
	u, err := s.cfg.Accounts.ResetUser(ctx, secret)
	if errors.Is(err, accounts.ErrExpired) || errors.Is(err, accounts.ErrNotFound) {
		return s.expiredLink(c)
	} else if err != nil {
		return err
	}
	// A disabled account keeps its password and the link: an
	// administrator who enables it again may still hand the link over.
	if u.Disabled {
		return errForbidden(s)
	}
	if field, key := checkNewPassword(c); field != "" {
		return s.renderLink(c, fiber.StatusUnprocessableEntity, s.t("link.reset.title"), &linkView{User: u, Errors: map[string]string{field: s.t(key)}})
	}
	if u, err = s.cfg.Accounts.UseReset(ctx, secret, c.FormValue("new_password")); errors.Is(err, accounts.ErrExpired) {
		return s.expiredLink(c)
	} else if err != nil {
		return err
	}
	s.log.Info("password reset", "user_id", u.ID)
	return s.startSession(c, u, "/compte")
}
