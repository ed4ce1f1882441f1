package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/edit"
)

// The page API's actions besides saving: rename, revert, verify and the
// history. Each runs the web form's operation (renamePage, revertPage,
// s.editor.VerifyFrom) with the same rights, validation and commit.

// apiRename is the body of POST …/rename.
type apiRename struct {
	Slug    string `json:"slug"`
	Summary string `json:"summary"`
}

// apiRevert is the body of POST …/revert.
type apiRevert struct {
	Revision string `json:"revision"`
	Summary  string `json:"summary"`
}

// apiVerify is the optional body of POST …/verify.
type apiVerify struct {
	Summary string `json:"summary"`
}

// apiCommit is a commit of a page's history.
type apiCommit struct {
	Revision string          `json:"revision"`
	Parent   string          `json:"parent"`
	Author   apiCommitAuthor `json:"author"`
	Date     string          `json:"date"`
	Message  string          `json:"message"`
}

// apiCommitAuthor is a commit's author as everyone may read it: the name
// only, as on the web history (e-mails stay in the repository).
type apiCommitAuthor struct {
	Name string `json:"name"`
}

const (
	apiHistoryLimit = 50
	apiHistoryMax   = 200
)

// apiRenamePage moves a page to a new slug of its kind: the old address
// redirects, and a structure's services and editors' rights follow.
func (s *Server) apiRenamePage(c *fiber.Ctx) error {
	p, a, base, err := s.apiChangeStart(c, true)
	if err != nil {
		return err
	}
	var in apiRename
	if err := s.decodeAction(c, &in, false); err != nil {
		return err
	}
	if _, err := s.loadEditable(c, p); err != nil {
		return err
	}
	to, err := content.NewPath(p.Kind(), in.Slug)
	if err != nil || to == p {
		return &httpError{status: fiber.StatusUnprocessableEntity, code: "bad_slug", message: s.t("apipages.badslug"), err: err}
	}
	res, moved, err := s.renamePage(c.UserContext(), a, p, to, base, in.Summary)
	if err != nil {
		return err
	}
	if !moved {
		res.Warnings = append(res.Warnings, content.Problem{File: to.File(), Code: "rights_not_moved",
			Message: s.t("apipages.rights_not_moved", p.Slug(), to.Slug()), Warning: true})
	}
	c.Location("/api/v1/pages/" + string(to))
	return s.sendPage(c, fiber.StatusOK, to, res.Revision, res.Raw, &res)
}

// apiRevertPage writes a page back as it was at a revision, as a new
// commit; it also restores a deleted page.
func (s *Server) apiRevertPage(c *fiber.Ctx) error {
	p, a, _, err := s.apiChangeStart(c, false)
	if err != nil {
		return err
	}
	var in apiRevert
	if err := s.decodeAction(c, &in, false); err != nil {
		return err
	}
	rev, err := revisionParam(in.Revision)
	if err != nil {
		return &httpError{status: fiber.StatusUnprocessableEntity, code: "bad_revision", message: s.t("param.bad_revision"), err: err}
	}
	res, err := s.revertPage(c.UserContext(), a, p, rev, in.Summary)
	if err != nil {
		return err
	}
	return s.sendPage(c, fiber.StatusOK, p, res.Revision, res.Raw, &res)
}

// apiVerifyPage sets the page's verifie_le to today; with If-Match, only
// if the page did not change since that revision.
func (s *Server) apiVerifyPage(c *fiber.Ctx) error {
	p, a, base, err := s.apiChangeStart(c, false)
	if err != nil {
		return err
	}
	var in apiVerify
	if err := s.decodeAction(c, &in, true); err != nil {
		return err
	}
	if _, err := s.loadEditable(c, p); err != nil {
		return err
	}
	res, err := s.editor.VerifyFrom(c.UserContext(), a, p, base, in.Summary)
	if errors.Is(err, content.ErrInvalid) && p.Kind() == content.KindPage {
		return &httpError{status: fiber.StatusUnprocessableEntity, code: "not_verifiable", message: s.t("apipages.not_verifiable"), err: err}
	}
	if err != nil {
		return err
	}
	return s.sendPage(c, fiber.StatusOK, p, res.Revision, res.Raw, &res)
}

// apiPageHistory lists the commits of a page, newest first, as the web
// history shows them: authors by name only, and no diff (pro: fields
// never reach anonymous readers).
func (s *Server) apiPageHistory(c *fiber.Ctx) error {
	p, err := apiPagePath(c.Params("kind"), c.Params("slug"))
	if err != nil {
		return err
	}
	limit, err := intParam(c, "limit", apiHistoryLimit, 1, apiHistoryMax)
	if err != nil {
		return err
	}
	commits, err := s.cfg.Store.History(c.UserContext(), p.File(), limit)
	if err != nil {
		return err
	}
	if len(commits) == 0 {
		return content.ErrNotFound
	}
	out := make([]apiCommit, len(commits))
	for i, cm := range commits {
		out[i] = apiCommit{Revision: string(cm.Revision), Parent: string(cm.Parent), Author: apiCommitAuthor{Name: cm.Author.Name},
			Date: cm.When.In(s.paris).Format(time.RFC3339), Message: cm.Message}
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(out)
}

// apiChangeStart reads what every page action starts with: the page of
// the route (404), its author (401) and the revision of If-Match (428
// when required and missing).
func (s *Server) apiChangeStart(c *fiber.Ctx, baseRequired bool) (content.Path, edit.Actor, content.Revision, error) {
	p, err := apiPagePath(c.Params("kind"), c.Params("slug"))
	if err != nil {
		return "", edit.Actor{}, "", err
	}
	a, err := s.pageActor(c)
	if err != nil {
		return "", edit.Actor{}, "", err
	}
	base, err := s.ifMatch(c, baseRequired)
	return p, a, base, err
}

// decodeAction reads the JSON body of an action into v, refusing unknown
// keys; an empty body is accepted when optional.
func (s *Server) decodeAction(c *fiber.Ctx, v any, optional bool) error {
	body := bytes.TrimSpace(c.Body())
	if optional && len(body) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &httpError{status: fiber.StatusBadRequest, code: "bad_json", message: s.t("apipages.badbody"), err: err}
	}
	return nil
}
