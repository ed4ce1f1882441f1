package server

import (
	"github.com/gofiber/fiber/v2"
)

// previewHours is one day of the hours preview, in the JSON answer.
type previewHours struct {
	Day   string `json:"jour"`
	Hours string `json:"heures"`
}

// previewEdit renders a body and reads opening hours for the edit form's
// live preview. It writes nothing; it is a POST because the text may be
// long and has no place in a URL.
func (s *Server) previewEdit(c *fiber.Ctx) error {
	html := s.previewHTML(formText(c.FormValue("_body")))
	week, hoursErr := s.hoursPreview(c.FormValue("horaires_accueil"))
	days := make([]previewHours, 0, len(week))
	for _, d := range week {
		days = append(days, previewHours{Day: d.Day, Hours: d.Hours})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"html": string(html), "horaires": days, "erreur_horaires": hoursErr})
}
