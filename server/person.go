package server

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/edit"
)

// person is a signed-in user as proposals see them: who they are, for the
// commits they author, and what they edit, for the one rights rule
// (edit.Allowed).
type person struct {
	ID string // account id, recorded with their proposals
	edit.Actor
}

func (p *person) actor() edit.Actor { return p.Actor }

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
	return &person{ID: strconv.FormatInt(u.ID, 10), Actor: actorOf(u)}
}
