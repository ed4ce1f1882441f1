package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/edit"
)

// editLinks are the editing actions a signed-in reader is offered on a
// page: nil for anonymous visitors, so cached public pages never hold them.
type editLinks struct {
	Edit, Rename, Delete  string // links to the forms, for those who may edit
	Verify                string // action of the "I confirm" button
	NewService            string // on a structure page: add a service to it
	NewPage, NewPageLabel string // on the list of structures or guides, for administrators: add one
	Propose               string // for signed-in readers who may not edit
	Revert                string // on a revision page: action of the revert button
	CSRF                  string
}

// editLinks returns the actions the signed-in reader may take on p, whose
// document is doc (nil when the page does not exist at the tip).
func (s *Server) editLinks(c *fiber.Ctx, p content.Path, doc *content.Document) *editLinks {
	u := s.currentUser(c)
	if u == nil {
		return nil
	}
	l := &editLinks{CSRF: s.csrfToken(c)}
	may := u.IsAdmin()
	switch {
	case doc == nil:
	case doc.Service != nil:
		may = may || u.CanEditStructure(doc.Service.Structure)
	case doc.Structure != nil:
		may = may || u.CanEditStructure(p.Slug())
	}
	if !may {
		if doc != nil {
			l.Propose = p.URL() + "/proposer"
		}
		return l
	}
	if doc != nil {
		l.Edit, l.Rename, l.Delete = p.URL()+"/modifier", p.URL()+"/renommer", p.URL()+"/supprimer"
		if p.Kind() != content.KindPage {
			l.Verify = p.URL() + "/verifier"
		}
		if p.Kind() == content.KindStructure {
			l.NewService = "/services/nouveau?structure=" + p.Slug()
		}
	}
	return l
}

// withEditLinks adds the reader's editing actions to a page's view.
func (s *Server) withEditLinks(c *fiber.Ctx, doc *content.Document) func(view, error) (view, error) {
	return func(v view, err error) (view, error) {
		if err == nil {
			v.Edit = s.editLinks(c, doc.Path, doc)
		}
		return v, err
	}
}

// revertLinks offers the revert button on a revision page to those who
// may write the page's text of that revision (old, nil when the page did
// not exist then) over the current one, or restore it when deleted.
func (s *Server) revertLinks(c *fiber.Ctx, p content.Path, rev content.Revision, old []byte) *editLinks {
	if old == nil || s.currentUser(c) == nil {
		return nil
	}
	var cur []byte
	if f, err := s.cfg.Store.ReadFile(c.UserContext(), s.live.catalog().Revision(), p.File()); err == nil {
		cur = f.Data
	}
	if !edit.Allowed(s.actor(c), p.File(), cur, old) {
		return nil
	}
	return &editLinks{Revert: p.URL() + "/revision/" + string(rev) + "/retablir", CSRF: s.csrfToken(c)}
}

// mayRevert reports whether the reader may write back the page as it was
// at rev (the history offers it on every row when they may for the
// previous version).
func (s *Server) mayRevert(c *fiber.Ctx, p content.Path, rev content.Revision) bool {
	if s.currentUser(c) == nil {
		return false
	}
	old, err := s.cfg.Store.ReadFile(c.UserContext(), rev, p.File())
	return err == nil && s.revertLinks(c, p, rev, old.Data) != nil
}
