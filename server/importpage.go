package server

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/datainclusion"
)

// Uploads waiting for their confirmation are kept in memory for an hour, a
// few at a time: the confirmation re-plans the same file on the directory
// as it is then, and commits only if the plan is exactly the one shown.
const (
	pendingImportTTL = time.Hour
	maxPendingImport = 16
)

type pendingImport struct {
	user          int64
	name          string
	data, mapping []byte
	at            time.Time
}

type pendingImports struct {
	mu    sync.Mutex
	items map[string]*pendingImport
}

func newPendingImports() *pendingImports {
	return &pendingImports{items: map[string]*pendingImport{}}
}

// put keeps an upload and returns its id, forgetting expired ones and,
// past maxPendingImport, the oldest.
func (p *pendingImports) put(pi *pendingImport) string {
	var b [16]byte
	rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	p.mu.Lock()
	defer p.mu.Unlock()
	oldest := ""
	for k, v := range p.items {
		if pi.at.Sub(v.at) > pendingImportTTL {
			delete(p.items, k)
		} else if oldest == "" || v.at.Before(p.items[oldest].at) {
			oldest = k
		}
	}
	if len(p.items) >= maxPendingImport && oldest != "" {
		delete(p.items, oldest)
	}
	p.items[id] = pi
	return id
}

// get returns the upload id of user, unless it expired.
func (p *pendingImports) get(id string, user int64, now time.Time) (*pendingImport, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pi, ok := p.items[id]
	if !ok || pi.user != user || now.Sub(pi.at) > pendingImportTTL {
		return nil, false
	}
	return pi, true
}

func (p *pendingImports) drop(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.items, id)
}

// importView is the admin import page: the form, then a plan, then the
// result.
type importView struct {
	Error        string
	File         string
	ID, Digest   string
	Plan         *datainclusion.Plan
	Items        []datainclusion.Item // created and changed, in file order
	Unchanged    int
	Moved        bool // the directory changed since the plan shown before
	Done         bool
	Commit       content.Commit
	CanCommit    bool // sign-in store and content store allow committing
	Created, Mod int
}

func (s *Server) renderImport(c *fiber.Ctx, status int, data importView) error {
	if data.Plan != nil {
		for _, it := range data.Plan.Items {
			if it.Action == datainclusion.Unchanged {
				data.Unchanged++
			} else {
				data.Items = append(data.Items, it)
			}
		}
		data.Created, data.Mod = data.Plan.Count(datainclusion.Create), data.Plan.Count(datainclusion.Change)
	}
	_, data.CanCommit = s.cfg.Store.(datainclusion.Committer)
	v := s.view(c, s.t("import.title"), data)
	v.NoIndex, v.Current = true, "import"
	return s.render(c, status, "import", v)
}

// showImport serves /admin/import: the upload form.
func (s *Server) showImport(c *fiber.Ctx) error {
	return s.renderImport(c, fiber.StatusOK, importView{})
}

// previewImport reads an uploaded file and shows what importing it would
// do; nothing is written.
func (s *Server) previewImport(c *fiber.Ctx) error {
	fh, err := c.FormFile("fichier")
	if err != nil {
		return s.renderImport(c, fiber.StatusUnprocessableEntity, importView{Error: s.t("import.error.nofile")})
	}
	pi := &pendingImport{user: s.currentUser(c).ID, name: filepath.Base(fh.Filename), at: s.now()}
	if pi.data, err = readUpload(fh); err == nil {
		if mh, merr := c.FormFile("correspondance"); merr == nil {
			pi.mapping, err = readUpload(mh)
		}
	}
	if err != nil {
		return s.renderImport(c, fiber.StatusUnprocessableEntity, importView{Error: s.t("import.error.read", err)})
	}
	plan, err := s.planImport(c, pi)
	if err != nil {
		return s.importError(c, pi.name, err)
	}
	data := importView{File: pi.name, Plan: plan, Digest: plan.Digest()}
	if len(plan.Writes) > 0 {
		data.ID = s.imports.put(pi)
	}
	return s.renderImport(c, fiber.StatusOK, data)
}

// confirmImport applies the plan shown, if it is still exactly the plan
// the file gives on the directory as it is now; otherwise it shows the new
// plan to confirm again.
func (s *Server) confirmImport(c *fiber.Ctx) error {
	u := s.currentUser(c)
	id := c.FormValue("import")
	pi, ok := s.imports.get(id, u.ID, s.now())
	if !ok {
		return &httpError{status: fiber.StatusGone, code: "import_expired", message: s.t("import.error.expired")}
	}
	committer, ok := s.cfg.Store.(datainclusion.Committer)
	if !ok {
		return &httpError{status: fiber.StatusServiceUnavailable, code: "read_only", message: s.t("import.error.readonly")}
	}
	plan, err := s.planImport(c, pi)
	if err != nil {
		return s.importError(c, pi.name, err)
	}
	moved := importView{File: pi.name, Plan: plan, ID: id, Digest: plan.Digest(), Moved: true}
	if plan.Digest() != c.FormValue("digest") {
		return s.renderImport(c, fiber.StatusConflict, moved)
	}
	author := content.Author{Name: u.Name, Email: u.Email}
	cm, err := datainclusion.Apply(c.UserContext(), committer, plan, author, plan.Message([]string{pi.name}))
	if errors.Is(err, datainclusion.ErrStale) {
		return s.renderImport(c, fiber.StatusConflict, moved)
	}
	if err != nil {
		return err
	}
	s.imports.drop(id)
	if err := s.live.refresh(c.UserContext()); err != nil {
		s.log.Error("refresh after import", "err", err)
	}
	s.log.Info("import committed", "file", pi.name, "revision", cm.Revision.Short(), "user", u.Email,
		"created", plan.Count(datainclusion.Create), "changed", plan.Count(datainclusion.Change))
	return s.renderImport(c, fiber.StatusOK, importView{File: pi.name, Plan: plan, Done: true, Commit: cm})
}

// planImport plans an upload on the current catalogue.
func (s *Server) planImport(c *fiber.Ctx, pi *pendingImport) (*datainclusion.Plan, error) {
	m := datainclusion.DefaultMapping()
	if len(pi.mapping) > 0 {
		var err error
		if m, err = datainclusion.ParseMapping(pi.mapping); err != nil {
			return nil, fmt.Errorf("%w: %v", datainclusion.ErrFormat, err)
		}
	}
	sheets, err := datainclusion.Read(datainclusion.Input{Name: pi.name, Data: pi.data}, m)
	if err != nil {
		return nil, err
	}
	im, err := datainclusion.NewImporter(datainclusion.ImportConfig{Refs: s.cfg.Refs, Now: s.now})
	if err != nil {
		return nil, err
	}
	return im.Plan(c.UserContext(), s.live.catalog().Catalog, s.cfg.Store, sheets)
}

// importError shows a file that cannot be read on the form, other errors
// go to the error handler.
func (s *Server) importError(c *fiber.Ctx, name string, err error) error {
	if errors.Is(err, datainclusion.ErrFormat) {
		msg := strings.TrimPrefix(err.Error(), datainclusion.ErrFormat.Error()+": ")
		return s.renderImport(c, fiber.StatusUnprocessableEntity, importView{File: name, Error: s.t("import.error.read", msg)})
	}
	return err
}

func readUpload(fh *multipart.FileHeader) ([]byte, error) {
	if fh.Size > datainclusion.MaxFileSize {
		return nil, fmt.Errorf("%s: trop volumineux", fh.Filename)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, datainclusion.MaxFileSize))
}
