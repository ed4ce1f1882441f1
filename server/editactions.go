package server

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/edit"
	"github.com/aiguillage/aiguillage/editform"
)

// newState is the form of a page to create: empty, with the structure of
// a new service taken from ?structure=.
func (s *Server) newState(c *fiber.Ctx, kind content.Kind) *editState {
	raw := "---\n"
	if st := c.Query("structure"); kind == content.KindService && content.CheckSlug(st) == nil {
		raw += "structure: " + st + "\n"
	}
	raw += "---\n"
	return &editState{Path: content.Path(string(kind) + "/nouveau"), Create: true, Raw: []byte(raw), Source: kind == content.KindPage}
}

// mayCreate answers 403 unless the person may create a page of this kind
// from raw: structures and guides are for administrators, a service for
// the editors of its structure.
func (s *Server) mayCreate(c *fiber.Ctx, kind content.Kind, raw []byte) error {
	a := s.actor(c)
	if a.Admin || (kind == content.KindService && edit.Allowed(a, string(kind)+"/nouveau.md", nil, raw)) {
		return nil
	}
	return s.forbidden()
}

func (s *Server) showCreate(kind content.Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		st := s.newState(c, kind)
		if err := s.mayCreate(c, kind, st.Raw); err != nil {
			return err
		}
		_ = st.fromFile(kind) // a fixed template that always splits
		return s.renderEdit(c, fiber.StatusOK, st)
	}
}

func (s *Server) postCreate(kind content.Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		st := s.newState(c, kind)
		st.Posted, st.Slug = true, c.FormValue("_slug")
		st.Summary, st.Body, st.Text = c.FormValue("_summary"), formText(c.FormValue("_body")), formText(c.FormValue("_source"))
		st.Vals = editform.FromForm(editform.Fields(kind), func(k string) []string { return formValues(c, k) })
		s.fillCommune(st)
		raw, err := st.compose(kind)
		if err != nil {
			return s.unreadable(err)
		}
		if err := s.mayCreate(c, kind, raw); err != nil {
			return err
		}
		p, err := content.NewPath(kind, st.Slug)
		if err != nil {
			st.SlugErr = s.t("edit.error.slug")
		}
		if c.FormValue("_action") == "preview" || st.SlugErr != "" {
			st.Preview = true
			return s.renderEdit(c, previewStatus(st), st)
		}
		res, err := s.editor.Create(c.UserContext(), s.actor(c), p, raw, st.Summary)
		if errors.Is(err, edit.ErrExists) {
			st.SlugErr = s.t("edit.error.exists")
			return s.renderEdit(c, fiber.StatusConflict, st)
		}
		return s.answerWrite(c, st, res, err, "edit.created")
	}
}

func previewStatus(st *editState) int {
	if st.SlugErr != "" {
		return fiber.StatusUnprocessableEntity
	}
	return fiber.StatusOK
}

// confirmView is a confirmation page: delete or rename.
type confirmView struct {
	Crumbs          []crumb
	Paragraphs      []string
	Action, PageURL string
	Base            string
	Rename          bool
	Slug, SlugError string
	Summary, Button string
	Danger          bool
	Errors          []formError
}

// loadForChange reads the page of the route at the tip and checks the
// person may change it.
func (s *Server) loadForChange(c *fiber.Ctx) (content.Path, edit.Draft, error) {
	p, err := pathParam(c)
	if err != nil {
		return "", edit.Draft{}, err
	}
	d, err := s.loadEditable(c, p)
	return p, d, err
}

// loadEditable reads the page p at the tip and checks the person may
// change it: 404 for a page that does not exist, 403 without the right.
func (s *Server) loadEditable(c *fiber.Ctx, p content.Path) (edit.Draft, error) {
	d, err := s.editor.Load(c.UserContext(), p)
	if err != nil {
		return edit.Draft{}, err
	}
	return d, s.mayEdit(c, p, d.Raw)
}

func (s *Server) renderConfirm(c *fiber.Ctx, status int, p content.Path, base content.Revision, rename bool, cv confirmView) error {
	key, action := "edit.delete", "/supprimer"
	if rename {
		key, action = "edit.rename", "/renommer"
	}
	title := s.pageTitle(&editState{Path: p})
	cv.Crumbs = []crumb{kindCrumb(s, p.Kind()), {Label: title, URL: p.URL()}, {Label: s.t(key)}}
	cv.Action, cv.PageURL, cv.Base, cv.Rename, cv.Danger = p.URL()+action, p.URL(), string(base), rename, !rename
	cv.Paragraphs, cv.Button = []string{s.t(key + ".text")}, s.t(key+".button")
	if cv.SlugError != "" {
		cv.Errors = []formError{{ID: "champ-slug", Message: cv.SlugError}}
	}
	v := s.view(c, s.t(key+".title", title), cv)
	v.NoIndex = true
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, status, "confirm", v)
}

func (s *Server) showRename(c *fiber.Ctx) error {
	p, d, err := s.loadForChange(c)
	if err != nil {
		return err
	}
	return s.renderConfirm(c, fiber.StatusOK, p, d.Revision, true, confirmView{Slug: p.Slug()})
}

