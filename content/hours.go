package content

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrHours is wrapped by every error of ParseOpeningHours.
var ErrHours = errors.New("invalid opening hours")

// MaxHoursLen bounds an opening_hours value, in bytes. OpenStreetMap itself
// caps tag values at 255 characters; real schedules are far shorter.
const MaxHoursLen = 2000

// HoursError names the part of an opening_hours value that could not be
// understood, and why, in French for the person who wrote it.
type HoursError struct {
	Part   string // the rule (text between semicolons) at fault
	Reason string // what was expected
}

// Error formats the problem as `horaires : « part » n'est pas compris (reason)`.
func (e *HoursError) Error() string {
	return "horaires : « " + e.Part + " » n'est pas compris (" + e.Reason + ")"
}

// Unwrap makes errors.Is(err, ErrHours) hold.
func (e *HoursError) Unwrap() error { return ErrHours }

// OpeningHours is a parsed OpenStreetMap opening_hours value. Its zero value
// (and a nil pointer) has no rules: its state is always Unknown.
//
// Semantics, as in OpenStreetMap: rules are read in order and a rule
// separated by ";" replaces whatever earlier rules said about the days it
// selects (so "PH off" last closes public holidays); a rule separated by ","
// is additional and only overrides earlier rules where its times overlap. A
// time range that ends after midnight ("20:00-08:00", "22:00-26:00") belongs
// to the day it starts on: the next day's rules do not cut it short unless
// they give a time range that covers it.
type OpeningHours struct {
	rules  []hoursRule
	spills bool  // some time range ends after midnight
	bounds []int // every minute of the day at which the state may change, sorted
}

// rule is one rule of an opening_hours value.
type hoursRule struct {
	additional bool // joined to the previous rule by ","
	is247      bool // written "24/7"
	dates      []dateSel
	weeks      []weekSel
	weekMask   uint64     // bit w set for each selected ISO week; 0 = every week
	days       uint8      // bit i set for each selected weekday, Monday = 0
	ph         bool       // selects public holidays
	times      []timeSpan // as written; empty = the whole day
	spans      []timeSpan // what the rule says about its days: times, or the whole day
	state      OpenState
	modifier   bool // the state was written (open, off, closed, unknown)
	comment    string
}

// span is a time range in minutes since the midnight that starts its day;
// to may exceed 1440 when the range ends the next day.
type timeSpan struct{ from, to int }

// dateSel selects the days from one month-day to another, inclusive,
// wrapping over the new year when from > to.
type dateSel struct {
	from, to monthDay
	months   bool // written as months ("Jan-Jun", "Aug")
}

// monthDay is month*32 + day, so that month-days compare as integers.
type monthDay int

func (md monthDay) month() int { return int(md) / 32 }
func (md monthDay) day() int   { return int(md) % 32 }

// weekSel selects ISO weeks from..to, every step weeks.
type weekSel struct{ from, to, step int }

// ParseOpeningHours reads an OpenStreetMap opening_hours value, in the subset
// described in the package documentation of OpeningHours: rules separated by
// ";" (or "," for additional rules), month and date ranges, week numbers,
// weekdays and PH, time ranges, the modifiers open, off, closed and unknown,
// and comments in double quotes. An empty value gives hours whose state is
// always Unknown. Errors wrap ErrHours and are a *HoursError.
func ParseOpeningHours(s string) (*OpeningHours, error) {
	if len(s) > MaxHoursLen {
		return nil, &HoursError{Part: truncateForMessage(s, 40), Reason: fmt.Sprintf("trop long : %d caractères, %d au plus", len(s), MaxHoursLen)}
	}
	segments, err := splitRules(s)
	if err != nil {
		return nil, err
	}
	h := &OpeningHours{}
	for _, seg := range segments {
		p := hoursParser{part: strings.TrimSpace(seg)}
		if err := p.lex(seg); err != nil {
			return nil, err
		}
		rules, err := p.parseRules()
		if err != nil {
			return nil, err
		}
		h.rules = append(h.rules, rules...)
	}
	h.index()
	return h, nil
}

// index computes the fields derived from the rules.
func (h *OpeningHours) index() {
	seen := map[int]bool{0: true}
	h.bounds = []int{0}
	for i := range h.rules {
		for _, sp := range h.rules[i].spans {
			if sp.to > 1440 {
				h.spills = true
			}
			for _, m := range []int{sp.from % 1440, sp.to % 1440} {
				if !seen[m] {
					seen[m] = true
					h.bounds = append(h.bounds, m)
				}
			}
		}
	}
	slices.Sort(h.bounds)
}

