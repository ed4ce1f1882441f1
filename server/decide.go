package server

import (
	"errors"
	"hash/fnv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/proposals"
)

type proposalView struct {
	Row      proposalRow
	Crumbs   []crumb
	Text     string
	Contact  string // for reviewers only
	Decision *decisionView
	Hunks    [][]diffLineView
	Moved    bool // the page changed since the proposal was made
	Reviews  bool // the person may decide
	Open     bool
	Notice   string
	Errors   []fieldError
	Reason   string
	// ReasonError is tied to the reason field of the form that failed.
	ReasonError string
	Problems    []content.Problem
	Conflict    *proposalConflict
	EditURL     string
}

type decisionView struct {
	Status, By string
	When       time.Time
	Reason     string
	ResultURL  string // diff of the commit that applied it
}

// proposalConflict is an accept that could not merge: both versions, and
// the keys where they overlap. Nothing was saved; the proposal stays open.
type proposalConflict struct {
	Keys         []string
	Ours, Theirs string
}

// decisionReasonMax bounds a reason or note, in characters.
const decisionReasonMax = 2000

func (s *Server) showProposal(c *fiber.Ctx) error {
	who, p, reviews, err := s.loadProposal(c)
	if err != nil {
		return err
	}
	data, err := s.proposalData(c, who, p, reviews)
	if err != nil {
		return err
	}
	switch {
	case c.Query("envoyee") == "1":
		data.Notice = s.t("proposal.notice.sent")
	case c.Query("fusion") == "1":
		data.Notice = s.t("proposal.notice.merged")
	}
	return s.renderProposal(c, fiber.StatusOK, data)
}

func (s *Server) proposalData(c *fiber.Ctx, who *person, p proposals.Proposal, reviews bool) (proposalView, error) {
	cat := s.live.catalog()
	data := proposalView{Row: s.proposalRow(cat.Catalog, p), Text: p.Text, Reviews: reviews, Open: p.Status == proposals.Open}
	data.Crumbs = []crumb{{Label: s.t("queue.title"), URL: "/propositions"}, {Label: data.Row.Summary}}
	if reviews {
		data.Contact = p.Contact
		data.EditURL = p.Path.URL() + "/modifier"
	}
	if d := p.Decision; d != nil {
		dv := &decisionView{Status: s.t("proposal.status." + string(d.Status)), By: d.By.Name, When: d.When.In(s.paris), Reason: d.Reason}
		if d.Result != "" {
			if cm, err := s.cfg.Store.CommitInfo(c.UserContext(), d.Result); err == nil && cm.Parent != "" {
				dv.ResultURL = p.Path.URL() + "/diff?de=" + string(cm.Parent) + "&a=" + string(d.Result)
			}
		}
		data.Decision = dv
	}
	if p.Kind != proposals.Modification {
		return data, nil
	}
	before, after, err := s.cfg.Proposals.Files(c.UserContext(), p)
	if err != nil {
		return data, err
	}
	for _, h := range content.Hunks(content.DiffLines(string(before), string(after)), 3) {
		data.Hunks = append(data.Hunks, diffLines(h.Lines))
	}
	if hash, ok := cat.FileHash(p.Path.File()); ok && data.Open && hash != content.BlobHash(before) {
		data.Moved = true
	}
	return data, nil
}

func (s *Server) renderProposal(c *fiber.Ctx, status int, data proposalView) error {
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	v := s.view(c, s.t("proposal.title", data.Row.Summary), data)
	v.NoIndex = true
	return s.render(c, status, "proposal", v)
}

// acceptProposal applies a proposal through the one write path (edit.Save)
// with the reviewer's rights, credited to the proposer.
func (s *Server) acceptProposal(c *fiber.Ctx) error {
	defer s.deciding.lock(c.Params("id"))()
	who, p, reviews, err := s.loadProposal(c)
	if err != nil {
		return err
	}
	if !reviews || p.Kind != proposals.Modification {
		return s.errNotAllowed()
	}
	if p.Status != proposals.Open {
		return s.errDecided()
	}
	ctx := c.UserContext()
	_, after, err := s.cfg.Proposals.Files(ctx, p)
	if err != nil {
		return err
	}
	actor := who.actor()
	actor.Name, actor.Email = p.Author.Name, p.Author.Email
	msg := s.t("proposal.commit", p.Summary, who.author().Name, p.ID)
	res, err := s.editor.Save(ctx, actor, p.Path, p.Base, after, msg)
	if err != nil {
		return s.acceptFailed(c, who, p, err)
	}
	if _, err := s.cfg.Proposals.Decide(ctx, p.ID, proposals.Decision{Status: proposals.Accepted, By: who.author(), Result: res.Revision}); err != nil {
		return err
	}
	target := "/propositions/" + p.ID
	if res.Merged {
		target += "?fusion=1"
	}
	return c.Redirect(target, fiber.StatusSeeOther)
}

