package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// assets serves the theme's static files. Each URL carries a hash of the
// file's content (/static/style.css?v=…), so browsers may keep files for a
// year and still see a new version at once.
type assets struct {
	files    map[string]asset
	modified string // Last-Modified: embedded files have no time; use start-up
}

type asset struct {
	body  []byte
	hash  string
	ctype string
}

func newAssets(fsys fs.FS) (*assets, error) {
	a := &assets{files: map[string]asset{}, modified: time.Now().UTC().Format(http.TimeFormat)}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		a.files[name] = newAsset(name, body)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("server: load static files: %w", err)
	}
	return a, nil
}

// with returns a copy of a with one more file, or one replaced.
func (a *assets) with(name string, body []byte) *assets {
	files := make(map[string]asset, len(a.files)+1)
	for k, v := range a.files {
		files[k] = v
	}
	files[name] = newAsset(name, body)
	return &assets{files: files, modified: a.modified}
}

func (a *assets) has(name string) bool {
	_, ok := a.files[name]
	return ok
}

func newAsset(name string, body []byte) asset {
	sum := sha256.Sum256(body)
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	return asset{body: body, hash: hex.EncodeToString(sum[:6]), ctype: ctype}
}

// url returns the versioned URL of a static file.
func (a *assets) url(name string) string {
	if f, ok := a.files[name]; ok {
		return "/static/" + name + "?v=" + f.hash
	}
	return "/static/" + name
}

func (a *assets) serve(c *fiber.Ctx) error {
	f, ok := a.files[c.Params("*")]
	if !ok {
		return fiber.ErrNotFound
	}
	etag := `"` + f.hash + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderLastModified, a.modified)
	if c.Query("v") == f.hash {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	}
	if etagMatch(c.Get(fiber.HeaderIfNoneMatch), etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, f.ctype)
	return c.Send(f.body)
}

// etagMatch reports whether an If-None-Match header names etag. The
// comparison is weak (RFC 9110 13.1.2): a proxy that compressed the file
// may have sent it on as W/"…".
func etagMatch(header, etag string) bool {
	for _, candidate := range strings.Split(header, ",") {
		candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if candidate == etag || candidate == "*" {
			return true
		}
	}
	return false
}
