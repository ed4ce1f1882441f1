package server

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/accounts"
	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/edit"
)

// apiPage is a page as the JSON API reads and answers it.
type apiPage struct {
	Path        string            `json:"path"`
	Revision    string            `json:"revision"`
	FrontMatter map[string]any    `json:"front_matter"`
	Body        string            `json:"body"`
	Merged      *bool             `json:"merged,omitempty"`
	Warnings    []content.Problem `json:"warnings,omitempty"`
}

// apiPageWrite is the body of PUT and POST: the front matter and body of
// the page, or its whole file in raw.
type apiPageWrite struct {
	Slug        string         `json:"slug"` // POST only
	FrontMatter map[string]any `json:"front_matter"`
	Body        *string        `json:"body"`
	Raw         *string        `json:"raw"`
	Summary     string         `json:"summary"`
}

// apiGetPage answers a page's front matter and body at the branch's tip,
// its revision as ETag. The pro block only reaches those who may read it.
func (s *Server) apiGetPage(c *fiber.Ctx) error {
	p, err := apiPagePath(c.Params("kind"), c.Params("slug"))
	if err != nil {
		return err
	}
	d, err := s.editor.Load(c.UserContext(), p)
	if err != nil {
		return err
	}
	raw := d.Raw
	if !s.currentUser(c).CanReadPro() {
		raw = []byte(content.PublicSource(raw))
	}
	return s.sendPage(c, fiber.StatusOK, p, d.Revision, raw, nil)
}

// sendPage writes a page as JSON with its revision as ETag.
func (s *Server) sendPage(c *fiber.Ctx, status int, p content.Path, rev content.Revision, raw []byte, res *edit.Result) error {
	fm, body, _ := edit.Split(raw)
	out := apiPage{Path: string(p), Revision: string(rev), FrontMatter: fm, Body: body}
	if res != nil {
		out.Merged, out.Warnings = &res.Merged, res.Warnings
	}
	c.Set(fiber.HeaderETag, `"`+string(rev)+`"`)
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	c.Set(fiber.HeaderVary, "Authorization, Cookie")
	return c.Status(status).JSON(out)
}

// apiPutPage saves a page edited from the revision in If-Match.
func (s *Server) apiPutPage(c *fiber.Ctx) error {
	p, err := apiPagePath(c.Params("kind"), c.Params("slug"))
	if err != nil {
		return err
	}
	a, err := s.pageActor(c)
	if err != nil {
		return err
	}
	base, err := s.ifMatch(c, true)
	if err != nil {
		return err
	}
	w, err := s.decodePageWrite(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	var start []byte // the file as the client read it, for Compose
	if f, err := s.cfg.Store.ReadFile(ctx, base, p.File()); err == nil {
		start = f.Data
	}
	raw, err := s.pageRaw(w, start)
	if err != nil {
		return err
	}
	res, err := s.editor.Save(ctx, a, p, base, raw, w.Summary)
	if err != nil {
		return err
	}
	return s.sendPage(c, fiber.StatusOK, p, res.Revision, res.Raw, &res)
}

// apiCreatePage creates the page kind/slug (slug in the body): 201.
func (s *Server) apiCreatePage(c *fiber.Ctx) error {
	a, err := s.pageActor(c)
	if err != nil {
		return err
	}
	w, err := s.decodePageWrite(c)
	if err != nil {
		return err
	}
	p, err := content.NewPath(content.Kind(c.Params("kind")), w.Slug)
	if err != nil {
		if !validKind(c.Params("kind")) {
			return fiber.ErrNotFound
		}
		return &httpError{status: fiber.StatusUnprocessableEntity, code: "bad_slug", message: s.t("apipages.badslug"), err: err}
	}
	raw, err := s.pageRaw(w, nil)
	if err != nil {
		return err
	}
	res, err := s.editor.Create(c.UserContext(), a, p, raw, w.Summary)
	if err != nil {
		return err
	}
	c.Location("/api/v1/pages/" + string(p))
	return s.sendPage(c, fiber.StatusCreated, p, res.Revision, res.Raw, &res)
}

// apiDeletePage deletes a page; If-Match, when given, must name a
// revision after which the page did not change.
func (s *Server) apiDeletePage(c *fiber.Ctx) error {
	p, err := apiPagePath(c.Params("kind"), c.Params("slug"))
	if err != nil {
		return err
	}
	a, err := s.pageActor(c)
	if err != nil {
		return err
	}
	base, err := s.ifMatch(c, false)
	if err != nil {
		return err
	}
	res, err := s.editor.Delete(c.UserContext(), a, p, base, c.Query("resume"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"path": string(p), "revision": string(res.Revision), "deleted": true})
}

// apiPagePath reads a page path from the route; a malformed one is a page
// that cannot exist: 404.
func apiPagePath(kind, slug string) (content.Path, error) {
	return content.NewPath(content.Kind(kind), slug)
}

func validKind(kind string) bool {
	for _, k := range content.Kinds {
		if string(k) == kind {
			return true
		}
	}
	return false
}

// pageActor is the signed-in user as the author of a change; 401 for an
// anonymous request.
func (s *Server) pageActor(c *fiber.Ctx) (edit.Actor, error) {
	u := s.currentUser(c)
	if u == nil || u.Disabled {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="aiguillage"`)
		return edit.Actor{}, &httpError{status: fiber.StatusUnauthorized, code: "unauthorized", message: s.t("apipages.unauthorized")}
	}
	return actorOf(u), nil
}

// actorOf is a signed-in user as the author of a change. Only editors'
// structures count: an agent's rights are to read and to propose.
func actorOf(u *accounts.User) edit.Actor {
	a := edit.Actor{Name: u.Name, Email: u.Email, Admin: u.IsAdmin()}
	if u.Role == accounts.RoleEditor {
		a.Structures = u.Structures
	}
	return a
}

// ifMatch reads the base revision from If-Match (an ETag of GET, quoted or
// not); 428 when required and missing.
func (s *Server) ifMatch(c *fiber.Ctx, required bool) (content.Revision, error) {
	v := strings.TrimSpace(c.Get(fiber.HeaderIfMatch))
	v = strings.Trim(strings.TrimPrefix(v, "W/"), `"`)
	if v == "" && required {
		return "", &httpError{status: fiber.StatusPreconditionRequired, code: "if_match_required", message: s.t("apipages.precondition")}
	}
	return content.Revision(strings.Clone(v)), nil
}

// decodePageWrite reads the JSON body of PUT and POST.
func (s *Server) decodePageWrite(c *fiber.Ctx) (apiPageWrite, error) {
	var w apiPageWrite
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil || (w.Raw == nil && w.FrontMatter == nil) {
		return w, &httpError{status: fiber.StatusBadRequest, code: "bad_json", message: s.t("apipages.badjson"), err: err}
	}
	return w, nil
}

// pageRaw is the file a write asks for: raw as given, or the front matter
// and body composed over start (keeping its key order and comments).
func (s *Server) pageRaw(w apiPageWrite, start []byte) ([]byte, error) {
	if w.Raw != nil {
		return []byte(*w.Raw), nil
	}
	_, body, _ := edit.Split(start)
	if w.Body != nil {
		body = *w.Body
	}
	raw, err := edit.Compose(start, w.FrontMatter, body)
	if err != nil {
		return nil, &httpError{status: fiber.StatusBadRequest, code: "bad_json", message: s.t("apipages.badjson"), err: err}
	}
	return raw, nil
}
