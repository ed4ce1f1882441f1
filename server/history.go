package server

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/proposals"
)

const (
	historyPageSize = 50
	historyMax      = 1000
)

// commitView is a commit as the history pages show it.
type commitView struct {
	Revision content.Revision
	Short    string
	Parent   content.Revision
	Author   string
	When     time.Time
	Message  string
	Pages    []link
	More     int // changed files not listed
}

type historyView struct {
	Page      link
	Crumbs    []crumb
	Commits   []commitView
	More      bool
	NextLimit int
	Revert    bool // the reader may write an earlier version back (a button a row)
}

// pageRef names the page of a history route, whether or not it still
// exists at the tip: the history of a deleted page stays readable.
func (s *Server) pageRef(c *fiber.Ctx) (content.Path, link, []crumb, error) {
	p, err := pathParam(c)
	if err != nil {
		return "", link{}, nil, err
	}
	title := p.Slug()
	if doc, ok := s.live.catalog().Doc(p); ok {
		title = doc.Title()
	}
	page := link{Title: title, URL: p.URL()}
	return p, page, []crumb{kindCrumb(s, p.Kind()), {Label: title, URL: p.URL()}}, nil
}

func (s *Server) showHistory(c *fiber.Ctx) error {
	p, page, crumbs, err := s.pageRef(c)
	if err != nil {
		return err
	}
	limit := clampInt(c.QueryInt("limite", historyPageSize), 1, historyMax)
	commits, err := s.cfg.Store.History(c.UserContext(), p.File(), limit+1)
	if err != nil {
		return err
	}
	if len(commits) == 0 {
		return content.ErrNotFound
	}
	data := historyView{Page: page, Crumbs: append(crumbs, crumb{Label: s.t("page.history")})}
	if len(commits) > limit {
		commits, data.More, data.NextLimit = commits[:limit], true, clampInt(limit*2, 1, historyMax)
	}
	for _, cm := range commits {
		data.Commits = append(data.Commits, s.commitView(cm))
	}
	data.Revert = len(commits) > 1 && s.mayRevert(c, p, commits[1].Revision)
	v := s.view(c, s.t("history.title", page.Title), data)
	v.NoIndex = true
	return s.render(c, fiber.StatusOK, "history", v)
}

func (s *Server) commitView(cm content.Commit) commitView {
	return commitView{
		Revision: cm.Revision, Short: cm.Revision.Short(), Parent: cm.Parent,
		Author: cm.Author.Name, When: cm.When.In(s.paris), Message: cm.Message,
	}
}

type revisionView struct {
	Page    link
	Crumbs  []crumb
	Commit  commitView
	HTML    any
	Source  string
	Deleted bool
}

func (s *Server) showRevision(c *fiber.Ctx) error {
	p, page, crumbs, err := s.pageRef(c)
	if err != nil {
		return err
	}
	rev, err := revisionParam(c.Params("rev"))
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	commit, err := s.branchCommit(ctx, rev)
	if err != nil {
		return err
	}
	data := revisionView{Page: page, Commit: s.commitView(commit),
		Crumbs: append(crumbs, crumb{Label: s.t("page.history"), URL: p.URL() + "/historique"}, crumb{Label: commit.Revision.Short()})}
	status := fiber.StatusOK
	file, err := s.cfg.Store.ReadFile(ctx, rev, p.File())
	switch {
	case errors.Is(err, content.ErrNotFound):
		// The page did not exist at rev: say so, with a 404 status.
		data.Deleted, status = true, fiber.StatusNotFound
	case err != nil:
		return err
	default:
		cat := s.live.catalog()
		doc, _ := content.Parse(file.Name, file.Data, s.cfg.Refs)
		if doc != nil {
			html, err := s.renderBody(cat.Catalog, doc)
			if err != nil {
				return err
			}
			data.HTML = html
		}
		data.Source = s.readableSource(c, file.Data)
	}
	v := s.view(c, s.t("revision.title", page.Title, commit.Revision.Short()), data)
	v.NoIndex = true
	v.Edit = s.revertLinks(c, p, rev, file.Data)
	return s.render(c, status, "revision", v)
}

