package proposals

import (
	"strings"
)

// Trailer keys of proposal and decision commits.
const (
	keyID       = "Proposition-Id"
	keyPath     = "Proposition-Path"
	keyKind     = "Proposition-Kind"
	keyAccount  = "Proposition-Compte"
	keyContact  = "Proposition-Contact"
	keyDecision = "Proposition-Decision"
	keyResult   = "Proposition-Revision"
)

// trailer is one "Key: value" line.
type trailer struct{ key, value string }

// message builds a commit message: a subject line, an optional body, then
// one paragraph of trailers. User text can only reach the subject and the
// body: it is cleaned of what would make it look like the trailers.
func message(subject, body string, trailers []trailer) string {
	var b strings.Builder
	b.WriteString(oneLine(subject))
	if body = cleanText(body); body != "" {
		b.WriteString("\n\n")
		b.WriteString(body)
	}
	b.WriteString("\n\n")
	for _, t := range trailers {
		if t.value == "" {
			continue
		}
		b.WriteString(t.key + ": " + oneLine(t.value) + "\n")
	}
	return b.String()
}

// parsed is a commit message read back.
type parsed struct {
	subject, body string
	trailers      map[string]string
}

// parseMessage splits a message built by message. Only the last paragraph
// is read as trailers, so text in the body never counts as one.
func parseMessage(m string) parsed {
	m = strings.TrimRight(strings.ReplaceAll(m, "\r\n", "\n"), "\n")
	p := parsed{trailers: map[string]string{}}
	subject, rest, _ := strings.Cut(m, "\n")
	p.subject = subject
	rest = strings.TrimLeft(rest, "\n")
	last := rest
	if i := strings.LastIndex(rest, "\n\n"); i >= 0 {
		p.body, last = rest[:i], rest[i+2:]
	}
	for _, line := range strings.Split(last, "\n") {
		k, v, ok := strings.Cut(line, ": ")
		if !ok || !strings.HasPrefix(k, "Proposition-") {
			// Not a trailer paragraph after all: it is body text.
			if last == rest {
				p.body = rest
			}
			return parsed{subject: p.subject, body: p.body, trailers: map[string]string{}}
		}
		p.trailers[k] = v
	}
	return p
}

// oneLine folds whitespace, newlines included, to single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// cleanText normalises line ends, drops control characters (but newlines
// and tabs) and blank runs at both ends. A paragraph break is kept as one
// blank line.
func cleanText(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, s)
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// IsProposal reports whether a commit message is that of a proposal or of
// a decision on one. Such commits live on refs/propositions/*, off the
// branch, and may carry a reporter's contact: the public history, revision
// and diff views must not show them even when asked by hash.
func IsProposal(message string) bool {
	return parseMessage(message).trailers[keyID] != ""
}
