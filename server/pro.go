package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
)

// The pro: block of a page is for signed-in, active users only
// (accounts.User.CanReadPro). Every output that can show it asks here.

// proFor is doc's pro block if the reader may see it, else nil.
func (s *Server) proFor(c *fiber.Ctx, doc *content.Document) *content.Pro {
	if !s.currentUser(c).CanReadPro() {
		return nil
	}
	switch {
	case doc.Service != nil:
		return doc.Service.Pro
	case doc.Structure != nil:
		return doc.Structure.Pro
	}
	return nil
}

// proOf is the pro block of the page at path in cat, nil if it has none.
func proOf(cat *content.Catalog, path string) *content.Pro {
	doc, ok := cat.Doc(content.Path(path))
	if !ok {
		return nil
	}
	switch {
	case doc.Service != nil:
		return doc.Service.Pro
	case doc.Structure != nil:
		return doc.Structure.Pro
	}
	return nil
}

// readableSource is a page file's text as the reader may see it: whole
// for signed-in users, without its pro block for everyone else.
func (s *Server) readableSource(c *fiber.Ctx, data []byte) string {
	if s.currentUser(c).CanReadPro() {
		return string(data)
	}
	return content.PublicSource(data)
}