// splitRules cuts s at the semicolons outside comments.
func splitRules(s string) ([]string, error) {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case ';':
			if !quoted {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	if quoted {
		return nil, &HoursError{Part: printable(s[start:]), Reason: "guillemet fermant manquant après le commentaire"}
	}
	return append(out, s[start:]), nil
}

// String writes the hours in a normalised opening_hours form, which parses
// back to the same schedule.
func (h *OpeningHours) String() string {
	if h == nil {
		return ""
	}
	var b strings.Builder
	for i := range h.rules {
		r := &h.rules[i]
		if i > 0 {
			if r.additional {
				b.WriteString(", ")
			} else {
				b.WriteString("; ")
			}
		}
		r.write(&b)
	}
	return b.String()
}

// write appends the rule in normalised form.
func (r *hoursRule) write(b *strings.Builder) {
	var parts []string
	if r.is247 {
		parts = append(parts, "24/7")
	}
	if len(r.dates) > 0 {
		ds := make([]string, len(r.dates))
		for i, d := range r.dates {
			ds[i] = d.String()
		}
		parts = append(parts, strings.Join(ds, ","))
	}
	if len(r.weeks) > 0 {
		ws := make([]string, len(r.weeks))
		for i, w := range r.weeks {
			ws[i] = w.String()
		}
		parts = append(parts, "week "+strings.Join(ws, ","))
	}
	if r.days != 0 || r.ph {
		parts = append(parts, weekdaysString(r.days, r.ph))
	}
	if len(r.times) > 0 {
		ts := make([]string, len(r.times))
		for i, t := range r.times {
			ts[i] = t.String()
		}
		parts = append(parts, strings.Join(ts, ","))
	}
	if r.modifier {
		parts = append(parts, map[OpenState]string{Open: "open", Closed: "off", Unknown: "unknown"}[r.state])
	}
	if r.comment != "" || (len(parts) == 0 && r.state == Unknown) {
		parts = append(parts, `"`+r.comment+`"`)
	}
	b.WriteString(strings.Join(parts, " "))
}

// String writes the span as "09:00-12:00"; a span that ends the next day is
// written "20:00-08:00", or "10:00-34:00" when it lasts exactly 24 hours.
func (t timeSpan) String() string {
	to := t.to
	if to > 1440 && to < t.from+1440 {
		to -= 1440
	}
	return formatHHMM(t.from) + "-" + formatHHMM(to)
}

// clock writes minutes as HH:MM; 1440 is "24:00", and extended times past
// midnight stay above 24 ("26:00").
func formatHHMM(m int) string {
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}

// weekdayCodes holds the two-letter weekday codes, Monday first.
const weekdayCodes = "MoTuWeThFrSaSu"

func weekdayCode(i int) string { return weekdayCodes[2*i : 2*i+2] }

// weekdaysString writes a weekday set as ranges and lists ("Mo-Fr",
// "Tu,Th", "Sa-Mo"), then PH.
func weekdaysString(days uint8, ph bool) string {
	var parts []string
	if days == 0x7f {
		parts = append(parts, "Mo-Su")
	} else if days != 0 {
		// Start after a gap so that wrapping ranges stay whole ("Sa-Mo").
		start := 0
		for days&(1<<start) == 0 || days&(1<<((start+6)%7)) != 0 {
			start++
		}
		for i := 0; i < 7; {
			d := (start + i) % 7
			if days&(1<<d) == 0 {
				i++
				continue
			}
			j := i
			for j+1 < 7 && days&(1<<((start+j+1)%7)) != 0 {
				j++
			}
			switch e := (start + j) % 7; {
			case j == i:
				parts = append(parts, weekdayCode(d))
			case j == i+1:
				parts = append(parts, weekdayCode(d), weekdayCode(e))
			default:
				parts = append(parts, weekdayCode(d)+"-"+weekdayCode(e))
			}
			i = j + 1
		}
	}
	if ph {
		parts = append(parts, "PH")
	}
	return strings.Join(parts, ",")
}

// monthCodes holds the three-letter month codes, January first.
const monthCodes = "JanFebMarAprMayJunJulAugSepOctNovDec"

func monthCode(m int) string { return monthCodes[3*(m-1) : 3*m] }

// String writes the range as "Jan-Jun", "Aug", "Dec 24", "Dec 24-26" or
// "Dec 24-Jan 02".
func (d dateSel) String() string {
	from, to := d.from, d.to
	switch {
	case d.months && from.month() == to.month():
		return monthCode(from.month())
	case d.months:
		return monthCode(from.month()) + "-" + monthCode(to.month())
	case from == to:
		return fmt.Sprintf("%s %02d", monthCode(from.month()), from.day())
	case from.month() == to.month() && from < to:
		return fmt.Sprintf("%s %02d-%02d", monthCode(from.month()), from.day(), to.day())
	}
	return fmt.Sprintf("%s %02d-%s %02d", monthCode(from.month()), from.day(), monthCode(to.month()), to.day())
}

// String writes the range as "05", "01-26" or "01-53/2".
func (w weekSel) String() string {
	s := fmt.Sprintf("%02d", w.from)
	if w.to != w.from {
		s += fmt.Sprintf("-%02d", w.to)
	}
	if w.step > 1 {
		s += "/" + strconv.Itoa(w.step)
	}
	return s
}

// truncate shortens s to at most n runes for an error message.
func truncateForMessage(s string, n int) string {
	s = printable(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// clean makes s printable in a message: valid UTF-8, trimmed.
func printable(s string) string {
	return strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD"))
}

// hoursTokKind is the kind of a token of an opening_hours rule.
type hoursTokKind int

const (
	tokEOF     hoursTokKind = iota
	tokWord                 // ASCII letters: Mo, PH, Jan, week, off...
	tokNum                  // digits
	tokTime                 // H:MM or HH:MM
	tokDash                 // "-" or a typographic dash
	tokComma                // ","
	tokSlash                // "/"
	tokColon                // ":" not inside a time
	tokComment              // text between double quotes, without them
	tokOther                // anything else, an error wherever it appears
)

// token is one lexical unit; pos is its byte offset in the rule.
type hoursToken struct {
	kind hoursTokKind
	text string
	n, m int // tokNum: value; tokTime: hours and minutes
	pos  int
}

// parser reads the rules of one semicolon-separated part.
type hoursParser struct {
	src  string // the part as written
	part string // trimmed, for messages
	toks []hoursToken
	i    int
}

func (p *hoursParser) peek() hoursToken { return p.peekAt(0) }

func (p *hoursParser) peekAt(k int) hoursToken {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return hoursToken{kind: tokEOF, pos: len(p.src)}
}

func (p *hoursParser) next() hoursToken {
	t := p.peek()
	p.i++
	return t
}

func (p *hoursParser) fail(format string, args ...any) error {
	return &HoursError{Part: truncateForMessage(p.part, 80), Reason: fmt.Sprintf(format, args...)}
}

// lex cuts s into tokens.
func (p *hoursParser) lex(s string) error {
	p.src = s
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		t := hoursToken{pos: i, text: s[i : i+size]}
		switch {
		case unicode.IsSpace(r):
			i += size
			continue
		case r == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return p.fail("guillemet fermant manquant après le commentaire")
			}
			t.kind, t.text = tokComment, s[i+1:i+1+j]
			size = j + 2
		case r < utf8.RuneSelf && unicode.IsLetter(r):
			j := i
			for j < len(s) && s[j] < utf8.RuneSelf && unicode.IsLetter(rune(s[j])) {
				j++
			}
			t.kind, t.text, size = tokWord, s[i:j], j-i
		case r >= '0' && r <= '9':
			t, size = lexNumber(s, i)
		case strings.ContainsRune("-–—‐‑−", r):
			t.kind = tokDash
		case r == ',':
			t.kind = tokComma
		case r == '/':
			t.kind = tokSlash
		case r == ':':
			t.kind = tokColon
		case r == '|' && strings.HasPrefix(s[i:], "||"):
			t.kind, t.text, size = tokOther, "||", 2
		default:
			t.kind = tokOther
			if r == utf8.RuneError {
				t.text = "\uFFFD"
			}
		}
		p.toks = append(p.toks, t)
		i += size
	}
	return nil
}

// lexNumber reads digits at s[i:], and a time when they are followed by a
// colon and two digits.
func lexNumber(s string, i int) (hoursToken, int) {
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	t := hoursToken{kind: tokNum, text: s[i:j], pos: i, n: atoiDigits(s[i:j])}
	if j+2 < len(s) && s[j] == ':' && isDecimal(s[j+1]) && isDecimal(s[j+2]) && (j+3 == len(s) || !isDecimal(s[j+3])) {
		t.kind, t.m, t.text = tokTime, atoiDigits(s[j+1:j+3]), s[i:j+3]
		j += 3
	}
	return t, j - i
}

func isDecimal(c byte) bool { return c >= '0' && c <= '9' }

// atoi reads a run of digits; absurdly long runs give a value that every
// check rejects.
func atoiDigits(s string) int {
	if len(s) > 6 {
		return 1 << 30
	}
	n, _ := strconv.Atoi(s)
	return n
}

// word returns the token's text in lower case if it is a word.
func (t hoursToken) word() string {
	if t.kind != tokWord {
		return ""
	}
	return strings.ToLower(t.text)
}

// weekday returns the index (Monday = 0) of a weekday code.
func (t hoursToken) weekday() (int, bool) {
	w := t.word()
	i := strings.Index("motuwethfrsasu", w)
	if len(w) != 2 || i < 0 || i%2 != 0 {
		return 0, false
	}
	return i / 2, true
}

// month returns the month (1-12) of a month code.
func (t hoursToken) month() (int, bool) {
	w := t.word()
	i := strings.Index("janfebmaraprmayjunjulaugsepoctnovdec", w)
	if len(w) != 3 || i < 0 || i%3 != 0 {
		return 0, false
	}
	return i/3 + 1, true
}

func (t hoursToken) isPH() bool { return t.word() == "ph" }

// parseRules reads the rules of the part: one rule, then additional rules
// after commas.
func (p *hoursParser) parseRules() ([]hoursRule, error) {
	var rules []hoursRule
	for p.peek().kind != tokEOF {
		r, err := p.parseRule()
		if err != nil {
			return nil, err
		}
		r.additional = len(rules) > 0
		r.setSpans()
		rules = append(rules, r)
		switch t := p.peek(); t.kind {
		case tokEOF:
		case tokComma:
			p.i++ // a trailing comma is tolerated
		default:
			return nil, p.unexpected(t, "fin de règle attendue (« ; » entre deux règles)")
		}
	}
	return rules, nil
}

// parseRule reads selectors, times, modifier and comment, in that order.
func (p *hoursParser) parseRule() (hoursRule, error) {
	r := hoursRule{state: Open}
	start := p.i
	if t := p.peek(); t.kind == tokNum && t.n == 24 && p.peekAt(1).kind == tokSlash && p.peekAt(2).kind == tokNum && p.peekAt(2).n == 7 {
		r.is247 = true
		p.i += 3
	} else {
		for _, step := range []func(*hoursRule) error{p.parseDates, p.parseWeeks, p.parseWeekdays, p.parseTimes} {
			if err := step(&r); err != nil {
				return r, err
			}
		}
	}
	switch p.peek().word() {
	case "open":
		r.state, r.modifier = Open, true
	case "off", "closed":
		r.state, r.modifier = Closed, true
	case "unknown":
		r.state, r.modifier = Unknown, true
	}
	if r.modifier {
		p.i++
	}
	if t := p.peek(); t.kind == tokComment {
		if strings.TrimSpace(t.text) == "" {
			return r, p.fail("commentaire vide")
		}
		r.comment = t.text
		p.i++
	}
	switch {
	case p.i == start:
		return r, p.unexpected(p.peek(), "jour attendu : Mo, Tu, We, Th, Fr, Sa, Su, PH")
	case len(r.times) == 0 && !r.modifier && !r.is247 && r.comment == "" && p.peek().kind != tokEOF:
		// "Mo, 10:00-12:00" would mean Monday all day plus 10:00-12:00 every
		// day: surely not what was meant.
		return r, p.unexpected(p.peek(), "horaire attendu au format HH:MM-HH:MM")
	case len(r.times) == 0 && !r.modifier && !r.is247 && r.comment != "":
		r.state = Unknown // a comment alone says nothing sure (OSM)
	}
	return r, nil
}

// setSpans says what the rule covers. A rule without times covers the whole
// day, except a plain "off" rule separated by ";": it only removes what
// earlier rules said of its days, so a night that started the day before
// ("Fr 20:00-08:00; Sa off") still ends as announced. An additional ","
// rule acts only where it covers, so "Mo-Fr 10:00-12:00, PH off" closes all
// of a public holiday.
func (r *hoursRule) setSpans() {
	switch {
	case len(r.times) > 0:
		r.spans = r.times
	case r.state != Closed || r.additional:
		r.spans = []timeSpan{{0, 1440}}
	}
}

// unexpected explains why token t does not fit, naming what was written
// unless it starts the rule (the whole rule is quoted anyway).
func (p *hoursParser) unexpected(t hoursToken, expected string) error {
	switch w := t.word(); {
	case t.kind == tokOther && t.text == "||":
		expected = "les règles de repli « || » ne sont pas prises en charge"
	case t.kind == tokOther && t.text == "[":
		expected = "les jours numérotés du mois (Mo[1]) ne sont pas pris en charge"
	case t.kind == tokOther && t.text == "+":
		expected = "les horaires sans heure de fin (« + ») ne sont pas pris en charge"
	case w == "sh":
		expected = "les vacances scolaires (SH) ne sont pas prises en charge"
	case w == "sunrise" || w == "sunset" || w == "dawn" || w == "dusk":
		expected = "les heures solaires (" + w + ") ne sont pas prises en charge"
	case w == "easterSunday":
		expected = "la date de Pâques (easterSunday) n'est pas prise en charge ; les jours fériés s'écrivent PH"
	case t.kind == tokNum && t.n >= 1900 && t.n < 3000 && p.i == 0:
		expected = "les années ne sont pas prises en charge"
	case t.kind == tokEOF:
		return p.fail("%s, la règle s'arrête trop tôt", expected)
	}
	if strings.TrimSpace(p.src[:t.pos]) == "" {
		return p.fail("%s", expected)
	}
	return p.fail("« %s » : %s", wordAt(p.src, t.pos), expected)
}

// wordAt returns the text of s from i to the next space, for messages.
func wordAt(s string, i int) string {
	j := strings.IndexFunc(s[i:], unicode.IsSpace)
	if j < 0 {
		j = len(s) - i
	}
	return truncateForMessage(s[i:i+j], 30)
}

// parseDates reads month and date ranges: "Jan-Jun", "Jul,Aug", "Dec 24",
// "Dec 24-26", "Dec 24-Jan 02".
func (p *hoursParser) parseDates(r *hoursRule) error {
	for {
		m1, ok := p.peek().month()
		if !ok {
			return nil
		}
		p.i++
		var d dateSel
		if p.peek().kind == tokNum {
			from, err := p.monthDay(m1)
			if err != nil {
				return err
			}
			d.from, d.to = from, from
			if p.peek().kind == tokDash {
				p.i++
				m2, ok := p.peek().month()
				if ok {
					p.i++
				} else {
					m2 = m1
				}
				if d.to, err = p.monthDay(m2); err != nil {
					return err
				}
				if !ok && d.to < d.from {
					return p.fail("plage de dates à l'envers : %s", d)
				}
			}
		} else {
			d = dateSel{from: mkMonthDay(m1, 1), to: mkMonthDay(m1, 31), months: true}
			if m2, ok := p.peekAt(1).month(); ok && p.peek().kind == tokDash {
				p.i += 2
				d.to = mkMonthDay(m2, 31)
			}
		}
		r.dates = append(r.dates, d)
		if _, ok := p.peekAt(1).month(); !ok || p.peek().kind != tokComma {
			return nil
		}
		p.i++
	}
}

func mkMonthDay(m, d int) monthDay { return monthDay(m*32 + d) }

// monthDay reads the day number following month m.
func (p *hoursParser) monthDay(m int) (monthDay, error) {
	t := p.next()
	if t.kind != tokNum {
		return 0, p.unexpected(t, "jour du mois attendu après "+monthCode(m))
	}
	if t.n < 1 || t.n > daysInMonth(m) {
		return 0, p.fail("le %d %s n'existe pas", t.n, monthFR(m))
	}
	return mkMonthDay(m, t.n), nil
}

// daysInMonth returns the number of days of month m in a leap year.
func daysInMonth(m int) int {
	switch m {
	case 2:
		return 29
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// parseWeeks reads "week 01-53/2", "week 1,3,10-12".
func (p *hoursParser) parseWeeks(r *hoursRule) error {
	if p.peek().word() != "week" {
		return nil
	}
	p.i++
	for {
		w := weekSel{step: 1}
		var err error
		if w.from, err = p.weekNumber(); err != nil {
			return err
		}
		w.to = w.from
		if p.peek().kind == tokDash {
			p.i++
			if w.to, err = p.weekNumber(); err != nil {
				return err
			}
		}
		if p.peek().kind == tokSlash {
			p.i++
			t := p.next()
			if t.kind != tokNum || t.n < 1 || t.n > 53 {
				return p.unexpected(t, "pas de semaines attendu (1 à 53) après « / »")
			}
			w.step = t.n
		}
		r.weeks = append(r.weeks, w)
		// Weeks counted from w.from, wrapping after week 53.
		for i := 0; i <= (w.to-w.from+53)%53; i += w.step {
			r.weekMask |= 1 << ((w.from-1+i)%53 + 1)
		}
		if p.peek().kind != tokComma || p.peekAt(1).kind != tokNum {
			return nil
		}
		p.i++
	}
}

func (p *hoursParser) weekNumber() (int, error) {
	t := p.next()
	if t.kind != tokNum || t.n < 1 || t.n > 53 {
		return 0, p.unexpected(t, "numéro de semaine attendu (1 à 53)")
	}
	return t.n, nil
}

// parseWeekdays reads weekdays and PH: "Mo-Fr", "Tu,Th", "Sa-Mo", "Mo-Fr,PH",
// and tolerates a colon after them ("Mo-Fr: 09:00-12:00").
func (p *hoursParser) parseWeekdays(r *hoursRule) error {
	for {
		t := p.peek()
		d, isDay := t.weekday()
		switch {
		case t.isPH():
			r.ph = true
			p.i++
		case isDay:
			p.i++
			e := d
			if p.peek().kind == tokDash {
				var ok bool
				if e, ok = p.peekAt(1).weekday(); !ok {
					return p.unexpected(p.peekAt(1), "jour de fin attendu après « "+t.text+"- »")
				}
				p.i += 2
			}
			for i := d; ; i = (i + 1) % 7 {
				r.days |= 1 << i
				if i == e {
					break
				}
			}
		default:
			return nil
		}
		switch n := p.peekAt(1); {
		case p.peek().kind == tokComma && (n.isPH() || n.isWeekday()):
			p.i++
		case p.peek().isPH() || p.peek().isWeekday():
			// "PH Mo-Fr" means holidays that fall on a weekday in OSM;
			// "Mo Fr" is a typo. Neither is worth a guess.
			return p.unexpected(p.peek(), "« , » attendue entre deux jours")
		case p.peek().kind == tokColon: // "Mo-Fr: 09:00-12:00"
			p.i++
			return nil
		default:
			return nil
		}
	}
}

func (t hoursToken) isWeekday() bool {
	_, ok := t.weekday()
	return ok
}

// parseTimes reads time ranges: "09:00-12:00,14:00-17:30", "20:00-08:00",
// "22:00-26:00", "18:00-24:00".
func (p *hoursParser) parseTimes(r *hoursRule) error {
	for p.peek().kind == tokTime {
		t := p.next()
		if t.n > 23 || t.m > 59 {
			return p.fail("heure « %s » invalide : une plage commence entre 00:00 et 23:59", t.text)
		}
		if p.peek().kind != tokDash {
			return p.unexpected(p.peek(), "plage horaire attendue au format HH:MM-HH:MM après « "+t.text+" »")
		}
		p.i++
		e := p.next()
		if e.kind != tokTime {
			return p.unexpected(e, "heure de fin attendue après « "+t.text+"- »")
		}
		if e.n > 48 || e.m > 59 || e.n*60+e.m > 2880 {
			return p.fail("heure « %s » invalide : une plage finit entre 00:00 et 48:00", e.text)
		}
		s := timeSpan{t.n*60 + t.m, e.n*60 + e.m}
		switch {
		case s.to == s.from:
			return p.fail("plage horaire vide : %s-%s", t.text, e.text)
		case s.to < s.from && s.to <= 1440:
			s.to += 1440 // ends the next morning
		case s.to < s.from:
			return p.fail("plage horaire à l'envers : %s-%s", t.text, e.text)
		case s.to > s.from+1440:
			return p.fail("plage horaire de plus de 24 heures : %s-%s", t.text, e.text)
		}
		r.times = append(r.times, s)
		// A comma separates ranges; a space is tolerated ("09:00-12:00 14:00-17:00").
		if p.peek().kind == tokComma && p.peekAt(1).kind == tokTime {
			p.i++
		}
	}
	return nil
}
