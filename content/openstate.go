package content

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// OpenState says whether a place is open at some moment.
type OpenState int

// The states. Unknown is the zero value: callers must never present it as
// closed.
const (
	Unknown OpenState = iota // no hours, hours we cannot read, or hours that say "unknown" or only comment
	Open
	Closed
)

// String returns "unknown", "open" or "closed".
func (s OpenState) String() string {
	switch s {
	case Open:
		return "open"
	case Closed:
		return "closed"
	}
	return "unknown"
}

// dayCtx is the day being evaluated.
type dayCtx struct {
	date      Date
	wd        int // Monday = 0; 7 for the typical public holiday of Week
	isHoliday func(Date) bool
	holiday   int8 // 0: not asked yet, 1: a public holiday, -1: not one
	typical   bool // a day of Week's typical week: dated rules never match
}

func (d *dayCtx) isPH() bool {
	if d.holiday == 0 {
		d.holiday = -1
		if d.isHoliday(d.date) {
			d.holiday = 1
		}
	}
	return d.holiday > 0
}

// matches reports whether the rule's selectors select d.
func (r *hoursRule) matches(d *dayCtx) bool {
	if len(r.dates) > 0 || r.weekMask != 0 {
		if d.typical || !r.matchDates(d.date) {
			return false
		}
		if r.weekMask != 0 {
			if _, w := d.date.Time(time.UTC).ISOWeek(); r.weekMask&(1<<w) == 0 {
				return false
			}
		}
	}
	if r.days == 0 && !r.ph {
		return true
	}
	return r.days&(1<<d.wd) != 0 || r.ph && d.isPH()
}

func (r *hoursRule) matchDates(d Date) bool {
	if len(r.dates) == 0 {
		return true
	}
	md := mkMonthDay(int(d.Month), d.Day)
	for _, dr := range r.dates {
		if dr.from <= dr.to && dr.from <= md && md <= dr.to ||
			dr.from > dr.to && (md >= dr.from || md <= dr.to) {
			return true
		}
	}
	return false
}

// dayState evaluates minute m of day d (m ≥ 1440 for the part of the day's
// ranges that runs into the next morning): the last matching rule whose
// ranges cover m decides; a matching rule that is not additional hides the
// rules before it. ok is false when no rule covers m.
func (h *OpeningHours) dayState(d *dayCtx, m int) (s OpenState, ok bool) {
	for i := len(h.rules) - 1; i >= 0; i-- {
		r := &h.rules[i]
		if !r.matches(d) {
			continue
		}
		for _, sp := range r.spans {
			if sp.from <= m && m < sp.to {
				return r.state, true
			}
		}
		if !r.additional {
			break
		}
	}
	return Closed, false
}

// StateAt evaluates the hours at t, read in t's location (pass Europe/Paris
// times). Times are taken to the minute: an opening minute is open, a
// closing minute is closed. isHoliday tells public holidays apart for PH
// rules; nil means IsFrenchHoliday. Empty hours give Unknown.
func (h *OpeningHours) StateAt(t time.Time, isHoliday func(Date) bool) OpenState {
	if h == nil || len(h.rules) == 0 {
		return Unknown
	}
	if isHoliday == nil {
		isHoliday = IsFrenchHoliday
	}
	hh, mm, _ := t.Clock()
	m := hh*60 + mm
	today := dayCtx{date: DateOf(t), wd: (int(t.Weekday()) + 6) % 7, isHoliday: isHoliday}
	if s, ok := h.dayState(&today, m); ok {
		return s
	}
	if h.spills {
		yesterday := dayCtx{date: today.date.AddDays(-1), wd: (today.wd + 6) % 7, isHoliday: isHoliday}
		if s, ok := h.dayState(&yesterday, m+1440); ok {
			return s
		}
	}
	return Closed
}

// NextChange returns the first moment after t, within 8 days, at which the
// state differs from the state at t, and that new state ("ouvre lundi à
// 09:00"). ok is false when nothing changes within 8 days (24/7, always
// closed, unknown). The moment is in t's location.
func (h *OpeningHours) NextChange(t time.Time, isHoliday func(Date) bool) (at time.Time, s OpenState, ok bool) {
	cur := h.StateAt(t, isHoliday)
	if h == nil || len(h.rules) == 0 {
		return time.Time{}, cur, false
	}
	limit := t.Add(8 * 24 * time.Hour)
	start := DateOf(t)
	for i := 0; i <= 8; i++ {
		d := start.AddDays(i)
		// The state only changes at midnight and at range edges (h.bounds).
		for _, b := range h.bounds {
			c := time.Date(d.Year, d.Month, d.Day, b/60, b%60, 0, 0, t.Location())
			if hh, mm, _ := c.Clock(); hh*60+mm != b {
				// b falls in the hour skipped when clocks go forward: the
				// change happens when the new offset starts (03:00 in Paris).
				if start, _ := c.ZoneBounds(); start.After(t) {
					c = start
				}
			}
			if !c.After(t) {
				continue
			}
			if c.After(limit) {
				return time.Time{}, cur, false
			}
			if s := h.StateAt(c, isHoliday); s != cur {
				return c, s, true
			}
		}
	}
	return time.Time{}, cur, false
}

