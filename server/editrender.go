package server

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/accounts"
	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/editform"
)

// renderEdit shows the edit form of a state: the file's values the first
// time, the person's input afterwards, with its errors and preview.
func (s *Server) renderEdit(c *fiber.Ctx, status int, st *editState) error {
	kind := st.Path.Kind()
	s.prepareForm(st)
	d := s.editData(c, st)
	s.layoutForm(st, &d)
	title := s.t("edit.title", s.pageTitle(st))
	if st.Create {
		title = s.t("edit.title.new." + string(kind))
	}
	v := s.view(c, title, d)
	v.NoIndex = true
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, status, "edit", v)
}

// prepareForm fills a fresh state from its file: the form's values, or
// the source text when the form is in source mode (or cannot edit the
// file's front matter).
func (s *Server) prepareForm(st *editState) {
	if !st.Source && !st.Posted {
		if err := st.fromFile(st.Path.Kind()); err != nil {
			st.Source, st.Notice = true, s.t("edit.error.frontmatter")
		}
	}
	if st.Source && st.Text == "" && !st.Posted {
		st.Text = string(st.Raw)
	}
}

// layoutForm lays out the fields of a state in d, with their errors, the
// opening hours read back and the preview. The edit and the proposal
// pages share it.
func (s *Server) layoutForm(st *editState, d *editView) {
	kind := st.Path.Kind()
	errs := s.problemsByField(kind, st, d)
	if !st.Source {
		d.Sections = s.formSections(kind, st.Vals, errs)
		d.Hours, d.HoursError = s.hoursPreview(st.Vals.First("horaires_accueil"))
	}
	d.Errors = append(d.Errors, formErrors(d.Sections)...)
	if st.Preview {
		body := st.Body
		if st.Source {
			if f, err := editform.Split([]byte(st.Text)); err == nil {
				body = f.Body
			}
		}
		d.Preview, d.Previewed = s.previewHTML(body), true
	}
}

// fromFile fills a fresh state's values from its file.
func (st *editState) fromFile(kind content.Kind) error {
	if st.Raw == nil {
		st.Vals = editform.Values{}
		return nil
	}
	f, err := editform.Split(st.Raw)
	if err != nil {
		return err
	}
	st.Vals, st.Body = f.Read(editform.Fields(kind)), f.Body
	return nil
}

func (s *Server) editData(c *fiber.Ctx, st *editState) editView {
	p := st.Path
	d := editView{Base: string(st.Base), Source: st.Source, Create: st.Create, Slug: st.Slug, SlugError: st.SlugErr,
		Body: st.Body, Text: st.Text, Summary: st.Summary, Notice: st.Notice, SaveLabel: s.t("edit.save")}
	if st.Create {
		d.Action = "/" + string(p.Kind()) + "/nouveau"
		if q := c.Request().URI().QueryString(); len(q) > 0 {
			d.Action += "?" + string(q)
		}
		d.SaveLabel = s.t("edit.create")
		d.PreviewURL = "/" + string(p.Kind()) + "/apercu"
		d.Crumbs = []crumb{kindCrumb(s, p.Kind()), {Label: s.t("edit.title.new." + string(p.Kind()))}}
		return d
	}
	d.PageURL = p.URL()
	d.Action = p.URL() + "/modifier"
	d.PreviewURL = p.URL() + "/apercu"
	d.PresenceURL = p.URL() + "/presence"
	d.SourceURL = d.Action + "?mode=source"
	if p.Kind() != content.KindPage {
		d.FormURL = d.Action
	}
	d.Crumbs = []crumb{kindCrumb(s, p.Kind()), {Label: s.pageTitle(st), URL: p.URL()}, {Label: s.t("edit.crumb")}}
	if u := s.currentUser(c); u != nil {
		d.Others = s.presence.join(p, presenceKey(u), u.Name, s.now())
	}
	return d
}

// pageTitle is the page's name for titles: as in the catalogue, else its slug.
func (s *Server) pageTitle(st *editState) string {
	if doc, ok := s.live.catalog().Doc(st.Path); ok {
		return doc.Title()
	}
	return st.Path.Slug()
}

// problemsByField ties validation problems to the form's fields: those of
// a field go next to it, the others to the body or source text.
func (s *Server) problemsByField(kind content.Kind, st *editState, d *editView) map[string]string {
	errs := map[string]string{}
	var other []string
	for _, pr := range st.Problems {
		if pr.Warning {
			continue
		}
		key := s.problemKey(kind, pr)
		if st.Source || key == "" {
			msg := pr.Message
			if st.Source && pr.Line > 0 {
				msg = s.t("edit.error.line", pr.Line, msg)
			}
			other = append(other, msg)
			continue
		}
		if errs[key] != "" {
			errs[key] += " "
		}
		errs[key] += pr.Message
	}
	if len(other) > 0 {
		joined := strings.Join(other, " ")
		id := "champ-corps"
		if st.Source {
			d.SourceError, id = joined, "champ-source"
		} else {
			d.BodyError = joined
		}
		for _, m := range other {
			d.Errors = append(d.Errors, formError{ID: id, Message: m})
		}
	}
	return errs
}

// problemKey is the form field a problem belongs to, "" when none.
func (s *Server) problemKey(kind content.Kind, pr content.Problem) string {
	key := pr.Field
	if key == "pro" {
		key = "pro.notes"
		for _, k := range []string{"pro.telephone", "pro.courriel"} {
			if strings.HasPrefix(pr.Message, k) {
				key = k
			}
		}
	}
	if _, ok := editform.Lookup(kind, key); ok {
		return key
	}
	return ""
}

// formErrors lists the fields' errors in form order, each linked to its
// input (the first box of a group).
func formErrors(sections []formSection) []formError {
	var out []formError
	for _, sec := range sections {
		for _, f := range sec.Fields {
			if f.Error == "" {
				continue
			}
			id := f.ID
			switch {
			case len(f.Options) > 0:
				id = f.Options[0].ID
			case len(f.Groups) > 0 && len(f.Groups[0].Options) > 0:
				id = f.Groups[0].Options[0].ID
			case len(f.Rows) > 0:
				id = f.Rows[0].ID + "-du"
			}
			out = append(out, formError{ID: id, Message: f.Error})
		}
	}
	return out
}

// hoursPreview reads opening hours back in French, day by day.
func (s *Server) hoursPreview(hours string) ([]dayHours, string) {
	if hours == "" {
		return nil, ""
	}
	if _, err := content.ParseOpeningHours(hours); err != nil {
		return nil, s.t("edit.hours.invalid", err.Error())
	}
	return s.week(hours), ""
}

// previewHTML renders a Markdown body as the page would show it (wiki
// links resolved against the current catalogue, HTML sanitised).
func (s *Server) previewHTML(body string) template.HTML {
	cat := s.live.catalog()
	html, err := s.renderer.Render(body, func(p content.Path) bool { _, ok := cat.Doc(p); return ok })
	if err != nil {
		return template.HTML(template.HTMLEscapeString(body))
	}
	return template.HTML(html)
}

// presenceKey identifies a person in the presence registry.
func presenceKey(u *accounts.User) string { return strconv.FormatInt(u.ID, 10) }
