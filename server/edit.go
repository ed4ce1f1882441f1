package server

import (
	"errors"
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/edit"
	"github.com/aiguillage/aiguillage/editform"
)

// editState is an edit form as the person left it: what it was based on
// and what they typed. The form is rendered from it, the first time from
// the file alone, afterwards from the posted values.
type editState struct {
	Path     content.Path
	Create   bool
	Slug     string // a new page's slug as typed
	Base     content.Revision
	Raw      []byte // the file at Base: unknown keys and comments come from it
	Source   bool   // source mode
	Posted   bool   // Vals, Body and Text come from a posted form
	Vals     editform.Values
	Body     string
	Text     string // the whole file, in source mode
	Summary  string
	Preview  bool
	Problems []content.Problem
	Notice   string
	SlugErr  string
}

// editView is the edit page's data.
type editView struct {
	Crumbs                  []crumb
	PageURL, Action         string
	FormURL, SourceURL      string
	PreviewURL, PresenceURL string
	Base                    string
	Source, Create          bool
	Slug, SlugError         string
	Sections                []formSection
	Body, Text, Summary     string
	BodyError, SourceError  string
	Preview                 template.HTML
	Previewed               bool
	Hours                   []dayHours
	HoursError              string
	Errors                  []formError
	Others                  []string
	Notice, SaveLabel       string
}

// formError is one line of the error summary, linked to its field.
type formError struct{ ID, Message string }

// showEdit serves the edit form of a page at the branch's tip.
func (s *Server) showEdit(c *fiber.Ctx) error {
	p, err := pathParam(c)
	if err != nil {
		return err
	}
	d, err := s.editor.Load(c.UserContext(), p)
	if err != nil {
		return err
	}
	if err := s.mayEdit(c, p, d.Raw); err != nil {
		return err
	}
	st := &editState{Path: p, Base: d.Revision, Raw: d.Raw, Source: c.Query("mode") == "source" || p.Kind() == content.KindPage}
	return s.renderEdit(c, fiber.StatusOK, st)
}

// postEdit previews or saves an edit form.
func (s *Server) postEdit(c *fiber.Ctx) error {
	p, err := pathParam(c)
	if err != nil {
		return err
	}
	st, err := s.readEditForm(c, p)
	if err != nil {
		return err
	}
	if err := s.mayEdit(c, p, st.Raw); err != nil {
		return err
	}
	if status, shown := showAgain(c, st); shown {
		return s.renderEdit(c, status, st)
	}
	s.fillCommune(st)
	raw, err := st.compose(p.Kind())
	if err != nil {
		return s.unreadable(err)
	}
	res, err := s.editor.Save(c.UserContext(), s.actor(c), p, st.Base, raw, st.Summary)
	return s.answerWrite(c, st, res, err, "edit.saved")
}

// readEditForm reads a posted edit form and the file it was based on.
func (s *Server) readEditForm(c *fiber.Ctx, p content.Path) (*editState, error) {
	st := &editState{Path: p, Posted: true, Source: c.FormValue("_mode") == "source" || p.Kind() == content.KindPage,
		Summary: strings.TrimSpace(c.FormValue("_summary")), Body: formText(c.FormValue("_body")), Text: formText(c.FormValue("_source"))}
	st.Vals = editform.FromForm(editform.Fields(p.Kind()), func(k string) []string { return formValues(c, k) })
	return st, s.readBase(c, st, c.FormValue("_base"))
}

// readBase reads the file a posted form was based on. A base revision that
// does not exist (a forged or truncated form) is replaced by the tip, and
// the form is shown again with a notice.
func (s *Server) readBase(c *fiber.Ctx, st *editState, posted string) error {
	ctx := c.UserContext()
	base, err := revisionParam(posted)
	if err == nil {
		var f content.File
		if f, err = s.cfg.Store.ReadFile(ctx, base, st.Path.File()); err == nil {
			st.Base, st.Raw = base, f.Data
			return nil
		}
	}
	d, err := s.editor.Load(ctx, st.Path)
	if err != nil {
		return err
	}
	st.Base, st.Raw, st.Notice = d.Revision, d.Raw, s.t("edit.error.base")
	return nil
}

// formText normalises a posted text's line ends.
func formText(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

// compose writes the form's values over the base file: only the keys that
// changed are rewritten.
func (st *editState) compose(kind content.Kind) ([]byte, error) {
	if st.Source {
		return []byte(st.Text), nil
	}
	f, err := editform.Split(st.Raw)
	if err != nil {
		return nil, err
	}
	f.Apply(editform.Fields(kind), st.Vals)
	f.Body = st.Body
	return f.Bytes()
}

// unreadable is the answer to a form posted over a file whose front
// matter the form cannot edit (the edit page offers source mode instead).
func (s *Server) unreadable(err error) error {
	return &httpError{status: fiber.StatusUnprocessableEntity, code: "front_matter", message: s.t("edit.error.frontmatter"), err: err}
}

// mayEdit answers 403 unless the signed-in person may edit the page whose
// file is raw (nil: a page to create).
func (s *Server) mayEdit(c *fiber.Ctx, p content.Path, raw []byte) error {
	if edit.CanEdit(s.actor(c), p, raw) {
		return nil
	}
	return s.forbidden()
}

func (s *Server) forbidden() error {
	return &httpError{status: fiber.StatusForbidden, code: "forbidden", message: s.t("edit.error.forbidden"), err: edit.ErrForbidden}
}

// answerWrite answers a write: back to the page with a notice, the form
// again with its errors, or the conflict page.
func (s *Server) answerWrite(c *fiber.Ctx, st *editState, res edit.Result, err error, notice string) error {
	var conflict *edit.ConflictError
	var invalid *content.ValidationError
	switch {
	case err == nil:
	case errors.As(err, &conflict):
		return s.renderConflict(c, st, conflict)
	case errors.As(err, &invalid):
		st.Problems = invalid.Problems
		return s.renderEdit(c, fiber.StatusUnprocessableEntity, st)
	case errors.Is(err, edit.ErrForbidden):
		return s.forbidden()
	default:
		return err
	}
	switch {
	case res.Unchanged:
		notice = s.t("edit.unchanged")
	case res.Merged:
		notice = s.mergedNotice(c, st.Base, res)
	default:
		notice = s.t(notice)
	}
	s.setFlash(c, notice)
	return c.Redirect(res.Path.URL(), fiber.StatusSeeOther)
}

// mergedNotice names who made the changes merged with the person's own:
// the authors of the page's commits after the form's base.
func (s *Server) mergedNotice(c *fiber.Ctx, base content.Revision, res edit.Result) string {
	ctx := c.UserContext()
	from, err := s.cfg.Store.CommitInfo(ctx, base)
	history, herr := s.cfg.Store.History(ctx, res.Path.File(), 20)
	if err != nil || herr != nil {
		return s.t("edit.merged.anonymous")
	}
	var names []string
	for _, cm := range history {
		if cm.Revision == res.Revision || !cm.When.After(from.When) {
			continue
		}
		if n := cm.Author.Name; n != "" && !contains(names, n) {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return s.t("edit.merged.anonymous")
	}
	return s.t("edit.merged", strings.Join(names, ", "))
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// showAgain reports whether a posted edit form is only shown again, and
// with which status: its preview button (200), or a base revision that no
// longer exists, which st.Notice explains (409).
func showAgain(c *fiber.Ctx, st *editState) (status int, shown bool) {
	if c.FormValue("_action") != "preview" && st.Notice == "" {
		return 0, false
	}
	st.Preview = true
	if st.Notice != "" {
		return fiber.StatusConflict, true
	}
	return fiber.StatusOK, true
}