// acceptFailed shows why an accept saved nothing: a conflict with both
// versions, or the problems of the merged file.
func (s *Server) acceptFailed(c *fiber.Ctx, who *person, p proposals.Proposal, err error) error {
	data, derr := s.proposalData(c, who, p, true)
	if derr != nil {
		return derr
	}
	var ve *content.ValidationError
	switch ce, ok := isConflict(err); {
	case ok:
		pc := &proposalConflict{Ours: string(ce.Ours), Theirs: string(ce.Theirs)}
		for _, cf := range ce.Conflicts {
			key := cf.Field
			if key == "" {
				key = s.t("proposal.conflict.body")
			}
			pc.Keys = append(pc.Keys, key)
		}
		data.Conflict = pc
		data.Errors = []fieldError{{Message: s.t("proposal.error.conflict")}}
		return s.renderProposal(c, fiber.StatusConflict, data)
	case errors.As(err, &ve):
		data.Problems = ve.Problems
		data.Errors = []fieldError{{Message: s.t("proposal.error.invalid")}}
		return s.renderProposal(c, fiber.StatusUnprocessableEntity, data)
	}
	return err
}

// decide declines a proposal or closes a report, with a reason.
func (s *Server) decide(status proposals.Status) fiber.Handler {
	return func(c *fiber.Ctx) error {
		defer s.deciding.lock(c.Params("id"))()
		who, p, reviews, err := s.loadProposal(c)
		if err != nil {
			return err
		}
		wantKind := proposals.Modification
		if status == proposals.Closed {
			wantKind = proposals.Report
		}
		if !reviews || p.Kind != wantKind {
			return s.errNotAllowed()
		}
		if p.Status != proposals.Open {
			return s.errDecided()
		}
		reason := strings.TrimSpace(strings.ReplaceAll(c.FormValue("raison"), "\r\n", "\n"))
		if msg := s.checkReason(reason); msg != "" {
			data, err := s.proposalData(c, who, p, true)
			if err != nil {
				return err
			}
			data.Reason, data.ReasonError = reason, msg
			data.Errors = []fieldError{{Field: "raison", Message: msg}}
			return s.renderProposal(c, fiber.StatusUnprocessableEntity, data)
		}
		if _, err := s.cfg.Proposals.Decide(c.UserContext(), p.ID, proposals.Decision{Status: status, By: who.author(), Reason: reason}); err != nil {
			return err
		}
		return c.Redirect("/propositions/"+p.ID, fiber.StatusSeeOther)
	}
}

func (s *Server) checkReason(reason string) string {
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return s.t("proposal.error.reason")
	case n > decisionReasonMax || len(reason) > proposals.MaxText || !utf8.ValidString(reason):
		return s.t("proposal.error.reason_long", decisionReasonMax)
	}
	return ""
}

// errDecided answers a decision on a proposal that another reviewer has
// decided first.
func (s *Server) errDecided() error {
	return &httpError{status: fiber.StatusConflict, code: "decided", message: s.t("proposal.error.decided")}
}

// keyedLocks serializes work per key in a fixed number of mutexes (keys
// may share one: that only delays, never deadlocks, as nobody holds two).
type keyedLocks [64]sync.Mutex

// lock locks key's mutex and returns its unlock.
func (l *keyedLocks) lock(key string) (unlock func()) {
	h := fnv.New32a()
	h.Write([]byte(key))
	m := &l[h.Sum32()%uint32(len(l))]
	m.Lock()
	return m.Unlock
}

// errNotAllowed refuses a decision the person may not take.
func (s *Server) errNotAllowed() error {
	return &httpError{status: fiber.StatusForbidden, code: "forbidden", message: s.t("proposal.error.forbidden")}
}
