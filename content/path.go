// Package content is aiguillage's domain: the pages of the directory (services,
// structures, free wiki pages), their front matter as the format contract
// defines it, validation against the data·inclusion referentials, Markdown
// rendering, and the in-memory catalogue derived from one revision of the
// content repository. It imports no other package of this module.
package content

import (
	"fmt"
	"regexp"
	"strings"
)

// Kind is the kind of a page, given by the folder it lives in.
type Kind string

// The three kinds of page of the content repository.
const (
	KindService   Kind = "services"
	KindStructure Kind = "structures"
	KindPage      Kind = "pages"
)

// Kinds lists every kind, in display order.
var Kinds = []Kind{KindService, KindStructure, KindPage}

// MaxSlugLen is the longest slug the format contract allows.
const MaxSlugLen = 120

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Path names a page by its folder and slug, without ".md":
// "services/epicerie-sociale-cluny". A Path value built by ParsePath or
// PathFromFile is always valid.
type Path string

// ParsePath checks that s names a page: a known kind, a slash, and a slug of
// lower-case ASCII letters, digits and single hyphens. It rejects every path
// trick (dots, slashes, percent escapes, upper case, spaces) rather than
// cleaning it, so one page has exactly one name.
func ParsePath(s string) (Path, error) {
	kind, slug, ok := strings.Cut(s, "/")
	if !ok {
		return "", fmt.Errorf("content: parse path %q: %w", s, ErrInvalidPath)
	}
	if !validKind(Kind(kind)) {
		return "", fmt.Errorf("content: parse path %q: unknown kind %q: %w", s, kind, ErrInvalidPath)
	}
	if err := CheckSlug(slug); err != nil {
		return "", fmt.Errorf("content: parse path %q: %w", s, err)
	}
	return Path(s), nil
}

// NewPath joins a kind and a slug into a Path, checking both.
func NewPath(kind Kind, slug string) (Path, error) {
	return ParsePath(string(kind) + "/" + slug)
}

// CheckSlug reports whether slug is a valid slug, wrapping ErrInvalidPath.
func CheckSlug(slug string) error {
	if len(slug) == 0 || len(slug) > MaxSlugLen || !slugPattern.MatchString(slug) {
		return fmt.Errorf("invalid slug %q: %w", slug, ErrInvalidPath)
	}
	return nil
}

// PathFromFile maps a file name of the repository ("services/x.md") to the
// page it holds. ok is false for files that are not pages (media, settings,
// files in sub-folders, invalid slugs).
func PathFromFile(name string) (p Path, ok bool) {
	base, found := strings.CutSuffix(name, ".md")
	if !found {
		return "", false
	}
	p, err := ParsePath(base)
	return p, err == nil
}

func validKind(k Kind) bool {
	for _, known := range Kinds {
		if k == known {
			return true
		}
	}
	return false
}

// Kind returns the page's kind.
func (p Path) Kind() Kind {
	kind, _, _ := strings.Cut(string(p), "/")
	return Kind(kind)
}

// Slug returns the page's slug.
func (p Path) Slug() string {
	_, slug, _ := strings.Cut(string(p), "/")
	return slug
}

// File returns the name of the file that holds the page.
func (p Path) File() string { return string(p) + ".md" }

// URL returns the page's public URL path, such as "/services/x".
func (p Path) URL() string { return "/" + string(p) }

// String returns the path as written.
func (p Path) String() string { return string(p) }
