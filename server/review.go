package server

import (
	"context"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/edit"
	"github.com/aiguillage/aiguillage/proposals"
)

// The review queue: a page's editors (edit.Allowed on its file) and the
// administrators see the proposals and reports of the pages they edit,
// accept a proposal (saved through edit.Save, credited to the proposer,
// merged when the page moved on), decline it with a reason, or close a
// report with a note. Proposers follow theirs at /propositions/mes.

// proposalRow is a proposal in a list.
type proposalRow struct {
	ID, URL   string
	Page      link
	Kind      string // label of the kind
	Report    bool
	Summary   string
	Author    string
	When      time.Time
	Status    string // label of the status
	StatusKey proposals.Status
}

type queueView struct {
	Rows   []proposalRow
	Mine   bool
	Status string // the status shown; "" for all
	Tabs   []queueTab
}

type queueTab struct {
	Label, URL string
	Current    bool
}

// rights reads, for one request, whether a person may review proposals on
// a page, caching the answer per page.
type rights struct {
	s     *Server
	ctx   context.Context
	who   *person
	rev   content.Revision
	cache map[content.Path]bool
}

func (s *Server) rightsOf(ctx context.Context, who *person) *rights {
	return &rights{s: s, ctx: ctx, who: who, rev: s.live.catalog().Revision(), cache: map[content.Path]bool{}}
}

// reviews reports whether the person may decide on proposals for p: they
// may change its file as it is now (an administrator, also for a page
// deleted since).
func (r *rights) reviews(p content.Path) bool {
	if r.who == nil {
		return false
	}
	if r.who.Admin {
		return true
	}
	ok, seen := r.cache[p]
	if !seen {
		f, err := r.s.cfg.Store.ReadFile(r.ctx, r.rev, p.File())
		ok = err == nil && edit.Allowed(r.who.actor(), p.File(), f.Data, f.Data)
		r.cache[p] = ok
	}
	return ok
}

// reviewable counts the open proposals the person may decide on, for the
// header; 0 for anyone who edits nothing.
func (s *Server) reviewable(ctx context.Context, who *person) int {
	if who == nil || s.cfg.Proposals == nil || !who.Admin && len(who.Structures) == 0 {
		return 0
	}
	r := s.rightsOf(ctx, who)
	open, err := s.cfg.Proposals.List(ctx, proposals.Filter{Status: proposals.Open, Match: func(p *proposals.Proposal) bool { return r.reviews(p.Path) }})
	if err != nil {
		s.log.Warn("proposals: count for the header", "err", err)
		return 0
	}
	return len(open)
}

var queueStatuses = []proposals.Status{proposals.Open, proposals.Accepted, proposals.Declined, proposals.Closed}

func (s *Server) showQueue(c *fiber.Ctx) error { return s.queue(c, false) }
func (s *Server) showMine(c *fiber.Ctx) error  { return s.queue(c, true) }

func (s *Server) queue(c *fiber.Ctx, mine bool) error {
	if s.cfg.Proposals == nil {
		return fiber.ErrNotFound
	}
	who := s.person(c)
	if who == nil {
		return s.errSignIn()
	}
	status := proposals.Status(c.Query("statut", string(proposals.Open)))
	if status == "toutes" {
		status = ""
	}
	f := proposals.Filter{Status: status}
	r := s.rightsOf(c.UserContext(), who)
	if mine {
		f.Account = who.ID
	} else {
		f.Match = func(p *proposals.Proposal) bool { return r.reviews(p.Path) }
	}
	list, err := s.cfg.Proposals.List(c.UserContext(), f)
	if err != nil {
		return err
	}
	data := queueView{Mine: mine, Status: string(status)}
	base := "/propositions"
	if mine {
		base += "/mes"
	}
	for _, st := range append(queueStatuses, "") {
		label, arg := s.t("proposal.status.all"), "toutes"
		if st != "" {
			label, arg = s.t("proposal.status."+string(st)), string(st)
		}
		data.Tabs = append(data.Tabs, queueTab{Label: label, URL: base + "?statut=" + arg, Current: st == status})
	}
	cat := s.live.catalog()
	for _, p := range list {
		data.Rows = append(data.Rows, s.proposalRow(cat.Catalog, p))
	}
	title := s.t("queue.title")
	if mine {
		title = s.t("queue.mine.title")
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	v := s.view(c, title, data)
	v.NoIndex, v.Current = true, "proposals"
	return s.render(c, fiber.StatusOK, "queue", v)
}

func (s *Server) proposalRow(cat *content.Catalog, p proposals.Proposal) proposalRow {
	page := link{Title: string(p.Path), URL: p.Path.URL()}
	if d, ok := cat.Doc(p.Path); ok {
		page.Title = d.Title()
	}
	return proposalRow{
		ID: p.ID, URL: "/propositions/" + p.ID, Page: page,
		Kind: s.t("proposal.kind." + string(p.Kind)), Report: p.Kind == proposals.Report,
		Summary: p.Summary, Author: p.Author.Name, When: p.When.In(s.paris),
		Status: s.t("proposal.status." + string(p.Status)), StatusKey: p.Status,
	}
}

// loadProposal reads the proposal of a route and checks that the person
// may see it: its author, or someone who reviews its page.
func (s *Server) loadProposal(c *fiber.Ctx) (*person, proposals.Proposal, bool, error) {
	if s.cfg.Proposals == nil {
		return nil, proposals.Proposal{}, false, fiber.ErrNotFound
	}
	who := s.person(c)
	if who == nil {
		return nil, proposals.Proposal{}, false, s.errSignIn()
	}
	p, err := s.cfg.Proposals.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return nil, p, false, err
	}
	reviews := s.rightsOf(c.UserContext(), who).reviews(p.Path)
	if !reviews && (p.Account == "" || p.Account != who.ID) {
		// Not found rather than forbidden: ids are not to be probed.
		return nil, p, false, content.ErrNotFound
	}
	return who, p, reviews, nil
}

func isConflict(err error) (*edit.ConflictError, bool) {
	var ce *edit.ConflictError
	return ce, errors.As(err, &ce)
}
