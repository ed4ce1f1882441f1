package server

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/edit"
	"github.com/aiguillage/aiguillage/editform"
	"github.com/aiguillage/aiguillage/proposals"
)

// A signed-in person who may not edit a service or structure (an agent, or
// an editor of another structure) proposes a new version of its file with
// the edit form itself: the same fields, helpers, preview and source mode,
// plus a summary. The page's editors review it at /propositions.

// proposeView is the proposal page: the edit form's view, with the
// proposal's own summary field.
type proposeView struct {
	editView
	SummaryError string
	MaxSummary   int
	EditURL      string // set when the person may edit the page directly
}

// proposalErrors are the errors of a proposal beyond the form's fields.
type proposalErrors struct {
	Summary string // the summary is missing or too long
	Text    string // the proposed file as a whole: too large, or unchanged
}

// proposalTarget finds the page of a proposal route, and its file at the
// catalogue's revision.
func (s *Server) proposalTarget(c *fiber.Ctx) (*content.Document, content.Revision, []byte, error) {
	if s.cfg.Proposals == nil {
		return nil, "", nil, fiber.ErrNotFound
	}
	p, err := pathParam(c)
	if err != nil {
		return nil, "", nil, err
	}
	cat := s.live.catalog()
	doc, ok := cat.Doc(p)
	if !ok {
		return nil, "", nil, content.ErrNotFound
	}
	f, err := s.cfg.Store.ReadFile(c.UserContext(), cat.Revision(), doc.Path.File())
	if err != nil {
		return nil, "", nil, err
	}
	return doc, cat.Revision(), f.Data, nil
}

// showPropose serves the proposal form, filled from the page's file.
func (s *Server) showPropose(c *fiber.Ctx) error {
	who := s.person(c)
	if who == nil {
		return s.errSignIn()
	}
	doc, rev, raw, err := s.proposalTarget(c)
	if err != nil {
		return err
	}
	st := &editState{Path: doc.Path, Base: rev, Raw: raw, Source: c.Query("mode") == "source" || doc.Path.Kind() == content.KindPage}
	return s.renderPropose(c, fiber.StatusOK, st, proposalErrors{})
}