// DaySchedule is one line of a readable schedule.
type DaySchedule struct {
	// Label is "Lundi" … "Dimanche", "Jours fériés", or for a rule limited
	// to some dates, its period in words ("Juillet, août — du lundi au vendredi").
	Label string
	// Ranges are the opening times, "09:00–12:00" (en dash), in order; a
	// range written "20:00–08:00" ends the next morning. Empty when closed,
	// or unknown, all day.
	Ranges []string
	// State is Open when some range is open, Unknown when the hours do not
	// say (a comment alone, "unknown"), Closed otherwise.
	State   OpenState
	Comment string // the rules' comments, "; "-joined
}

// Week returns the usual week for display: Monday to Sunday, then "Jours
// fériés" when a rule mentions PH, then one line per rule limited to some
// dates or weeks (those rules are left out of the usual week).
func (h *OpeningHours) Week() []DaySchedule {
	if h == nil || len(h.rules) == 0 {
		return nil
	}
	labels := [...]string{"Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche", "Jours fériés"}
	var out []DaySchedule
	ph := slices.ContainsFunc(h.rules, func(r hoursRule) bool { return r.ph })
	for wd, label := range labels {
		if wd == 7 && !ph {
			break
		}
		d := dayCtx{wd: wd, holiday: -1, typical: true}
		if wd == 7 {
			d.holiday = 1
		}
		ds := h.typicalDay(&d)
		ds.Label = label
		out = append(out, ds)
	}
	for i := range h.rules {
		if r := &h.rules[i]; len(r.dates) > 0 || r.weekMask != 0 {
			ds := DaySchedule{Label: r.period(), State: r.state, Comment: r.comment}
			if r.state != Closed && (len(r.times) > 0 || r.state == Open) {
				for _, sp := range r.spans {
					ds.Ranges = append(ds.Ranges, sp.display())
				}
			}
			out = append(out, ds)
		}
	}
	return out
}

// typicalDay sweeps the day's range edges to list what the rules say.
func (h *OpeningHours) typicalDay(d *dayCtx) DaySchedule {
	edges := []int{0, 1440, 2880}
	var comments []string
	for i := len(h.rules) - 1; i >= 0; i-- {
		r := &h.rules[i]
		if !r.matches(d) {
			continue
		}
		for _, sp := range r.spans {
			edges = append(edges, sp.from, sp.to)
		}
		if r.comment != "" {
			comments = append(comments, r.comment)
		}
		if !r.additional {
			break
		}
	}
	slices.Sort(edges)
	edges = slices.Compact(edges)
	slices.Reverse(comments)
	ds := DaySchedule{State: Closed, Comment: strings.Join(comments, "; ")}
	var segs [3][]timeSpan // by state
	for i := 0; i+1 < len(edges); i++ {
		s, ok := h.dayState(d, edges[i])
		if !ok {
			continue
		}
		if n := len(segs[s]); n > 0 && segs[s][n-1].to == edges[i] {
			segs[s][n-1].to = edges[i+1]
		} else {
			segs[s] = append(segs[s], timeSpan{edges[i], edges[i+1]})
		}
	}
	switch {
	case len(segs[Open]) > 0:
		ds.State = Open
	case len(segs[Unknown]) > 0:
		ds.State = Unknown
		if segs[Unknown][0] == (timeSpan{0, 1440}) {
			return ds
		}
	default:
		return ds
	}
	for _, sp := range segs[ds.State] {
		ds.Ranges = append(ds.Ranges, sp.display())
	}
	return ds
}

// display writes the span as "09:00–12:00", the end past midnight as the
// next morning's time.
func (sp timeSpan) display() string {
	to := sp.to
	if to > 1440 {
		to -= 1440
	}
	return formatHHMM(sp.from) + "–" + formatHHMM(to)
}

// period describes a dated rule's selectors in French.
func (r *hoursRule) period() string {
	var parts []string
	if len(r.dates) > 0 {
		ds := make([]string, len(r.dates))
		for i, d := range r.dates {
			ds[i] = d.french()
		}
		parts = append(parts, strings.Join(ds, ", "))
	}
	for _, w := range r.weeks {
		parts = append(parts, w.french())
	}
	if r.days != 0 || r.ph {
		parts = append(parts, weekdaysFR(r.days, r.ph))
	}
	s := strings.Join(parts, " — ")
	first, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(first)) + s[size:]
}

func monthFR(m int) string {
	return [...]string{"", "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
		"août", "septembre", "octobre", "novembre", "décembre"}[m]
}

