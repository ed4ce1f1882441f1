package edit_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/edit"
)

// TestConcurrentSaves runs writers from goroutines on two pages. Each
// writer owns one body line (lines are two apart, so their edits merge)
// and some writers share a line (so they conflict). Every acknowledged save
// must be in the history at its revision, the last one of each writer at
// the tip, and every refusal a conflict that kept the writer's text.
func TestConcurrentSaves(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pages := []content.Path{epicerie, "services/aide-macon"}
	actors := map[content.Path]edit.Actor{epicerie: cluny, "services/aide-macon": macon}
	const lines = 12
	var body strings.Builder
	for i := range lines {
		fmt.Fprintf(&body, "ligne %d\n", i)
	}
	for _, p := range pages {
		d, err := f.ed.Load(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		_, front, _ := strings.Cut(string(d.Raw), "---\n")
		front, _, _ = strings.Cut(front, "---\n")
		if _, err := f.ed.Save(ctx, admin, p, d.Revision, []byte("---\n"+front+"---\n"+body.String()), "lignes"); err != nil {
			t.Fatal(err)
		}
	}
	type ack struct {
		rev  content.Revision
		text string
	}
	const writers, saves = 8, 6
	var (
		mu        sync.Mutex
		acked     = map[string][]ack{} // writer → its acknowledged saves
		conflicts int
		merged    int
	)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := pages[w%2]
			line := 2 * (w / 2) // writers 0..7 own lines 0,0,2,2,4,4,6,6 of two pages
			if w >= 6 {
				line = 0 // writers 6 and 7 fight over line 0 with writers 0 and 1
			}
			key := fmt.Sprintf("w%d", w)
			for n := range saves {
				d, err := f.ed.Load(ctx, p)
				if err != nil {
					t.Error(err)
					return
				}
				text := fmt.Sprintf("ligne %d par %s-%d", line, key, n)
				lines := strings.SplitAfter(string(d.Raw), "\n")
				for i, l := range lines {
					if strings.HasPrefix(l, fmt.Sprintf("ligne %d", line)) && strings.HasSuffix(l, "\n") {
						lines[i] = text + "\n"
					}
				}
				raw := strings.Join(lines, "")
				res, err := f.ed.Save(ctx, actors[p], p, d.Revision, []byte(raw), key)
				var ce *edit.ConflictError
				switch {
				case err == nil:
					mu.Lock()
					acked[key] = append(acked[key], ack{res.Revision, text})
					if res.Merged {
						merged++
					}
					mu.Unlock()
				case errors.As(err, &ce):
					if string(ce.Ours) != raw {
						t.Errorf("conflict lost the writer's text")
					}
					mu.Lock()
					conflicts++
					mu.Unlock()
				default:
					t.Errorf("%s: save: %v", key, err)
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("acknowledged saves by writer: %d writers, %d merged, %d conflicts", len(acked), merged, conflicts)
	for key, list := range acked {
		for _, a := range list {
			name := pages[int(key[1]-'0')%2].File()
			file, err := f.store.ReadFile(ctx, a.rev, name)
			if err != nil || !strings.Contains(string(file.Data), a.text+"\n") {
				t.Errorf("%s: acknowledged save %q not at its revision %s: %v", key, a.text, a.rev.Short(), err)
			}
		}
	}
	// Writers 2..5 own their lines: their last acknowledged save is at the tip.
	for w := 2; w < 6; w++ {
		list := acked[fmt.Sprintf("w%d", w)]
		if len(list) == 0 {
			t.Errorf("w%d: no save acknowledged", w)
			continue
		}
		if got := f.file(t, pages[w%2].File()); !strings.Contains(got, list[len(list)-1].text+"\n") {
			t.Errorf("w%d: last save %q lost:\n%s", w, list[len(list)-1].text, got)
		}
	}
	fsck(t, f.dir)
}

// meddler commits a change of its own to the same page just before each
// of the editor's commits, as a git push landing at the worst moment would.
type meddler struct {
	edit.Store
	times int // how many commits to meddle with
	n     int
}

func (m *meddler) Commit(ctx context.Context, ch content.Change) (content.Commit, error) {
	if m.n < m.times {
		m.n++
		head, err := m.Store.Head(ctx)
		if err != nil {
			return content.Commit{}, err
		}
		for name := range ch.Writes {
			f, err := m.Store.ReadFile(ctx, head, name)
			if err != nil {
				return content.Commit{}, err
			}
			text := string(f.Data)
			if i := strings.Index(text, "Cinquième ligne"); i >= 0 {
				end := i + strings.IndexByte(text[i:], '\n')
				text = text[:i] + fmt.Sprintf("Cinquième ligne, poussée %d.", m.n) + text[end:]
			}
			if _, err := m.Store.Commit(ctx, content.Change{Base: head, Author: content.Author{Name: "Git CLI"}, Message: "push",
				Writes: map[string][]byte{name: []byte(text)}}); err != nil {
				return content.Commit{}, err
			}
		}
	}
	return m.Store.Commit(ctx, ch)
}

func TestCompareAndSwapRetries(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		times int
		ok    bool
	}{{1, true}, {3, true}, {100, false}} {
		f := newFixture(t)
		m := &meddler{Store: f.store, times: tt.times}
		ed, err := edit.New(edit.Config{Store: m, Refs: loadRefs(t), Now: func() time.Time { return clock }})
		if err != nil {
			t.Fatal(err)
		}
		d, _ := ed.Load(ctx, epicerie)
		raw := strings.Replace(string(d.Raw), "Première ligne.", fmt.Sprintf("Première ligne (%d).", tt.times), 1)
		res, err := ed.Save(ctx, cluny, epicerie, d.Revision, []byte(raw), "x")
		if !tt.ok {
			if !errors.Is(err, content.ErrConflict) || errors.As(err, new(*edit.ConflictError)) {
				t.Fatalf("%d meddling commits: err = %v, want a bounded-retry conflict", tt.times, err)
			}
			continue
		}
		if err != nil || !res.Merged {
			t.Fatalf("%d meddling commits: %+v, %v", tt.times, res, err)
		}
		got := f.file(t, epicerie.File())
		if !strings.Contains(got, fmt.Sprintf("Première ligne (%d).", tt.times)) || !strings.Contains(got, fmt.Sprintf("poussée %d.", tt.times)) {
			t.Fatalf("after %d meddling commits:\n%s", tt.times, got)
		}
		fsck(t, f.dir)
	}
}
