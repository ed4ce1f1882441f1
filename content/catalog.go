package content

import (
	"cmp"
	"crypto/sha1"
	"encoding/hex"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Catalog is the in-memory snapshot of one revision of the content
// repository: every page parsed, with derived lookups. It is immutable once
// built and safe for concurrent readers; Apply makes a new one.
//
// A service whose structure is missing gets an error problem (code
// "structure") but stays in the catalogue: deleting one structure must not
// hide the services that name it. Every other error keeps a file out.
type Catalog struct {
	rev   Revision
	refs  *Referentials
	files map[string]*fileEntry // every file of the revision, by name

	docs       map[Path]*Document
	byKind     map[Kind][]*Document // sorted by path
	recent     map[Kind][]*Document // by date_maj desc, then path
	servicesOf map[string][]*Document
	backlinks  map[Path][]Path
	byFile     map[string][]Problem // the files that have problems, each sorted by line
	config     SiteConfig
	synonyms   [][]string
	redirects  map[Path]Path
}

// fileEntry is one file of the revision and, for pages, what parsing it
// gave. Entries are shared between catalogues.
type fileEntry struct {
	name     string
	hash     string
	structAt int // line of the structure key, for services
	doc      *Document
	problems []Problem
	data     []byte // kept for the files under .aiguillage/ only
	unread   UnreadReason
}

// NewCatalog parses every file of a revision, in parallel.
func NewCatalog(rev Revision, files []File, refs *Referentials) *Catalog {
	c := &Catalog{rev: rev, refs: refs, files: make(map[string]*fileEntry, len(files))}
	for _, e := range parseAll(files, refs) {
		c.files[e.name] = e
	}
	c.derive()
	return c
}

// Check returns every problem of a set of files, for `aiguillage check`.
func Check(files []File, refs *Referentials) []Problem {
	return NewCatalog("", files, refs).Problems()
}

// Apply returns the catalogue of a new revision that changes some files and
// deletes others: only changed files are parsed again; unchanged documents
// are shared.
func (c *Catalog) Apply(rev Revision, changed []File, deleted []string) *Catalog {
	n := &Catalog{rev: rev, refs: c.refs, files: maps.Clone(c.files)}
	touched := slices.Clone(deleted)
	for _, name := range deleted {
		delete(n.files, name)
	}
	for _, e := range parseAll(changed, c.refs) {
		n.files[e.name] = e
		touched = append(touched, e.name)
	}
	if len(touched) > 64 {
		n.derive() // a big change: sorting everything again is as quick
		return n
	}
	n.deriveFrom(c, touched)
	return n
}

// parseAll parses files with one worker per CPU.
func parseAll(files []File, refs *Referentials) []*fileEntry {
	out := make([]*fileEntry, len(files))
	workers := min(runtime.NumCPU(), len(files))
	if workers <= 1 {
		for i, f := range files {
			out[i] = parseEntry(f, refs)
		}
		return out
	}
	var wg sync.WaitGroup
	next := make(chan int, 256)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = parseEntry(files[i], refs)
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

func parseEntry(f File, refs *Referentials) *fileEntry {
	e := &fileEntry{name: f.Name, hash: f.Hash, unread: f.Unread}
	if e.hash == "" {
		e.hash = BlobHash(f.Data)
	}
	// Unread files first: a settings file or theme override that is a
	// symbolic link or too big is reported, and never used as empty.
	switch {
	case f.Unread == TooLarge:
		e.problems = []Problem{TooLargeProblem(f.Name, f.Size, MaxFileSize)}
	case f.Unread == Symlink:
		e.problems = []Problem{{File: f.Name, Code: CodeSymlink, Message: SymlinkMessage}}
	case f.Name == ConfigFile:
		e.data = f.Data
		_, warnings, err := readSiteConfig(f.Data)
		if err != nil {
			warnings = []Problem{{File: f.Name, Code: CodeConfig, Message: err.Error()}}
		}
		e.problems = warnings
	case strings.HasPrefix(f.Name, settingsDir):
		e.data = f.Data // synonyms and theme overrides
	case isPageFile(f.Name):
		e.doc, e.problems = Parse(f.Name, f.Data, refs)
		if e.doc != nil && e.doc.Service != nil {
			e.structAt = keyLine(f.Data, "structure")
		}
	}
	return e
}

// MissingStructureProblem is the problem of the service file whose
// structure key names slug, a structure that does not exist. The editor
// reports it too, in the same words.
func MissingStructureProblem(file, slug string) Problem {
	return Problem{File: file, Field: "structure", Code: CodeStructure,
		Message: "structure : aucune structure « " + slug + " » (fichier structures/" + slug + ".md introuvable)"}
}

// SymlinkMessage explains why a page that is a symbolic link is refused.
const SymlinkMessage = "lien symbolique : le serveur ne publie que des fichiers ; remplacez le lien par le fichier lui-même"

// isPageFile reports whether a file is meant to be a page: a .md file in
// one of the page folders (valid name or not).
func isPageFile(name string) bool {
	kind, _, ok := strings.Cut(name, "/")
	return ok && validKind(Kind(kind)) && strings.HasSuffix(name, ".md")
}

// BlobHash is git's blob hash of data, in hex.
func BlobHash(data []byte) string {
	h := sha1.New()
	h.Write([]byte("blob " + strconv.Itoa(len(data)) + "\x00"))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// derive computes every lookup from the file entries.
func (c *Catalog) derive() {
	c.docs = make(map[Path]*Document, len(c.files))
	c.byKind = map[Kind][]*Document{}
	c.config = DefaultSiteConfig()
	c.redirects = nil
	for _, e := range c.files {
		if e.doc != nil {
			c.docs[e.doc.Path] = e.doc
			c.byKind[e.doc.Path.Kind()] = append(c.byKind[e.doc.Path.Kind()], e.doc)
		}
		switch e.name {
		case ConfigFile:
			if cfg, err := ParseSiteConfig(e.data); err == nil {
				c.config = cfg
			}
		case SynonymsFile:
			c.synonyms = ParseSynonyms(e.data)
		case RedirectsFile:
			c.redirects = ParseRedirects(e.data)
		}
	}
	c.recent = map[Kind][]*Document{}
	for kind, docs := range c.byKind {
		slices.SortFunc(docs, byPath)
		r := slices.Clone(docs)
		slices.SortFunc(r, byRecent)
		c.recent[kind] = r
	}
	c.deriveLinks()
	c.deriveProblems()
}

func (c *Catalog) deriveLinks() {
	c.servicesOf = map[string][]*Document{}
	for _, d := range c.byKind[KindService] {
		c.servicesOf[d.Service.Structure] = append(c.servicesOf[d.Service.Structure], d)
	}
	folded := make(map[*Document]string, len(c.byKind[KindService]))
	for _, d := range c.byKind[KindService] {
		folded[d] = Fold(d.Title())
	}
	for _, list := range c.servicesOf {
		slices.SortFunc(list, func(a, b *Document) int { // as byTitle, folding each name once
			return cmp.Or(strings.Compare(folded[a], folded[b]), strings.Compare(string(a.Path), string(b.Path)))
		})
	}
	c.backlinks = map[Path][]Path{}
	for _, kind := range Kinds {
		for _, d := range c.byKind[kind] { // sorted by path: backlinks come out sorted
			for _, l := range d.Links {
				if l != d.Path {
					c.backlinks[l] = append(c.backlinks[l], d.Path)
				}
			}
		}
	}
}

// deriveProblems finds every file's problems.
func (c *Catalog) deriveProblems() {
	c.byFile = map[string][]Problem{}
	for _, e := range c.files {
		setOrDelete(c.byFile, e.name, c.fileProblems(e))
	}
}

// fileProblems is every problem of one file, sorted by line: its own
// (reading, parsing, validation), then those that depend on other pages —
// a service's missing structure, a wiki link to no page.
func (c *Catalog) fileProblems(e *fileEntry) []Problem {
	out := slices.Clone(e.problems)
	d := e.doc
	if d != nil && d.Service != nil {
		if _, ok := c.docs[Path(string(KindStructure)+"/"+d.Service.Structure)]; !ok {
			pr := MissingStructureProblem(e.name, d.Service.Structure)
			pr.Line = e.structAt
			out = append(out, pr)
		}
	}
	if d != nil {
		for _, l := range d.Links {
			if _, ok := c.docs[l]; !ok {
				out = append(out, Problem{File: e.name, Code: CodeBrokenLink, Warning: true,
					Message: "lien [[" + string(l) + "]] : cette page n'existe pas (encore)"})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
	return out
}

// keyLine finds the line of a top-level front matter key, 0 if absent.
func keyLine(data []byte, key string) int {
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, key+":") {
			return i + 1
		}
		if i > 0 && strings.TrimRight(l, " \t\r") == "---" {
			break
		}
	}
	return 0
}

// Redirect returns the page that p was renamed to (RedirectsFile), when
// p is not itself a page of the revision.
func (c *Catalog) Redirect(p Path) (Path, bool) {
	if _, ok := c.docs[p]; ok {
		return "", false
	}
	to, ok := c.redirects[p]
	return to, ok
}

// Revision is the revision the catalogue reflects.
func (c *Catalog) Revision() Revision { return c.rev }

// Referentials are the referentials the catalogue was validated against.
func (c *Catalog) Referentials() *Referentials { return c.refs }

// Doc returns the page at p.
func (c *Catalog) Doc(p Path) (*Document, bool) {
	d, ok := c.docs[p]
	return d, ok
}

// Docs returns the pages of one kind, sorted by path. The slice is the
// caller's; the documents are shared and must not be modified.
func (c *Catalog) Docs(kind Kind) []*Document { return slices.Clone(c.byKind[kind]) }

// Len is the number of pages of one kind.
func (c *Catalog) Len(kind Kind) int { return len(c.byKind[kind]) }

// StructureOf returns the structure that runs a service.
func (c *Catalog) StructureOf(svc *Document) (*Document, bool) {
	if svc == nil || svc.Service == nil {
		return nil, false
	}
	return c.Doc(Path(string(KindStructure) + "/" + svc.Service.Structure))
}

// ServicesOf returns the services of a structure, sorted by name (accents
// folded).
func (c *Catalog) ServicesOf(structureSlug string) []*Document {
	return slices.Clone(c.servicesOf[structureSlug])
}

// Backlinks returns the pages whose body links to p with a wiki link,
// sorted by path.
func (c *Catalog) Backlinks(p Path) []Path { return slices.Clone(c.backlinks[p]) }

// Recent returns the n most recently updated pages of one kind (all when
// n <= 0), by date_maj descending, then path.
func (c *Catalog) Recent(kind Kind, n int) []*Document {
	r := c.recent[kind]
	if n > 0 && n < len(r) {
		r = r[:n]
	}
	return slices.Clone(r)
}

// Problems returns every problem of every file, sorted by file then line.
func (c *Catalog) Problems() []Problem {
	var out []Problem
	for _, name := range slices.Sorted(maps.Keys(c.byFile)) {
		out = append(out, c.byFile[name]...)
	}
	return out
}

// FileProblems returns the problems of one file.
func (c *Catalog) FileProblems(name string) []Problem { return slices.Clone(c.byFile[name]) }

// Config returns the site settings (defaults when config.yaml is missing
// or invalid).
func (c *Catalog) Config() SiteConfig {
	cfg := c.config
	cfg.Territoire = slices.Clone(cfg.Territoire)
	return cfg
}

// ThemeFiles returns the files under ThemeDir, sorted by name, with their
// content. The slice and the File values are the caller's; Data is shared
// and must not be modified.
func (c *Catalog) ThemeFiles() []File {
	var out []File
	for name, e := range c.files {
		if strings.HasPrefix(name, ThemeDir) && e.unread == Read {
			out = append(out, File{Name: name, Hash: e.hash, Data: e.data})
		}
	}
	slices.SortFunc(out, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Synonyms returns the search synonym groups.
func (c *Catalog) Synonyms() [][]string {
	out := make([][]string, len(c.synonyms))
	for i, g := range c.synonyms {
		out[i] = slices.Clone(g)
	}
	return out
}

// FileHash returns the git blob hash of a file, for cache keys and ETags.
func (c *Catalog) FileHash(name string) (string, bool) {
	e, ok := c.files[name]
	if !ok {
		return "", false
	}
	return e.hash, true
}

// Files returns the names of every file of the revision, sorted.
func (c *Catalog) Files() []string {
	return slices.Sorted(maps.Keys(c.files))
}
