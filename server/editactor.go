package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/edit"
)

// actor is the signed-in person as the edit package knows them; the zero
// Actor (anonymous, disabled) may change nothing.
func (s *Server) actor(c *fiber.Ctx) edit.Actor {
	u := s.currentUser(c)
	if u == nil || u.Disabled {
		return edit.Actor{}
	}
	return actorOf(u)
}
