package server

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/accounts"
	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/edit"
)

// person is a signed-in user as proposals see them: who they are, for the
// commits they author, and what they edit, for the one rights rule
// (edit.Allowed).
type person struct {
	ID          string // account id, recorded with their proposals
	Name, Email string
	Admin       bool
	Structures  []string // structures an editor edits
}

func (p *person) actor() edit.Actor {
	return edit.Actor{Name: p.Name, Email: p.Email, Admin: p.Admin, Structures: p.Structures}
}

func (p *person) author() content.Author {
	name := p.Name
	if name == "" {
		name = p.Email
	}
	return content.Author{Name: name, Email: p.Email}
}

// errSignIn refuses an anonymous visitor; the routes' requireSignedIn
// sends them to the sign-in form before this is reached.
func (s *Server) errSignIn() error {
	return &httpError{status: fiber.StatusUnauthorized, code: "sign_in_required", message: s.t("proposal.error.sign_in")}
}

// person is the request's signed-in, active user; nil for anyone else.
func (s *Server) person(c *fiber.Ctx) *person {
	u := s.currentUser(c)
	if u == nil || u.Disabled {
		return nil
	}
	p := &person{ID: strconv.FormatInt(u.ID, 10), Name: u.Name, Email: u.Email, Admin: u.IsAdmin()}
	if u.Role == accounts.RoleEditor {
		p.Structures = u.Structures
	}
	return p
}
