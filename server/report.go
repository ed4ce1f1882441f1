package server

import (
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/proposals"
)

// The public reports an error on a service or structure page with a short
// form: what is wrong, and an optional way to be contacted. Reports become
// proposals of kind "signalement" (see package proposals); the contact is
// shown to the page's editors only.

const (
	reportMaxText    = 2000 // characters
	reportMaxContact = 200  // characters
	reportPurpose    = "signalement"
)

// fieldError is a form field's error, for the summary and the field.
type fieldError struct {
	Field   string // id of the field, "" for the whole form
	Message string
}

type reportView struct {
	Page          link
	Crumbs        []crumb
	Stamp         string
	Honeypot      string // the honeypot's field name
	Text, Contact string
	Errors        []fieldError
	TextError     string
	ContactError  string
	Sent          bool
	MaxText       int
}

// reportPage finds the service or structure of a report route.
func (s *Server) reportPage(c *fiber.Ctx) (*content.Document, error) {
	if s.cfg.Proposals == nil {
		return nil, fiber.ErrNotFound
	}
	p, err := pathParam(c)
	if err != nil {
		return nil, err
	}
	doc, ok := s.live.catalog().Doc(p)
	if !ok || (doc.Service == nil && doc.Structure == nil) {
		return nil, content.ErrNotFound
	}
	return doc, nil
}

func (s *Server) showReport(c *fiber.Ctx) error {
	doc, err := s.reportPage(c)
	if err != nil {
		return err
	}
	data := s.newReportView(doc)
	data.Sent = c.Query("envoye") == "1"
	return s.renderReport(c, fiber.StatusOK, doc, data)
}

func (s *Server) newReportView(doc *content.Document) reportView {
	page := link{Title: doc.Title(), URL: doc.Path.URL()}
	return reportView{
		Page: page, Honeypot: honeypotName, MaxText: reportMaxText,
		Crumbs: []crumb{kindCrumb(s, doc.Path.Kind()), {Label: page.Title, URL: page.URL}, {Label: s.t("report.crumb")}},
		Stamp:  s.spam.stamp(reportPurpose, s.now()),
	}
}

func (s *Server) renderReport(c *fiber.Ctx, status int, doc *content.Document, data reportView) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	v := s.view(c, s.t("report.title", doc.Title()), data)
	v.NoIndex = true
	return s.render(c, status, "report", v)
}

func (s *Server) sendReport(c *fiber.Ctx) error {
	doc, err := s.reportPage(c)
	if err != nil {
		return err
	}
	data := s.newReportView(doc)
	data.Text = strings.TrimSpace(c.FormValue("texte"))
	data.Contact = strings.TrimSpace(c.FormValue("contact"))
	now := s.now()
	if err := s.spam.check(reportPurpose, c.FormValue("horodatage"), c.FormValue(honeypotName), now); err != nil {
		data.Errors = []fieldError{{Message: s.t(err.(spamError).key)}}
		return s.renderReport(c, fiber.StatusUnprocessableEntity, doc, data)
	}
	if s.checkReportFields(&data) {
		return s.renderReport(c, fiber.StatusUnprocessableEntity, doc, data)
	}
	d := proposals.Draft{Kind: proposals.Report, Path: doc.Path, Base: s.live.catalog().Revision(),
		Author: content.Author{Name: s.t("repository.report.author")}, Text: data.Text, Contact: data.Contact}
	// Signed-in people report under their name, and answer for it: the
	// limit per address is for the public.
	if who := s.person(c); who != nil {
		d.Author, d.Account = who.author(), who.ID
	} else if !s.spam.allow(s.clientIP(c), now) {
		data.Errors = []fieldError{{Message: s.t(errSpamRate.key)}}
		return s.renderReport(c, fiber.StatusTooManyRequests, doc, data)
	}
	_, err = s.cfg.Proposals.Propose(c.UserContext(), d)
	if err != nil {
		return err
	}
	return c.Redirect(doc.Path.URL()+"/signaler?envoye=1", fiber.StatusSeeOther)
}

// checkReportFields sets the errors of the report's fields and reports
// whether there are any.
func (s *Server) checkReportFields(data *reportView) bool {
	switch n := utf8.RuneCountInString(data.Text); {
	case n == 0:
		data.TextError = s.t("report.error.empty")
	// The queue bounds bytes: text in a script of three-byte letters
	// reaches its limit before ours in characters.
	case n > reportMaxText || len(data.Text) > proposals.MaxText || !utf8.ValidString(data.Text):
		data.TextError = s.t("report.error.too_long", reportMaxText)
	}
	if utf8.RuneCountInString(data.Contact) > reportMaxContact || len(data.Contact) > proposals.MaxContact || !utf8.ValidString(data.Contact) {
		data.ContactError = s.t("report.error.contact_long", reportMaxContact)
	}
	if data.TextError != "" {
		data.Errors = append(data.Errors, fieldError{Field: "texte", Message: data.TextError})
	}
	if data.ContactError != "" {
		data.Errors = append(data.Errors, fieldError{Field: "contact", Message: data.ContactError})
	}
	return len(data.Errors) > 0
}
