package gitstore

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/aiguillage/aiguillage/content"
)

// logFormat makes git log print, per commit, NUL-separated fields: a \x01
// marker with the hash and parents, author name, e-mail, raw date and the
// message. -z then separates the file names with NULs.
const logFormat = "--format=%x01%H %P%x00%an%x00%ae%x00%ad%x00%B"

// cliLog is a source reading `git log` as a stream: it does 100,000 commits
// in seconds where a go-git walk takes minutes.
func (s *Store) cliLog(ctx context.Context, since, head plumbing.Hash, emit func(*record) error) error {
	args := []string{"--git-dir", s.gitDir,
		"-c", "log.showSignature=false", "-c", "log.mailmap=false", "-c", "core.quotePath=false",
		"log", "--first-parent", "--reverse", "--root", "--no-renames", "--diff-merges=first-parent",
		"--name-only", "-z", "--no-color", "--no-ext-diff", "--date=raw", logFormat, head.String()}
	if !since.IsZero() {
		args = append(args, "^"+since.String())
	}
	cmd := exec.CommandContext(ctx, s.gitPath, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("git log: %w", err)
	}
	perr := parseLog(out, emit)
	if perr != nil {
		io.Copy(io.Discard, out) // let git finish writing before Wait
	}
	werr := cmd.Wait()
	if perr != nil {
		return perr
	}
	if werr != nil {
		return fmt.Errorf("git log: %w: %s", werr, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// splitMin is the number of commits from which the CLI source runs two
// `git log` processes, on the older and the newer half of the range: git
// spends about 1 ms a commit comparing big trees, on one core.
const splitMin = 10000

// cliLogSplit is cliLog on two cores for long ranges: the newer half is read
// concurrently and held in memory (a few hundred bytes a commit) until the
// older half is written.
func (s *Store) cliLogSplit(ctx context.Context, since, head plumbing.Hash, emit func(*record) error) error {
	mid, ok := s.midpoint(ctx, since, head, s.splitMin)
	if !ok || runtime.GOMAXPROCS(0) < 2 {
		return s.cliLog(ctx, since, head, emit)
	}
	s.log.Debug("gitstore: indexing with two git processes", "since", since.String(), "mid", mid.String(), "head", head.String())
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var newer []*record
	done := make(chan error, 1)
	go func() {
		done <- s.cliLog(ctx, mid, head, func(r *record) error {
			newer = append(newer, r)
			return nil
		})
	}()
	err := s.cliLog(ctx, since, mid, emit)
	if err != nil {
		cancel()
	}
	if nerr := <-done; err == nil {
		err = nerr
	}
	if err != nil {
		return err
	}
	for _, r := range newer {
		if err := emit(r); err != nil {
			return err
		}
	}
	return nil
}

// midpoint returns the first-parent commit halfway between since and head,
// ok false when the range is shorter than minLen commits (or git fails).
func (s *Store) midpoint(ctx context.Context, since, head plumbing.Hash, minLen int) (plumbing.Hash, bool) {
	args := []string{"--git-dir", s.gitDir, "rev-list", "--first-parent", head.String()}
	if !since.IsZero() {
		args = append(args, "^"+since.String())
	}
	out, err := exec.CommandContext(ctx, s.gitPath, append(args, "--count")...).Output()
	if err != nil {
		return plumbing.ZeroHash, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil || n < minLen {
		return plumbing.ZeroHash, false
	}
	out, err = exec.CommandContext(ctx, s.gitPath, append(args, "--skip="+strconv.Itoa(n/2), "-n", "1")...).Output()
	if err != nil || !isHex40(strings.TrimSpace(string(out))) {
		return plumbing.ZeroHash, false
	}
	return plumbing.NewHash(strings.TrimSpace(string(out))), true
}

// parseLog reads the output of git log with logFormat and -z.
func parseLog(r io.Reader, emit func(*record) error) error {
	br := bufio.NewReaderSize(r, 1<<20)
	var cur *record
	field := 0 // header fields read for cur; 5 means reading file names
	for {
		tok, err := br.ReadString(0)
		if err != nil && err != io.EOF {
			return err
		}
		tok = strings.TrimSuffix(tok, "\x00")
		if strings.HasPrefix(tok, "\x01") || strings.HasPrefix(tok, "\n\x01") {
			if cur != nil {
				if err := emitRecord(cur, field, emit); err != nil {
					return err
				}
			}
			cur, field = &record{}, 1
			if err := parseHashes(cur, strings.TrimLeft(tok, "\n\x01")); err != nil {
				return err
			}
		} else if cur != nil && tok != "" {
			switch field {
			case 1:
				cur.author.Name = tok
			case 2:
				cur.author.Email = tok
			case 3:
				when, perr := parseRawDate(tok)
				if perr != nil {
					return perr
				}
				cur.when = when
			case 4:
				cur.message = trimMessage(tok)
			default:
				cur.files = append(cur.files, strings.TrimPrefix(tok, "\n"))
			}
			field++
		} else if cur != nil && field <= 4 {
			field++ // an empty name, e-mail or message
		}
		if err == io.EOF {
			break
		}
	}
	if cur == nil {
		return nil
	}
	return emitRecord(cur, field, emit)
}

func emitRecord(r *record, fields int, emit func(*record) error) error {
	if fields < 5 {
		return fmt.Errorf("git log: truncated record for %s", r.hash)
	}
	slices.Sort(r.files)
	r.files = slices.Compact(r.files)
	return emit(r)
}

func parseHashes(r *record, s string) error {
	hashes := strings.Fields(s)
	if len(hashes) == 0 || !isHex40(hashes[0]) {
		return fmt.Errorf("git log: unexpected header %q", truncate(s, 100))
	}
	r.hash = plumbing.NewHash(hashes[0])
	if len(hashes) > 1 {
		r.parent = plumbing.NewHash(hashes[1])
	}
	return nil
}

// parseRawDate reads git's raw date, "1700000000 +0100".
func parseRawDate(s string) (time.Time, error) {
	unix, tz, ok := strings.Cut(s, " ")
	sec, err := strconv.ParseInt(unix, 10, 64)
	if !ok || err != nil || len(tz) != 5 {
		return time.Time{}, fmt.Errorf("git log: bad date %q", s)
	}
	h, err1 := strconv.Atoi(tz[1:3])
	m, err2 := strconv.Atoi(tz[3:5])
	if err1 != nil || err2 != nil {
		return time.Time{}, fmt.Errorf("git log: bad date %q", s)
	}
	offset := (h*60 + m) * 60
	if tz[0] == '-' {
		offset = -offset
	}
	return time.Unix(sec, 0).In(zone(offset)), nil
}

// walkLog is the go-git source: it follows first parents from head back to
// since, then describes each commit oldest first with a tree diff.
func (h *handle) walkLog(ctx context.Context, since, head plumbing.Hash, emit func(*record) error) error {
	var chain []plumbing.Hash
	for cur := head; cur != since; {
		if err := ctx.Err(); err != nil {
			return err
		}
		c, err := h.commit(cur)
		if err != nil {
			return fmt.Errorf("read commit %s: %w", cur, err)
		}
		chain = append(chain, cur)
		if len(c.ParentHashes) == 0 {
			if !since.IsZero() {
				return errRewritten
			}
			break
		}
		cur = c.ParentHashes[0]
	}
	for i := len(chain) - 1; i >= 0; i-- {
		if err := ctx.Err(); err != nil {
			return err
		}
		c, err := h.commit(chain[i])
		if err != nil {
			return fmt.Errorf("read commit %s: %w", chain[i], err)
		}
		r, err := h.record(c)
		if err != nil {
			return fmt.Errorf("commit %s: %w", chain[i], err)
		}
		if err := emit(r); err != nil {
			return err
		}
	}
	return nil
}

// walkHistory is History without the index: it follows first parents from
// head and keeps the commits where name's entry differs from the parent's,
// up to limit (all when limit <= 0). It stops at the deadline (if not zero)
// with what it found and complete == false. Each step reads the trees on
// name's path (about 1 ms for a 10,000-file folder), so it is only a
// stopgap until the index is ready.
func (h *handle) walkHistory(ctx context.Context, head plumbing.Hash, name string, limit int, deadline time.Time) (out []content.Commit, complete bool, err error) {
	cur, err := h.commit(head)
	if err != nil {
		return nil, false, err
	}
	for n := 0; ; n++ {
		if err := ctx.Err(); err != nil {
			return nil, false, err
		}
		if n%64 == 63 && !deadline.IsZero() && time.Now().After(deadline) {
			return out, false, nil
		}
		var parent = plumbing.ZeroHash
		var pc = cur
		if len(cur.ParentHashes) > 0 {
			if pc, err = h.commit(cur.ParentHashes[0]); err != nil {
				return nil, false, err
			}
			parent = pc.TreeHash
		}
		changed, err := h.entryChanged(parent, cur.TreeHash, name)
		if err != nil {
			return nil, false, err
		}
		if changed {
			r, err := h.record(cur)
			if err != nil {
				return nil, false, err
			}
			out = append(out, r.commit())
			if limit > 0 && len(out) >= limit {
				return out, true, nil
			}
		}
		if parent.IsZero() {
			return out, true, nil
		}
		cur = pc
	}
}

// entryChanged reports whether name differs between two trees, descending
// only while the trees on its path differ.
func (h *handle) entryChanged(a, b plumbing.Hash, name string) (bool, error) {
	for {
		if a == b {
			return false, nil
		}
		first, rest, deeper := cut(name)
		var ea, eb treeEntryLite
		var err error
		if ea, err = h.lite(a, first); err != nil {
			return false, err
		}
		if eb, err = h.lite(b, first); err != nil {
			return false, err
		}
		if !deeper {
			return ea.file != eb.file || ea.hash != eb.hash, nil
		}
		// Only folders continue the path; a file there means the name is absent.
		if !ea.dir {
			ea.hash = plumbing.ZeroHash
		}
		if !eb.dir {
			eb.hash = plumbing.ZeroHash
		}
		a, b, name = ea.hash, eb.hash, rest
	}
}

type treeEntryLite struct {
	hash      plumbing.Hash
	dir, file bool
}

// lite finds one entry of a tree (ZeroHash: empty tree).
func (h *handle) lite(tree plumbing.Hash, name string) (treeEntryLite, error) {
	if tree.IsZero() {
		return treeEntryLite{}, nil
	}
	t, err := h.tree(tree)
	if err != nil {
		return treeEntryLite{}, err
	}
	e, ok := findEntry(t, name)
	if !ok {
		return treeEntryLite{}, nil
	}
	return treeEntryLite{hash: e.Hash, dir: e.Mode == dirMode, file: e.Mode != dirMode}, nil
}