func (s *Server) postRename(c *fiber.Ctx) error {
	p, d, err := s.loadForChange(c)
	if err != nil {
		return err
	}
	cv := confirmView{Slug: c.FormValue("_slug"), Summary: c.FormValue("_summary")}
	to, err := content.NewPath(p.Kind(), cv.Slug)
	if err != nil {
		cv.SlugError = s.t("edit.error.slug")
		return s.renderConfirm(c, fiber.StatusUnprocessableEntity, p, d.Revision, true, cv)
	}
	base, err := revisionParam(c.FormValue("_base"))
	if err != nil {
		return err
	}
	res, moved, err := s.renamePage(c.UserContext(), s.actor(c), p, to, base, cv.Summary)
	if errors.Is(err, edit.ErrExists) {
		cv.SlugError = s.t("edit.error.exists")
		return s.renderConfirm(c, fiber.StatusConflict, p, d.Revision, true, cv)
	}
	notice := "edit.renamed"
	if !moved {
		notice = "edit.renamed.rights"
	}
	return s.answerWrite(c, &editState{Path: p, Base: base}, res, err, notice)
}

// renamePage renames from to to (the web form and the API alike) and,
// for a structure, gives its editors' rights the new name. moved is false
// only when the commit was made but the rights could not follow.
func (s *Server) renamePage(ctx context.Context, a edit.Actor, from, to content.Path, base content.Revision, summary string) (res edit.Result, moved bool, err error) {
	res, err = s.editor.Rename(ctx, a, from, to, base, summary)
	if err != nil || from.Kind() != content.KindStructure {
		return res, true, err
	}
	return res, s.moveStructureRights(ctx, from, to), nil
}

// moveStructureRights gives the editors of a renamed structure, and its
// pending invitations, the new name: rights are kept by slug. The commit is
// made by then, so a failure is logged and told, not returned.
func (s *Server) moveStructureRights(ctx context.Context, from, to content.Path) bool {
	if s.cfg.Accounts == nil {
		return true // no accounts, no rights to move
	}
	if err := s.cfg.Accounts.RenameStructure(ctx, from.Slug(), to.Slug()); err != nil {
		s.log.Error("structure renamed but its editors' rights not moved", "from", from.Slug(), "to", to.Slug(), "err", err)
		return false
	}
	return true
}

func (s *Server) showDelete(c *fiber.Ctx) error {
	p, d, err := s.loadForChange(c)
	if err != nil {
		return err
	}
	return s.renderConfirm(c, fiber.StatusOK, p, d.Revision, false, confirmView{})
}

func (s *Server) postDelete(c *fiber.Ctx) error {
	p, _, err := s.loadForChange(c)
	if err != nil {
		return err
	}
	base, err := revisionParam(c.FormValue("_base"))
	if err != nil {
		return err
	}
	res, err := s.editor.Delete(c.UserContext(), s.actor(c), p, base, c.FormValue("_summary"))
	if err != nil {
		return s.answerWrite(c, &editState{Path: p, Base: base}, res, err, "")
	}
	s.setFlash(c, s.t("edit.deleted"))
	return c.Redirect(kindCrumb(s, p.Kind()).URL, fiber.StatusSeeOther)
}

// postRevert writes a page back as it was at a revision, as a new commit.
func (s *Server) postRevert(c *fiber.Ctx) error {
	p, err := pathParam(c)
	if err != nil {
		return err
	}
	rev, err := revisionParam(c.Params("rev"))
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	res, err := s.revertPage(ctx, s.actor(c), p, rev, c.FormValue("_summary"))
	if err != nil {
		return err
	}
	when := rev.Short()
	if cm, err := s.cfg.Store.CommitInfo(ctx, rev); err == nil {
		when = s.cfg.Theme.Messages().DateTime(cm.When.In(s.paris))
	}
	s.setFlash(c, s.t("edit.reverted", when))
	return c.Redirect(res.Path.URL(), fiber.StatusSeeOther)
}

// revertPage writes p back as it was at rev (the web form and the API
// alike): 404 when rev is not a commit of the branch or does not hold p.
func (s *Server) revertPage(ctx context.Context, a edit.Actor, p content.Path, rev content.Revision, summary string) (edit.Result, error) {
	if _, err := s.branchCommit(ctx, rev); err != nil {
		return edit.Result{}, err
	}
	old, err := s.cfg.Store.ReadFile(ctx, rev, p.File())
	if err != nil {
		return edit.Result{}, err
	}
	// The right to revert is the right to write the old text over the
	// current one (or to restore a deleted page).
	var cur []byte
	if d, err := s.editor.Load(ctx, p); err == nil {
		cur = d.Raw
	}
	if !edit.Allowed(a, p.File(), cur, old.Data) {
		return edit.Result{}, s.forbidden()
	}
	return s.editor.Revert(ctx, a, p, rev, summary)
}

// postVerify records that someone responsible confirms the page is right.
func (s *Server) postVerify(c *fiber.Ctx) error {
	p, _, err := s.loadForChange(c)
	if err != nil {
		return err
	}
	if _, err := s.editor.Verify(c.UserContext(), s.actor(c), p, ""); err != nil {
		return err
	}
	s.setFlash(c, s.t("edit.verified"))
	return c.Redirect(p.URL(), fiber.StatusSeeOther)
}