func monthDayFR(md monthDay) string {
	if md.day() == 1 {
		return "1er " + monthFR(md.month())
	}
	return strconv.Itoa(md.day()) + " " + monthFR(md.month())
}

// french writes the range as "juillet", "de janvier à juin", "le 24
// décembre" or "du 24 décembre au 2 janvier".
func (d dateSel) french() string {
	switch {
	case d.months && d.from.month() == d.to.month():
		return monthFR(d.from.month())
	case d.months:
		return "de " + monthFR(d.from.month()) + " à " + monthFR(d.to.month())
	case d.from == d.to:
		return "le " + monthDayFR(d.from)
	}
	return "du " + monthDayFR(d.from) + " au " + monthDayFR(d.to)
}

// french writes the range as "semaine 5" or "semaines 1 à 53, une sur 2".
func (w weekSel) french() string {
	s := "semaine " + strconv.Itoa(w.from)
	if w.to != w.from {
		s = "semaines " + strconv.Itoa(w.from) + " à " + strconv.Itoa(w.to)
	}
	if w.step > 1 {
		s += ", une sur " + strconv.Itoa(w.step)
	}
	return s
}

// weekdaysFR writes a weekday set as "du lundi au vendredi", "mardi,
// jeudi", then "jours fériés".
func weekdaysFR(days uint8, ph bool) string {
	names := [...]string{"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"}
	var parts []string
	for _, code := range strings.Split(weekdaysString(days, false), ",") {
		if code == "" {
			continue
		}
		from, to, isRange := strings.Cut(code, "-")
		f := names[strings.Index(weekdayCodes, from)/2]
		if isRange {
			f = "du " + f + " au " + names[strings.Index(weekdayCodes, to)/2]
		}
		parts = append(parts, f)
	}
	if ph {
		parts = append(parts, "jours fériés")
	}
	return strings.Join(parts, ", ")
}

// covers reports whether the entry applies on day d. An entry without au is
// open-ended: it lasts until someone removes it ("jusqu'à nouvel ordre"),
// which is how people write a closure whose end they do not know yet. An
// entry without du is invalid (the validator reports it) and never applies.
func (in *InfoTemporaire) covers(d Date) bool {
	return !in.Du.IsZero() && !d.Before(in.Du) && !in.past(d)
}

// past reports whether the entry ended before day d.
func (in *InfoTemporaire) past(d Date) bool {
	return !in.Au.IsZero() && in.Au.Before(d)
}

// Hours returns the opening_hours value that applies to the service on day
// d, and the temporary entry that set it, if any: a "fermeture" entry
// covering d gives "off"; otherwise an "horaires" entry covering d gives its
// hours (the one starting last wins when several overlap); otherwise the
// service's horaires_accueil, or fallback (the structure's) when it has
// none. Past and future entries are ignored.
func (s *Service) Hours(d Date, fallback string) (string, *InfoTemporaire) {
	var horaires *InfoTemporaire
	for i := range s.InfosTemporaires {
		in := &s.InfosTemporaires[i]
		if !in.covers(d) {
			continue
		}
		switch in.Type {
		case InfoFermeture:
			return "off", in
		case InfoHoraires:
			if horaires == nil || !in.Du.Before(horaires.Du) {
				horaires = in
			}
		}
	}
	if horaires != nil {
		return horaires.Horaires, horaires
	}
	if s.HorairesAccueil != "" {
		return s.HorairesAccueil, nil
	}
	return fallback, nil
}

// StateAt says whether the service is open at t (in Europe/Paris), with the
// temporary entry responsible when one applies (to show its message). A
// service whose statut is ferme or suspendu is Closed. Hours that are absent
// or that do not parse give Unknown, never Closed. Public holidays are
// France's (IsFrenchHoliday).
func (s *Service) StateAt(t time.Time, fallback string) (OpenState, *InfoTemporaire) {
	if s.Statut == StatutFerme || s.Statut == StatutSuspendu {
		return Closed, nil
	}
	value, in := s.Hours(DateOf(t), fallback)
	if value == "" {
		return Unknown, in
	}
	h, err := ParseOpeningHours(value)
	if err != nil {
		return Unknown, in
	}
	return h.StateAt(t, IsFrenchHoliday), in
}

// CurrentInfos returns the entries to show as a banner on day today: those
// in progress and those starting within InfoAnnounceDays days, sorted by
// start date; past entries are left out.
func (s *Service) CurrentInfos(today Date) []InfoTemporaire {
	var out []InfoTemporaire
	horizon := today.AddDays(InfoAnnounceDays)
	for i := range s.InfosTemporaires {
		in := &s.InfosTemporaires[i]
		if in.Du.IsZero() || in.past(today) || horizon.Before(in.Du) {
			continue
		}
		out = append(out, *in)
	}
	slices.SortStableFunc(out, func(a, b InfoTemporaire) int { return dateOrder(a.Du, b.Du) })
	return out
}
