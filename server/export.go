package server

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"hash/fnv"
	"slices"
	"sync"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/datainclusion"
)

// exports keeps the data·inclusion files of the current revision, made
// once per base URL, with their ETag and gzip copy: a 10,000-service export
// takes about a second to make, and partners' harvesters fetch it often.
// Without a configured base URL the base comes from the Host header: a few
// bases are kept so that clients reaching the server by different names do
// not rebuild it in turn, and builds are serialized, so made-up hosts cost
// at most one core.
type exports struct {
	exporter *datainclusion.Exporter

	mu       sync.Mutex
	revision content.Revision
	bases    []exportBuild // most recently used last, at most exportBases
}

// exportBuild is the files of one base URL.
type exportBuild struct {
	base  string
	files map[string]*cachedPage
}

// exportBases is how many base URLs of one revision are kept.
const exportBases = 4

func newExports() (*exports, error) {
	e, err := datainclusion.NewExporter()
	if err != nil {
		return nil, err
	}
	return &exports{exporter: e}, nil
}

// get returns the export file name of snap's revision for base, making the
// four files when they are not kept. Concurrent callers wait for one build.
func (x *exports) get(snap *snapshot, base, name string) (*cachedPage, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.revision != snap.Revision() {
		x.revision, x.bases = snap.Revision(), nil
	}
	for i, b := range x.bases {
		if b.base == base {
			x.bases = append(slices.Delete(x.bases, i, i+1), b)
			return b.files[name], nil
		}
	}
	files, err := x.build(snap, base)
	if err != nil {
		return nil, err
	}
	if len(x.bases) == exportBases {
		x.bases = slices.Delete(x.bases, 0, 1)
	}
	x.bases = append(x.bases, exportBuild{base: base, files: files})
	return files[name], nil
}

func (x *exports) build(snap *snapshot, base string) (map[string]*cachedPage, error) {
	exp, err := x.exporter.Export(snap.Catalog, datainclusion.Config{
		BaseURL: base, DefaultDate: content.DateOf(snap.commit.When),
	})
	if err != nil {
		return nil, err
	}
	files := make(map[string]*cachedPage, len(datainclusion.FileNames))
	var buf bytes.Buffer
	for _, name := range datainclusion.FileNames {
		buf.Reset()
		if err := exp.WriteFile(&buf, name); err != nil {
			return nil, err
		}
		files[name] = newExportFile(bytes.Clone(buf.Bytes()))
	}
	return files, nil
}

func newExportFile(body []byte) *cachedPage {
	h := fnv.New64a()
	h.Write(body)
	p := &cachedPage{body: body, etag: fmt.Sprintf(`"%x-%x"`, len(body), h.Sum64())}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
	zw.Write(body)
	if zw.Close() == nil && gz.Len() < len(body) {
		p.gz = gz.Bytes()
	}
	return p
}

// exportTypes are the content types of the export files.
var exportTypes = map[string]string{
	"structures.json": fiber.MIMEApplicationJSONCharsetUTF8, "services.json": fiber.MIMEApplicationJSONCharsetUTF8,
	"structures.csv": "text/csv; charset=utf-8", "services.csv": "text/csv; charset=utf-8",
}

// apiExport serves /api/v1/export/data-inclusion/{file}: the public
// directory in the data·inclusion schema, never with pro information.
func (s *Server) apiExport(c *fiber.Ctx) error {
	name := c.Params("file")
	ctype, ok := exportTypes[name]
	if !ok {
		return fiber.ErrNotFound
	}
	snap := s.live.catalog()
	f, err := s.exports.get(snap, s.publicURL(c, snap.Config(), ""), name)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=0, must-revalidate")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="`+name+`"`)
	c.Set(fiber.HeaderETag, f.etag)
	c.Vary(fiber.HeaderAcceptEncoding)
	if etagMatch(c.Get(fiber.HeaderIfNoneMatch), f.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, ctype)
	if f.gz != nil && c.Request().Header.HasAcceptEncoding("gzip") {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(f.gz)
	}
	return c.Send(f.body)
}