// sendPropose stores a proposal, or shows the form again: with its preview,
// or with its errors (nothing stored).
func (s *Server) sendPropose(c *fiber.Ctx) error {
	who := s.person(c)
	if who == nil {
		return s.errSignIn()
	}
	doc, _, raw, err := s.proposalTarget(c)
	if err != nil {
		return err
	}
	if edit.CanEdit(who.actor(), doc.Path, raw) {
		// Their own page: they edit it, nobody has to review it.
		return &httpError{status: fiber.StatusForbidden, code: "may_edit", message: s.t("propose.can_edit")}
	}
	st, err := s.readProposal(c, doc.Path)
	if err != nil {
		return err
	}
	if status, shown := showAgain(c, st); shown {
		return s.renderPropose(c, status, st, proposalErrors{})
	}
	file, errs, err := s.checkProposal(st)
	if err != nil {
		return err
	}
	if errs != (proposalErrors{}) || hasErrors(st.Problems) {
		return s.renderPropose(c, fiber.StatusUnprocessableEntity, st, errs)
	}
	p, err := s.cfg.Proposals.Propose(c.UserContext(), proposals.Draft{
		Kind: proposals.Modification, Path: doc.Path, Base: st.Base, Author: who.author(), Account: who.ID,
		Summary: st.Summary, File: file,
	})
	if errors.Is(err, proposals.ErrUnchanged) {
		return s.renderPropose(c, fiber.StatusUnprocessableEntity, st, proposalErrors{Text: s.t("propose.error.unchanged")})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/propositions/"+p.ID+"?envoyee=1", fiber.StatusSeeOther)
}

// readProposal reads a posted proposal form and the file it was based on.
// Besides the edit form's names, it takes the whole file as "texte" (the
// source form of earlier versions, and scripts that post a file).
func (s *Server) readProposal(c *fiber.Ctx, p content.Path) (*editState, error) {
	raw := formValues(c, "texte")
	st := &editState{Path: p, Posted: true, Source: c.FormValue("_mode") == "source" || len(raw) > 0 || p.Kind() == content.KindPage,
		Summary: strings.TrimSpace(c.FormValue("resume")), Body: formText(c.FormValue("_body")), Text: formText(c.FormValue("_source"))}
	if len(raw) > 0 {
		st.Text = formText(raw[0])
	}
	st.Vals = editform.FromForm(editform.Fields(p.Kind()), func(k string) []string { return formValues(c, k) })
	return st, s.readBase(c, st, c.FormValue("base"))
}

// checkProposal builds the proposed file exactly as the edit form would
// save it, and checks it and the summary: the file's validation problems
// go to st.Problems (tied to the form's fields when shown), the others to
// the errors returned. The error is for a form the server cannot apply.
func (s *Server) checkProposal(st *editState) ([]byte, proposalErrors, error) {
	var errs proposalErrors
	switch {
	case st.Summary == "":
		errs.Summary = s.t("propose.error.summary")
	case len(st.Summary) > proposals.MaxSummary || !utf8.ValidString(st.Summary):
		errs.Summary = s.t("propose.error.summary_long", proposals.MaxSummary)
	}
	s.fillCommune(st)
	file, err := st.compose(st.Path.Kind())
	if err != nil {
		return nil, errs, s.unreadable(err)
	}
	if len(file) > content.MaxFileSize {
		errs.Text = s.t("propose.error.too_large")
		return file, errs, nil
	}
	st.Problems = s.draftProblems(st.Path, file)
	return file, errs, nil
}

// draftProblems validates a proposed file as a save would: content's
// checks, and for a service, that its structure exists (at the catalogue's
// revision; the accept checks again at the tip).
func (s *Server) draftProblems(p content.Path, file []byte) []content.Problem {
	doc, problems := content.Parse(p.File(), file, s.cfg.Refs)
	if doc != nil && doc.Service != nil {
		if _, ok := s.live.catalog().Doc(content.Path(string(content.KindStructure) + "/" + doc.Service.Structure)); !ok {
			problems = append(problems, content.MissingStructureProblem(p.File(), doc.Service.Structure))
		}
	}
	return problems
}

// renderPropose shows the proposal form of a state, with its errors.
func (s *Server) renderPropose(c *fiber.Ctx, status int, st *editState, errs proposalErrors) error {
	s.prepareForm(st)
	d := proposeView{editView: s.proposeData(st), MaxSummary: proposals.MaxSummary}
	s.layoutForm(st, &d.editView)
	if errs.Text != "" {
		if st.Source {
			d.SourceError = strings.TrimSpace(d.SourceError + " " + errs.Text)
			d.Errors = append(d.Errors, formError{ID: "champ-source", Message: errs.Text})
		} else {
			d.Errors = append([]formError{{Message: errs.Text}}, d.Errors...)
		}
	}
	if errs.Summary != "" {
		d.SummaryError = errs.Summary
		d.Errors = append(d.Errors, formError{ID: "resume", Message: errs.Summary})
	}
	if who := s.person(c); who != nil && edit.CanEdit(who.actor(), st.Path, st.Raw) {
		d.EditURL = st.Path.URL() + "/modifier"
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	v := s.view(c, s.t("propose.title", s.pageTitle(st)), d)
	v.NoIndex = true
	return s.render(c, status, "propose", v)
}

// proposeData is the edit view of a proposal: its links and what the
// person typed.
func (s *Server) proposeData(st *editState) editView {
	p := st.Path
	d := editView{Base: string(st.Base), Source: st.Source, Body: st.Body, Text: st.Text, Summary: st.Summary, Notice: st.Notice,
		PageURL: p.URL(), Action: p.URL() + "/proposer", PreviewURL: p.URL() + "/apercu", SaveLabel: s.t("propose.send")}
	d.SourceURL = d.Action + "?mode=source"
	if p.Kind() != content.KindPage {
		d.FormURL = d.Action
	}
	d.Crumbs = []crumb{kindCrumb(s, p.Kind()), {Label: s.pageTitle(st), URL: p.URL()}, {Label: s.t("propose.crumb")}}
	return d
}

// hasErrors reports whether problems holds more than warnings.
func hasErrors(problems []content.Problem) bool {
	for _, p := range problems {
		if !p.Warning {
			return true
		}
	}
	return false
}
