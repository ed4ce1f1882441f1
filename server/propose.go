package server

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/edit"
	"github.com/aiguillage/aiguillage/proposals"
)

// A signed-in person who may not edit a service or structure (an agent, or
// an editor of another structure) proposes a new version of its file: the
// source editor (front matter and Markdown) with a summary. The page's
// editors review it at /propositions.

type proposeView struct {
	Page         link
	Crumbs       []crumb
	Base         string
	Text         string
	Summary      string
	Errors       []fieldError
	TextError    string
	SummaryError string
	Problems     []content.Problem
	EditURL      string // set when the person may edit the page directly
	MaxSummary   int
}

// proposalTarget finds the page of a proposal route, and its file at the
// catalogue's revision.
func (s *Server) proposalTarget(c *fiber.Ctx) (*content.Document, []byte, error) {
	if s.cfg.Proposals == nil {
		return nil, nil, fiber.ErrNotFound
	}
	p, err := pathParam(c)
	if err != nil {
		return nil, nil, err
	}
	cat := s.live.catalog()
	doc, ok := cat.Doc(p)
	if !ok {
		return nil, nil, content.ErrNotFound
	}
	f, err := s.cfg.Store.ReadFile(c.UserContext(), cat.Revision(), doc.Path.File())
	if err != nil {
		return nil, nil, err
	}
	return doc, f.Data, nil
}

func (s *Server) newProposeView(doc *content.Document) proposeView {
	page := link{Title: doc.Title(), URL: doc.Path.URL()}
	return proposeView{Page: page, MaxSummary: proposals.MaxSummary,
		Crumbs: []crumb{kindCrumb(s, doc.Path.Kind()), {Label: page.Title, URL: page.URL}, {Label: s.t("propose.crumb")}}}
}

func (s *Server) showPropose(c *fiber.Ctx) error {
	who := s.person(c)
	if who == nil {
		return s.errSignIn()
	}
	doc, raw, err := s.proposalTarget(c)
	if err != nil {
		return err
	}
	data := s.newProposeView(doc)
	data.Base, data.Text = string(s.live.catalog().Revision()), string(raw)
	if edit.CanEdit(who.actor(), doc.Path, raw) {
		data.EditURL = doc.Path.URL() + "/modifier"
	}
	return s.renderPropose(c, fiber.StatusOK, doc, data)
}

func (s *Server) renderPropose(c *fiber.Ctx, status int, doc *content.Document, data proposeView) error {
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	v := s.view(c, s.t("propose.title", doc.Title()), data)
	v.NoIndex = true
	return s.render(c, status, "propose", v)
}

func (s *Server) sendPropose(c *fiber.Ctx) error {
	who := s.person(c)
	if who == nil {
		return s.errSignIn()
	}
	doc, raw, err := s.proposalTarget(c)
	if err != nil {
		return err
	}
	if edit.CanEdit(who.actor(), doc.Path, raw) {
		// Their own page: they edit it, nobody has to review it.
		return &httpError{status: fiber.StatusForbidden, code: "may_edit", message: s.t("propose.can_edit")}
	}
	base, err := revisionParam(c.FormValue("base"))
	if err != nil {
		return err
	}
	data := s.newProposeView(doc)
	data.Base = string(base)
	data.Text = strings.ReplaceAll(c.FormValue("texte"), "\r\n", "\n")
	data.Summary = strings.TrimSpace(c.FormValue("resume"))
	if s.checkProposal(&data, doc.Path) {
		return s.renderPropose(c, fiber.StatusUnprocessableEntity, doc, data)
	}
	p, err := s.cfg.Proposals.Propose(c.UserContext(), proposals.Draft{
		Kind: proposals.Modification, Path: doc.Path, Base: base, Author: who.author(), Account: who.ID,
		Summary: data.Summary, File: []byte(data.Text),
	})
	if errors.Is(err, proposals.ErrUnchanged) {
		data.TextError = s.t("propose.error.unchanged")
		data.Errors = []fieldError{{Field: "texte", Message: data.TextError}}
		return s.renderPropose(c, fiber.StatusUnprocessableEntity, doc, data)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/propositions/"+p.ID+"?envoyee=1", fiber.StatusSeeOther)
}

// checkProposal sets the errors of a proposal form and reports whether
// there are any: a summary, a file of acceptable size that validates.
func (s *Server) checkProposal(data *proposeView, p content.Path) bool {
	switch {
	case data.Summary == "":
		data.SummaryError = s.t("propose.error.summary")
	case len(data.Summary) > proposals.MaxSummary || !utf8.ValidString(data.Summary):
		data.SummaryError = s.t("propose.error.summary_long", proposals.MaxSummary)
	}
	if data.SummaryError != "" {
		data.Errors = append(data.Errors, fieldError{Field: "resume", Message: data.SummaryError})
	}
	if len(data.Text) > content.MaxFileSize {
		data.TextError = s.t("propose.error.too_large")
	} else if _, problems := content.Parse(p.File(), []byte(data.Text), s.cfg.Refs); hasErrors(problems) {
		data.Problems = problems
		data.TextError = s.t("propose.error.invalid")
	}
	if data.TextError != "" {
		data.Errors = append(data.Errors, fieldError{Field: "texte", Message: data.TextError})
	}
	return len(data.Errors) > 0
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
