package content

import (
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// DiffOp is what a diff line does.
type DiffOp int

// The operations of a line diff.
const (
	DiffEqual DiffOp = iota
	DiffInsert
	DiffDelete
)

// DiffLine is one line of a diff. OldLine and NewLine are 1-based, 0 when
// the line does not exist on that side.
type DiffLine struct {
	Op      DiffOp
	Text    string // without the line end
	OldLine int
	NewLine int
}

// DiffLines compares two texts line by line (Myers' algorithm on lines).
func DiffLines(a, b string) []DiffLine {
	dmp := diffmatchpatch.New()
	ra, rb, lines := dmp.DiffLinesToRunes(a, b)
	diffs := dmp.DiffCharsToLines(dmp.DiffMainRunes(ra, rb, false), lines)
	var out []DiffLine
	oldN, newN := 1, 1
	for _, d := range diffs {
		for _, l := range splitLines(d.Text) {
			switch d.Type {
			case diffmatchpatch.DiffEqual:
				out = append(out, DiffLine{Op: DiffEqual, Text: l, OldLine: oldN, NewLine: newN})
				oldN++
				newN++
			case diffmatchpatch.DiffDelete:
				out = append(out, DiffLine{Op: DiffDelete, Text: l, OldLine: oldN})
				oldN++
			case diffmatchpatch.DiffInsert:
				out = append(out, DiffLine{Op: DiffInsert, Text: l, NewLine: newN})
				newN++
			}
		}
	}
	return out
}

// splitLines splits a text into lines without their ends; a final line end
// does not make an empty last line.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// DiffHunk is a group of changed lines with their context.
type DiffHunk struct {
	Lines []DiffLine
}

// Hunks groups a diff into hunks, unified-diff style, with context
// unchanged lines around each change; hunks closer than 2*context merge.
func Hunks(lines []DiffLine, context int) []DiffHunk {
	if context < 0 {
		context = 0
	}
	var hunks []DiffHunk
	start, end := -1, -1 // current hunk, [start, end)
	for i, l := range lines {
		if l.Op == DiffEqual {
			continue
		}
		lo, hi := max(i-context, 0), min(i+context+1, len(lines))
		if start >= 0 && lo <= end {
			end = max(end, hi)
			continue
		}
		if start >= 0 {
			hunks = append(hunks, DiffHunk{Lines: lines[start:end]})
		}
		start, end = lo, hi
	}
	if start >= 0 {
		hunks = append(hunks, DiffHunk{Lines: lines[start:end]})
	}
	return hunks
}
