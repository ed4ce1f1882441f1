package search

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/aiguillage/aiguillage/content"
)

// The values of the "ouvert" facet and of Hit.Ouvert.
const (
	ouvertOpen    = "ouvert"
	ouvertClosed  = "ferme"
	ouvertUnknown = "inconnu"
)

// openCache memoises parsed opening_hours values by their text: a
// directory repeats a few hundred distinct values over thousands of
// services, and parsing is the costly part of evaluating one.
//
// "Ouvert maintenant" is evaluated exactly, per candidate and at query
// time, from the meta in memory: the hours that apply on the day (a
// temporary closure or temporary hours first, as content.Service.Hours
// says), then content's evaluator with the French holidays. Indexing
// 15-minute slots as terms was the alternative; it cannot express
// holidays, dated closures or minute boundaries without a second exact
// pass anyway, and the exact pass alone costs well under a microsecond
// per candidate once the hours are parsed.
//
// Within a minute a value's state cannot change (the evaluator reads the
// clock to the minute), and a search evaluates hundreds of candidates at
// the same instant, most of them sharing a few values: each parsed value
// keeps the state of the last minute it was evaluated at.
type openCache struct {
	m sync.Map // string → *openEntry
}

// openEntry is a parsed value (h nil: unparseable) and its last state,
// packed as minute<<2 | state.
type openEntry struct {
	h    *content.OpeningHours
	last atomic.Uint64
}

func newOpenCache() *openCache { return &openCache{} }

func (c *openCache) entry(s string) *openEntry {
	if v, ok := c.m.Load(s); ok {
		return v.(*openEntry)
	}
	h, err := content.ParseOpeningHours(s)
	if err != nil {
		h = nil
	}
	e := &openEntry{h: h}
	v, _ := c.m.LoadOrStore(s, e)
	return v.(*openEntry)
}

// stateAt returns the state of the entry's hours at t, through the memo
// of the last minute.
func (e *openEntry) stateAt(t time.Time) content.OpenState {
	minute := uint64(t.Unix()/60) + 1 // 0: never evaluated
	if v := e.last.Load(); v>>2 == minute {
		return content.OpenState(v & 3)
	}
	st := e.h.StateAt(t, content.IsFrenchHoliday)
	if uint64(st) <= 3 {
		e.last.Store(minute<<2 | uint64(st))
	}
	return st
}

// state says whether the document m describes is open at t (already in
// Europe/Paris): "ouvert", "ferme" or "inconnu". Free pages are "inconnu".
func (c *openCache) state(m *meta, t time.Time) string {
	if m.Kind == content.KindPage {
		return ouvertUnknown
	}
	if m.inactive() {
		return ouvertClosed
	}
	var e *openEntry
	if len(m.Infos) > 0 {
		value, _ := m.svc().Hours(content.DateOf(t), "")
		if value == "" {
			return ouvertUnknown
		}
		e = c.entry(value)
	} else if m.Hours == "" {
		return ouvertUnknown
	} else if e = m.hours.Load(); e == nil {
		e = c.entry(m.Hours)
		m.hours.Store(e)
	}
	if e.h == nil {
		return ouvertUnknown
	}
	switch e.stateAt(t) {
	case content.Open:
		return ouvertOpen
	case content.Closed:
		return ouvertClosed
	}
	return ouvertUnknown
}
