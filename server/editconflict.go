package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/edit"
)

// conflictView is the conflict page: the person's text, editable, beside
// the version saved meanwhile with the conflicting lines marked.
type conflictView struct {
	Crumbs          []crumb
	Action, PageURL string
	Base            string
	By              string
	Keys            []string
	Yours           string
	Theirs          []conflictLine
	Summary         string
}

type conflictLine struct {
	Text     string
	Conflict bool
}

// renderConflict shows a conflict; saving from it is based on the new tip,
// so the person's resolved text replaces what is there now.
func (s *Server) renderConflict(c *fiber.Ctx, st *editState, ce *edit.ConflictError) error {
	p := st.Path
	title := s.pageTitle(st)
	cv := conflictView{Action: p.URL() + "/modifier", PageURL: p.URL(), Base: string(ce.Head), Yours: string(ce.Ours), Summary: st.Summary,
		Crumbs: []crumb{kindCrumb(s, p.Kind()), {Label: title, URL: p.URL()}, {Label: s.t("edit.crumb")}}}
	if h, err := s.cfg.Store.History(c.UserContext(), p.File(), 1); err == nil && len(h) > 0 {
		cv.By = h[0].Author.Name
	}
	for _, cf := range ce.Conflicts {
		key := cf.Field
		if key == "" {
			key = s.t("edit.conflict.body")
		}
		if !contains(cv.Keys, key) {
			cv.Keys = append(cv.Keys, key)
		}
	}
	cv.Theirs = markConflicts(string(ce.Theirs), ce.Conflicts)
	v := s.view(c, s.t("edit.conflict.title", title), cv)
	v.NoIndex = true
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, fiber.StatusConflict, "conflict", v)
}

// markConflicts splits a file into lines and marks those of the
// conflicting keys (the key's line and its indented continuation) and of
// the conflicting body hunks.
func markConflicts(text string, conflicts []content.MergeConflict) []conflictLine {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	out := make([]conflictLine, len(lines))
	bodyStart := len(lines)
	for i, l := range lines {
		out[i].Text = l
		if i > 0 && strings.TrimRight(l, " \t") == "---" && bodyStart == len(lines) {
			bodyStart = i + 1
		}
	}
	for _, cf := range conflicts {
		if cf.Field != "" {
			markKey(out[:min(bodyStart, len(out))], cf.Field)
			continue
		}
		markHunk(out[bodyStart:], cf.Theirs)
	}
	return out
}

// markKey marks a front matter key's lines; "pro.notes" is the notes line
// inside the pro block.
func markKey(lines []conflictLine, field string) {
	parent, sub, nested := strings.Cut(field, ".")
	indent, key := "", field
	from := 0
	if nested {
		for i, l := range lines {
			if strings.HasPrefix(l.Text, parent+":") {
				from = i + 1
				break
			}
		}
		indent, key = "  ", sub
	}
	for i := from; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i].Text, indent+key+":") {
			continue
		}
		lines[i].Conflict = true
		for j := i + 1; j < len(lines); j++ {
			t := lines[j].Text
			if !strings.HasPrefix(t, indent+" ") && !strings.HasPrefix(t, indent+"-") {
				break
			}
			lines[j].Conflict = true
		}
		return
	}
}

// markHunk marks the body lines of the other version that the hunk holds.
func markHunk(body []conflictLine, theirs string) {
	want := strings.Split(strings.TrimSuffix(theirs, "\n"), "\n")
	if theirs == "" || len(want) > len(body) {
		return
	}
	for i := 0; i+len(want) <= len(body); i++ {
		match := true
		for j, w := range want {
			if body[i+j].Text != w {
				match = false
				break
			}
		}
		if match {
			for j := range want {
				body[i+j].Conflict = true
			}
			return
		}
	}
}
