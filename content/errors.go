package content

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors. Callers test them with errors.Is; the server maps each to
// one HTTP status.
var (
	// ErrNotFound: no such page, file or revision.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: the content breaks the format contract (see *ValidationError).
	ErrInvalid = errors.New("invalid content")
	// ErrInvalidPath: a page name or slug is malformed.
	ErrInvalidPath = errors.New("invalid path")
	// ErrConflict: a change was based on a revision that another change has
	// since overtaken on the same file.
	ErrConflict = errors.New("conflict")
	// ErrTooLarge: a file exceeds MaxFileSize.
	ErrTooLarge = errors.New("file too large")
)

// MaxFileSize bounds a page file (front matter and body). A service sheet is
// a few kilobytes; a long guide page stays well under this.
const MaxFileSize = 1 << 20

// Problem is one thing wrong with one file, for people and for machines.
type Problem struct {
	File    string `json:"file"`            // repository file name, "services/x.md"
	Line    int    `json:"line,omitempty"`  // 1-based line in the file, when known
	Field   string `json:"field,omitempty"` // front matter key, empty for the whole file
	Code    string `json:"code"`            // stable machine code: "required", "unknown_value", "yaml", ...
	Message string `json:"message"`         // French sentence for the person who edits the file
	// Warning marks a problem that does not stop the page from being served
	// (opening hours in a syntax we cannot evaluate, an unknown wiki link).
	Warning bool `json:"warning,omitempty"`
}

// Error formats the problem as "file:line: field: message".
func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(p.Line))
	}
	b.WriteString(": ")
	// Most messages already open with the field ("nom : champ obligatoire").
	if p.Field != "" && !strings.HasPrefix(p.Message, p.Field) {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// ValidationError carries every problem found in one or more files.
type ValidationError struct {
	Problems []Problem
}

// Error lists the problems, one a line.
func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap makes errors.Is(err, ErrInvalid) hold.
func (e *ValidationError) Unwrap() error { return ErrInvalid }
