package search

import (
	"sync"
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
type openCache struct {
	m sync.Map // string → *content.OpeningHours (nil: unparseable)
}

func newOpenCache() *openCache { return &openCache{} }

func (c *openCache) parse(s string) *content.OpeningHours {
	if v, ok := c.m.Load(s); ok {
		return v.(*content.OpeningHours)
	}
	h, err := content.ParseOpeningHours(s)
	if err != nil {
		h = nil
	}
	c.m.Store(s, h)
	return h
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
	value := m.Hours
	if len(m.Infos) > 0 {
		value, _ = m.svc().Hours(content.DateOf(t), "")
	}
	if value == "" {
		return ouvertUnknown
	}
	h := c.parse(value)
	if h == nil {
		return ouvertUnknown
	}
	switch h.StateAt(t, content.IsFrenchHoliday) {
	case content.Open:
		return ouvertOpen
	case content.Closed:
		return ouvertClosed
	}
	return ouvertUnknown
}