type diffView struct {
	Page     link
	Crumbs   []crumb
	From, To string
	Hunks    [][]diffLineView
}

type diffLineView struct {
	Class    string // "ajout", "retrait" or "contexte"
	Old, New string
	Text     string
}

func (s *Server) showDiff(c *fiber.Ctx) error {
	p, page, crumbs, err := s.pageRef(c)
	if err != nil {
		return err
	}
	from, err := revisionParam(c.Query("de"))
	if err != nil {
		return err
	}
	to, err := revisionParam(c.Query("a"))
	if err != nil {
		return err
	}
	before, err := s.readableText(c, from, p)
	if err != nil {
		return err
	}
	after, err := s.readableText(c, to, p)
	if err != nil {
		return err
	}
	data := diffView{Page: page, From: from.Short(), To: to.Short(),
		Crumbs: append(crumbs, crumb{Label: s.t("page.history"), URL: p.URL() + "/historique"}, crumb{Label: s.t("diff.caption")})}
	for _, h := range content.Hunks(content.DiffLines(before, after), 3) {
		data.Hunks = append(data.Hunks, diffLines(h.Lines))
	}
	v := s.view(c, s.t("diff.title", page.Title), data)
	v.NoIndex = true
	return s.render(c, fiber.StatusOK, "diff", v)
}

func diffLines(lines []content.DiffLine) []diffLineView {
	out := make([]diffLineView, len(lines))
	for i, l := range lines {
		d := diffLineView{Class: "contexte", Text: l.Text}
		switch l.Op {
		case content.DiffInsert:
			d.Class = "ajout"
		case content.DiffDelete:
			d.Class = "retrait"
		}
		if l.OldLine > 0 {
			d.Old = strconv.Itoa(l.OldLine)
		}
		if l.NewLine > 0 {
			d.New = strconv.Itoa(l.NewLine)
		}
		out[i] = d
	}
	return out
}

// fileLink links a changed file to its page if it still exists.
func fileLink(cat *content.Catalog, name string) link {
	p, ok := content.PathFromFile(name)
	if !ok {
		return link{Title: name}
	}
	if d, ok := cat.Doc(p); ok {
		return link{Title: d.Title(), URL: p.URL()}
	}
	return link{Title: string(p)}
}

// revisionParam accepts a full hexadecimal commit hash only: abbreviations
// are ambiguous and anything else is not a revision.
// branchCommit is the commit rev names, unless it is a proposal's: those
// live off the branch and may carry a reporter's contact, so the history
// views answer as for a revision that does not exist.
func (s *Server) branchCommit(ctx context.Context, rev content.Revision) (content.Commit, error) {
	commit, err := s.cfg.Store.CommitInfo(ctx, rev)
	if err != nil {
		return content.Commit{}, err
	}
	if proposals.IsProposal(commit.Message) {
		return content.Commit{}, fmt.Errorf("server: revision %s is a proposal's: %w", rev.Short(), content.ErrNotFound)
	}
	return commit, nil
}

func revisionParam(s string) (content.Revision, error) {
	if len(s) != 40 && len(s) != 64 {
		return "", badParam("bad_revision", "param.bad_revision")
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return "", badParam("bad_revision", "param.bad_revision")
		}
	}
	return content.Revision(s), nil
}

func clampInt(v, min, max int) int {
	if v < min {
		return min
	}
	if v > max {
		return max
	}
	return v
}

// readableText is a page file's text at rev as the reader may see it;
// "" when the page did not exist at rev.
func (s *Server) readableText(c *fiber.Ctx, rev content.Revision, p content.Path) (string, error) {
	ctx := c.UserContext()
	if _, err := s.branchCommit(ctx, rev); err != nil {
		return "", err
	}
	f, err := s.cfg.Store.ReadFile(ctx, rev, p.File())
	if errors.Is(err, content.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return s.readableSource(c, f.Data), nil
}
