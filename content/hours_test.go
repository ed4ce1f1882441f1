package content

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the system's zoneinfo

	"go.yaml.in/yaml/v3"
)

func TestParseOpeningHours(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"weekday range", "Mo-Fr 09:00-12:00", "Mo-Fr 09:00-12:00"},
		{"weekday list", "Tu,Th 14:00-17:00", "Tu,Th 14:00-17:00"},
		{"weekday list of three", "Mo,We,Fr 09:00-12:00", "Mo,We,Fr 09:00-12:00"},
		{"wrap-around range", "Sa-Mo 10:00-12:00", "Sa-Mo 10:00-12:00"},
		{"whole week", "Mo-Su 19:00-23:00", "Mo-Su 19:00-23:00"},
		{"time list", "Mo-Fr 09:00-12:00,13:30-17:00; PH off", "Mo-Fr 09:00-12:00,13:30-17:00; PH off"},
		{"several rules", "Mo-Th 08:30-12:00,14:00-17:30; Fr 08:30-12:00; PH off", "Mo-Th 08:30-12:00,14:00-17:30; Fr 08:30-12:00; PH off"},
		{"PH selector", "Mo-Fr,PH 10:00-12:00", "Mo-Fr,PH 10:00-12:00"},
		{"PH first in list", "PH,Sa 10:00-12:00", "Sa,PH 10:00-12:00"},
		{"closed synonym", "Mo-Fr 09:00-12:00; PH closed", "Mo-Fr 09:00-12:00; PH off"},
		{"off alone", "off", "off"},
		{"24/7", "24/7", "24/7"},
		{"24/7 with PH off", "24/7; PH off", "24/7; PH off"},
		{"overnight", "Mo-Fr 20:00-08:00", "Mo-Fr 20:00-08:00"},
		{"extended end", "Fr 22:00-26:00", "Fr 22:00-02:00"},
		{"24:00 end", "Sa 18:00-24:00", "Sa 18:00-24:00"},
		{"midnight end", "Sa 18:00-00:00", "Sa 18:00-24:00"},
		{"exactly 24 hours", "Mo 10:00-34:00", "Mo 10:00-34:00"},
		{"time only", "10:00-18:00", "10:00-18:00"},
		{"month range", "Jan-Jun Mo-Fr 09:00-12:00", "Jan-Jun Mo-Fr 09:00-12:00"},
		{"month list", "Jul,Aug Mo-Fr 10:00-12:00", "Jul,Aug Mo-Fr 10:00-12:00"},
		{"wrapping month range", "Nov-Feb Sa 10:00-12:00", "Nov-Feb Sa 10:00-12:00"},
		{"date range over new year", "Mo-Fr 09:00-17:00; Dec 24-Jan 02 off", "Mo-Fr 09:00-17:00; Dec 24-Jan 02 off"},
		{"date range in a month", "Aug 01-15 off", "Aug 01-15 off"},
		{"single date", "Dec 24 off", "Dec 24 off"},
		{"date without leading zero", "Jan 2 off", "Jan 02 off"},
		{"week numbers", "week 1-53/2 Mo 10:00-12:00", "week 01-53/2 Mo 10:00-12:00"},
		{"week list", "week 2,10-12 Mo 10:00-12:00", "week 02,10-12 Mo 10:00-12:00"},
		{"comment", `Mo-Fr 09:00-12:00; Tu 14:00-16:00 "sur rendez-vous"`, `Mo-Fr 09:00-12:00; Tu 14:00-16:00 "sur rendez-vous"`},
		{"comment only", `"sur rendez-vous"`, `"sur rendez-vous"`},
		{"comment with semicolon", `Mo 10:00-12:00 "le matin; sinon appeler"`, `Mo 10:00-12:00 "le matin; sinon appeler"`},
		{"open modifier", "Mo-Fr open", "Mo-Fr open"},
		{"unknown modifier", `Sa unknown "selon les bénévoles"`, `Sa unknown "selon les bénévoles"`},
		{"off with times", "Mo-Fr 09:00-18:00, We 12:00-13:00 off", "Mo-Fr 09:00-18:00, We 12:00-13:00 off"},
		{"additional rule", "Mo-Fr 10:00-12:00, PH off", "Mo-Fr 10:00-12:00, PH off"},
		{"selector only", "Sa", "Sa"},
		{"lower case", "mo-fr 09:00-12:00; ph off", "Mo-Fr 09:00-12:00; PH off"},
		{"one-digit hours", "Mo 9:00-12:00", "Mo 09:00-12:00"},
		{"spaces and dashes", "Mo – Fr  09:00 - 12:00 ;  Sa 10:00—12:00", "Mo-Fr 09:00-12:00; Sa 10:00-12:00"},
		{"no-break spaces", "Mo-Fr\u00a009:00-12:00", "Mo-Fr 09:00-12:00"},
		{"colon after days", "Mo-Fr: 09:00-12:00", "Mo-Fr 09:00-12:00"},
		{"space between ranges", "Mo-Fr 09:00-12:00 14:00-17:00", "Mo-Fr 09:00-12:00,14:00-17:00"},
		{"trailing semicolon", "Mo-Fr 09:00-12:00;", "Mo-Fr 09:00-12:00"},
		{"empty rules", ";; Mo 09:00-12:00 ;", "Mo 09:00-12:00"},
		{"trailing comma", "Mo 09:00-12:00,", "Mo 09:00-12:00"},
		{"empty", "", ""},
		{"blank", "   ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := ParseOpeningHours(tt.in)
			if err != nil {
				t.Fatalf("ParseOpeningHours(%q): %v", tt.in, err)
			}
			if got := h.String(); got != tt.want {
				t.Errorf("ParseOpeningHours(%q).String() = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseOpeningHoursErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // substrings of the message
	}{
		{"French days", "Lu-Ve 9h-12h", []string{"horaires : « Lu-Ve 9h-12h » n'est pas compris (jour attendu : Mo, Tu, We, Th, Fr, Sa, Su, PH)"}},
		{"French hours", "Mo-Fr 9h", []string{"« 9h »", "HH:MM-HH:MM"}},
		{"hour 25", "Mo 25:00-26:00", []string{"« Mo 25:00-26:00 »", "« 25:00 » invalide"}},
		{"end hour 49", "Mo 10:00-49:00", []string{"« 49:00 » invalide"}},
		{"minute 60", "Mo 10:60-12:00", []string{"« 10:60 » invalide"}},
		{"missing end", "Mo-Fr 12:00-", []string{"heure de fin attendue", "trop tôt"}},
		{"missing range", "Mo-Fr 12:00", []string{"plage horaire attendue"}},
		{"empty range", "Mo 10:00-10:00", []string{"plage horaire vide"}},
		{"range over 24 hours", "Mo 10:00-36:00", []string{"plus de 24 heures"}},
		{"reversed extended", "Mo 10:00-", []string{"heure de fin"}},
		{"fallback rule", `Mo-Fr 10:00-12:00 || "sur rendez-vous"`, []string{"« || »", "repli"}},
		{"school holidays", "SH off", []string{"vacances scolaires"}},
		{"sunrise", "Mo sunrise-sunset", []string{"heures solaires"}},
		{"nth weekday", "Mo[1] 10:00-12:00", []string{"jours numérotés"}},
		{"open end", "Mo 17:00+", []string{"sans heure de fin"}},
		{"year", "2026 Dec 25 off", []string{"années"}},
		{"day without end", "Mo- 10:00-12:00", []string{"jour de fin attendu"}},
		{"days without comma", "Mo Fr 10:00-12:00", []string{"« Fr »", "« , » attendue"}},
		{"holiday and weekday", "PH Mo-Fr 10:00-12:00", []string{"« Mo-Fr »", "« , » attendue"}},
		{"time list without end", "Mo 10:00-12:00, 14:00", []string{"plage horaire attendue"}},
		{"nonexistent date", "Feb 30 off", []string{"le 30 février n'existe pas"}},
		{"reversed dates", "Dec 26-24 off", []string{"à l'envers"}},
		{"bad week", "week 54 Mo 10:00-12:00", []string{"numéro de semaine"}},
		{"unterminated comment", `Mo 10:00-12:00 "sur rendez-vous`, []string{"guillemet fermant manquant"}},
		{"empty comment", `Mo 10:00-12:00 ""`, []string{"commentaire vide"}},
		{"selector then comma", "Mo, 10:00-12:00", []string{"« , »", "HH:MM-HH:MM"}},
		{"junk after times", "Mo 10:00-12:00 le matin", []string{"« le »", "fin de règle attendue"}},
		{"unicode junk", "Mo 10:00-12:00 ☎", []string{"« ☎ »"}},
		{"invalid UTF-8", "Mo \xff\xfe", []string{"\uFFFD"}},
		{"emoji only", "🕘", []string{"« 🕘 »", "jour attendu"}},
		{"huge", strings.Repeat("Mo 10:00-12:00; ", 6400), []string{"trop long", "…"}},
		{"huge digits", "Mo 99999999999999:00-12:00", []string{"invalide"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := ParseOpeningHours(tt.in)
			if err == nil {
				t.Fatalf("ParseOpeningHours(%q) = %q, want an error", tt.in, h)
			}
			if !errors.Is(err, ErrHours) {
				t.Errorf("error %v does not wrap ErrHours", err)
			}
			var he *HoursError
			if !errors.As(err, &he) || he.Part == "" || he.Reason == "" {
				t.Errorf("error %#v is not a complete *HoursError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if len(err.Error()) > 400 {
				t.Errorf("error message is %d bytes long", len(err.Error()))
			}
		})
	}
}

// paris loads Europe/Paris (from time/tzdata when the system has none).
func paris(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at reads "2026-11-23 09:00" in loc.
func at(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04:05", s+":00", loc)
	if err != nil {
		tm, err = time.ParseInLocation("2006-01-02 15:04:05", s, loc)
	}
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestStateAt(t *testing.T) {
	loc := paris(t)
	// 2026-11-23 is a Monday.
	tests := []struct {
		name, hours, at string
		want            OpenState
	}{
		{"before opening", "Mo-Fr 09:00-12:00", "2026-11-23 08:59", Closed},
		{"last second before opening", "Mo-Fr 09:00-12:00", "2026-11-23 08:59:59", Closed},
		{"opening minute", "Mo-Fr 09:00-12:00", "2026-11-23 09:00", Open},
		{"before closing", "Mo-Fr 09:00-12:00", "2026-11-23 11:59:59", Open},
		{"closing minute", "Mo-Fr 09:00-12:00", "2026-11-23 12:00", Closed},
		{"weekend", "Mo-Fr 09:00-12:00", "2026-11-28 10:00", Closed},
		{"lunch break", "Mo-Fr 09:00-12:00,13:30-17:00", "2026-11-24 12:45", Closed},
		{"after lunch", "Mo-Fr 09:00-12:00,13:30-17:00", "2026-11-24 13:30", Open},
		{"weekday list, not listed", "Tu,Th 14:00-17:00", "2026-11-25 15:00", Closed},
		{"weekday list, listed", "Tu,Th 14:00-17:00", "2026-11-26 15:00", Open},
		{"wrap-around range Sunday", "Sa-Mo 10:00-12:00", "2026-11-29 11:00", Open},
		{"wrap-around range Monday", "Sa-Mo 10:00-12:00", "2026-11-23 11:00", Open},
		{"wrap-around range Tuesday", "Sa-Mo 10:00-12:00", "2026-11-24 11:00", Closed},
		{"later rule replaces the day", "Mo-Fr 09:00-17:00; We 14:00-16:00", "2026-11-25 10:00", Closed},
		{"later rule's own hours", "Mo-Fr 09:00-17:00; We 14:00-16:00", "2026-11-25 15:00", Open},
		{"later rule leaves other days", "Mo-Fr 09:00-17:00; We 14:00-16:00", "2026-11-26 10:00", Open},
		{"off closes a day", "Mo-Fr 09:00-17:00; We off", "2026-11-25 10:00", Closed},
		{"additional off", "Mo-Fr 09:00-18:00, We 12:00-13:00 off", "2026-11-25 12:30", Closed},
		{"additional off, rest of the day", "Mo-Fr 09:00-18:00, We 12:00-13:00 off", "2026-11-25 13:00", Open},
		{"additional hours", "Mo-Fr 09:00-12:00, Fr 14:00-16:00", "2026-11-27 15:00", Open},
		{"additional hours keep the morning", "Mo-Fr 09:00-12:00, Fr 14:00-16:00", "2026-11-27 10:00", Open},
		{"overnight evening", "Mo-Fr 20:00-08:00", "2026-11-23 20:00", Open},
		{"overnight next morning", "Mo-Fr 20:00-08:00", "2026-11-24 07:59", Open},
		{"overnight end", "Mo-Fr 20:00-08:00", "2026-11-24 08:00", Closed},
		{"overnight Friday into Saturday", "Mo-Fr 20:00-08:00", "2026-11-28 03:00", Open},
		{"overnight not from Sunday", "Mo-Fr 20:00-08:00", "2026-11-23 03:00", Closed},
		{"overnight into an off day", "Mo-Fr 20:00-08:00; Sa,Su off", "2026-11-28 03:00", Open},
		{"overnight cut by explicit times", "Mo-Fr 20:00-08:00; Sa 00:00-08:00 off", "2026-11-28 03:00", Closed},
		{"Sunday night on Monday morning", "Su 20:00-08:00", "2026-11-30 07:00", Open},
		{"Sunday night ends Monday", "Su 20:00-08:00", "2026-11-30 08:00", Closed},
		{"Sunday evening", "Su 20:00-08:00", "2026-11-29 23:30", Open},
		{"Sunday before", "Su 20:00-08:00", "2026-11-29 19:59", Closed},
		{"Sunday morning is not Saturday night", "Su 20:00-08:00", "2026-11-29 07:00", Closed},
		{"extended end", "Fr 22:00-26:00", "2026-11-28 01:30", Open},
		{"24:00 end", "Sa 18:00-24:00", "2026-11-28 23:59", Open},
		{"24:00 end, next day", "Sa 18:00-24:00", "2026-11-29 00:00", Closed},
		{"24/7 at 3am", "24/7", "2026-11-24 03:00", Open},
		{"24/7 with PH off on Christmas", "24/7; PH off", "2026-12-25 03:00", Closed},
		{"time only, every day", "10:00-18:00", "2026-11-29 11:00", Open},
		{"PH off on 14 July", "Mo-Sa 09:00-12:00; PH off", "2026-07-14 10:00", Closed},
		{"the day after 14 July", "Mo-Sa 09:00-12:00; PH off", "2026-07-15 10:00", Open},
		{"PH off on Easter Monday 2027", "Mo-Fr 09:00-12:00; PH off", "2027-03-29 10:00", Closed},
		{"Tuesday after Easter 2027", "Mo-Fr 09:00-12:00; PH off", "2027-03-30 10:00", Open},
		{"PH off before the rule", "PH off; Mo-Fr 09:00-12:00", "2027-03-29 10:00", Open},
		{"additional PH off", "Mo-Fr 10:00-12:00, PH off", "2026-11-11 11:00", Closed},
		{"PH hours", "Mo-Fr 09:00-17:00; PH 10:00-12:00", "2026-11-11 11:00", Open},
		{"PH hours, afternoon", "Mo-Fr 09:00-17:00; PH 10:00-12:00", "2026-11-11 15:00", Closed},
		{"PH on a Sunday", "Mo-Sa 09:00-12:00; PH 10:00-12:00", "2026-11-01 11:00", Open},
		{"month range in", "Jan-Jun Mo-Fr 09:00-12:00; Jul,Aug Mo-Fr 10:00-12:00", "2026-03-04 09:30", Open},
		{"month list, earlier hour", "Jan-Jun Mo-Fr 09:00-12:00; Jul,Aug Mo-Fr 10:00-12:00", "2026-07-15 09:30", Closed},
		{"month list, in", "Jan-Jun Mo-Fr 09:00-12:00; Jul,Aug Mo-Fr 10:00-12:00", "2026-08-31 10:30", Open},
		{"month range out", "Jan-Jun Mo-Fr 09:00-12:00; Jul,Aug Mo-Fr 10:00-12:00", "2026-09-01 10:30", Closed},
		{"wrapping month range", "Nov-Feb Sa 10:00-12:00", "2027-01-02 11:00", Open},
		{"wrapping month range, out", "Nov-Feb Sa 10:00-12:00", "2027-03-06 11:00", Closed},
		{"date range over new year", "Mo-Fr 09:00-17:00; Dec 24-Jan 02 off", "2026-12-28 10:00", Closed},
		{"date range, first day", "Mo-Fr 09:00-17:00; Dec 24-Jan 02 off", "2026-12-24 10:00", Closed},
		{"date range, last day", "Mo-Fr 09:00-17:00; Dec 24-Jan 02 off", "2027-01-01 10:00", Closed},
		{"date range, after", "Mo-Fr 09:00-17:00; Dec 24-Jan 02 off", "2027-01-04 10:00", Open},
		{"date range, before", "Mo-Fr 09:00-17:00; Dec 24-Jan 02 off", "2026-12-23 10:00", Open},
		{"date range in a month", "Mo-Fr 09:00-17:00; Aug 01-15 off", "2026-08-14 10:00", Closed},
		{"odd weeks, even week", "week 1-53/2 Mo 10:00-12:00", "2026-11-23 11:00", Closed}, // ISO week 48
		{"odd weeks, odd week", "week 1-53/2 Mo 10:00-12:00", "2026-11-30 11:00", Open},    // ISO week 49
		{"comment only", `"sur rendez-vous"`, "2026-11-23 10:00", Unknown},
		{"comment on a day", `Mo-Fr 09:00-12:00; Sa "sur rendez-vous"`, "2026-11-28 10:00", Unknown},
		{"comment on a day, other day", `Mo-Fr 09:00-12:00; Sa "sur rendez-vous"`, "2026-11-27 10:00", Open},
		{"comment with hours", `Mo-Fr 09:00-12:00; Tu 14:00-16:00 "sur rendez-vous"`, "2026-11-24 15:00", Open},
		{"unknown", "Mo unknown", "2026-11-23 10:00", Unknown},
		{"unknown with times", "Mo 10:00-12:00 unknown", "2026-11-23 10:00", Unknown},
		{"unknown with times, outside", "Mo 10:00-12:00 unknown", "2026-11-23 13:00", Closed},
		{"open modifier", "Mo open", "2026-11-23 03:00", Open},
		{"off", "off", "2026-11-23 10:00", Closed},
		{"empty", "", "2026-11-23 10:00", Unknown},
		// Daylight saving time: wall-clock times count.
		{"March DST, before the jump", "Su 01:00-04:00", "2026-03-29 01:30", Open},
		{"March DST, after the jump", "Su 01:00-04:00", "2026-03-29 03:30", Open},
		{"March DST, Sunday hours", "Su 08:00-12:00", "2026-03-29 08:00", Open},
		{"March DST, overnight", "Sa 22:00-06:00", "2026-03-29 05:59", Open},
		{"March DST, range in the skipped hour", "Su 02:30-05:00", "2026-03-29 03:00", Open},
		{"March DST, overnight end", "Sa 22:00-06:00", "2026-03-29 06:00", Closed},
		{"October DST, Sunday hours", "Su 08:00-12:00", "2026-10-25 11:59", Open},
		{"October DST, overnight", "Sa 22:00-06:00", "2026-10-25 06:00", Closed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := ParseOpeningHours(tt.hours)
			if err != nil {
				t.Fatal(err)
			}
			tm := at(t, loc, tt.at)
			if got := h.StateAt(tm, IsFrenchHoliday); got != tt.want {
				t.Errorf("%q at %s = %v, want %v", tt.hours, tm.Format("Mon 2006-01-02 15:04:05 MST"), got, tt.want)
			}
		})
	}
}

func TestStateAtRepeatedHour(t *testing.T) {
	loc := paris(t)
	h, err := ParseOpeningHours("Su 02:00-03:00")
	if err != nil {
		t.Fatal(err)
	}
	// 2026-10-25 02:30 happens twice: at 00:30 and 01:30 UTC.
	for _, utc := range []string{"2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z"} {
		tm, _ := time.Parse(time.RFC3339, utc)
		tm = tm.In(loc)
		if tm.Hour() != 2 || tm.Minute() != 30 {
			t.Fatalf("%s is %s in Paris", utc, tm)
		}
		if got := h.StateAt(tm, nil); got != Open {
			t.Errorf("StateAt(%s) = %v, want open", tm, got)
		}
	}
}

func TestStateAtHolidayFunc(t *testing.T) {
	loc := paris(t)
	h, err := ParseOpeningHours("Mo-Sa 09:00-12:00; PH off")
	if err != nil {
		t.Fatal(err)
	}
	bastille := at(t, loc, "2026-07-14 10:00")
	if got := h.StateAt(bastille, func(Date) bool { return false }); got != Open {
		t.Errorf("with no holidays: %v, want open", got)
	}
	if got := h.StateAt(bastille, nil); got != Closed {
		t.Errorf("with nil (French holidays): %v, want closed", got)
	}
	everyday := func(Date) bool { return true }
	if got := h.StateAt(at(t, loc, "2026-07-15 10:00"), everyday); got != Closed {
		t.Errorf("with every day a holiday: %v, want closed", got)
	}
	var none *OpeningHours
	if got := none.StateAt(bastille, nil); got != Unknown {
		t.Errorf("nil hours: %v, want unknown", got)
	}
}

func TestNextChange(t *testing.T) {
	loc := paris(t)
	tests := []struct {
		name, hours, at string
		want            string // "2006-01-02 15:04 state", or "" for none
	}{
		{"closes at noon", "Mo-Fr 09:00-12:00,13:30-17:00", "2026-11-23 10:00", "2026-11-23 12:00 open→closed"},
		{"reopens after lunch", "Mo-Fr 09:00-12:00,13:30-17:00", "2026-11-23 12:00", "2026-11-23 13:30 closed→open"},
		{"opens Monday", "Mo-Fr 09:00-12:00", "2026-11-27 12:30", "2026-11-30 09:00 closed→open"},
		{"skips a holiday", "Mo-Fr 09:00-12:00; PH off", "2026-11-10 12:30", "2026-11-12 09:00 closed→open"},
		{"overnight closes next morning", "Su 20:00-08:00", "2026-11-29 21:00", "2026-11-30 08:00 open→closed"},
		{"opens within the week", "Th 13:30-16:30", "2026-11-27 10:00", "2026-12-03 13:30 closed→open"},
		{"weekly opening just in range", "Mo 09:00-12:00", "2026-11-23 12:00", "2026-11-30 09:00 closed→open"},
		{"contiguous days do not change", "Mo-Fr 00:00-24:00", "2026-11-23 10:00", "2026-11-28 00:00 open→closed"},
		{"across DST", "Mo-Fr 09:00-12:00", "2026-03-28 12:00", "2026-03-30 09:00 closed→open"},
		{"opening in the skipped hour", "Su 02:30-05:00", "2026-03-28 12:00", "2026-03-29 03:00 closed→open"},
		{"closing after the repeated hour", "Su 01:00-04:00", "2026-10-25 01:30", "2026-10-25 04:00 open→closed"},
		{"24/7 never changes", "24/7", "2026-11-23 10:00", ""},
		{"off never changes", "off", "2026-11-23 10:00", ""},
		{"unknown never changes", `"sur rendez-vous"`, "2026-11-23 10:00", ""},
		{"empty", "", "2026-11-23 10:00", ""},
		{"beyond 8 days", "Dec 25 10:00-12:00", "2026-11-23 10:00", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := ParseOpeningHours(tt.hours)
			if err != nil {
				t.Fatal(err)
			}
			from := at(t, loc, tt.at)
			when, state, ok := h.NextChange(from, IsFrenchHoliday)
			got := ""
			if ok {
				got = when.Format("2006-01-02 15:04") + " " + h.StateAt(from, nil).String() + "→" + state.String()
				if when.Location() != loc {
					t.Errorf("location %v, want %v", when.Location(), loc)
				}
			}
			if got != tt.want {
				t.Errorf("NextChange(%q, %s) = %q, want %q", tt.hours, tt.at, got, tt.want)
			}
		})
	}
}

func TestWeek(t *testing.T) {
	tests := []struct {
		name, hours string
		want        []string // "Label: ranges [state] (comment)"
	}{
		{"weekdays and PH", "Mo-Fr 09:00-12:00,13:30-17:00; We 09:00-12:00; PH off", []string{
			"Lundi: 09:00–12:00 13:30–17:00 [open]", "Mardi: 09:00–12:00 13:30–17:00 [open]",
			"Mercredi: 09:00–12:00 [open]", "Jeudi: 09:00–12:00 13:30–17:00 [open]",
			"Vendredi: 09:00–12:00 13:30–17:00 [open]", "Samedi: [closed]", "Dimanche: [closed]",
			"Jours fériés: [closed]"}},
		{"comment and overnight", `Tu 14:00-16:00 "sur rendez-vous"; Su 20:00-08:00`, []string{
			"Lundi: [closed]", "Mardi: 14:00–16:00 [open] (sur rendez-vous)", "Mercredi: [closed]",
			"Jeudi: [closed]", "Vendredi: [closed]", "Samedi: [closed]", "Dimanche: 20:00–08:00 [open]"}},
		{"additional off", "Mo-Fr 09:00-18:00, We 12:00-13:00 off", []string{
			"Lundi: 09:00–18:00 [open]", "Mardi: 09:00–18:00 [open]", "Mercredi: 09:00–12:00 13:00–18:00 [open]",
			"Jeudi: 09:00–18:00 [open]", "Vendredi: 09:00–18:00 [open]", "Samedi: [closed]", "Dimanche: [closed]"}},
		{"24/7", "24/7", []string{
			"Lundi: 00:00–24:00 [open]", "Mardi: 00:00–24:00 [open]", "Mercredi: 00:00–24:00 [open]",
			"Jeudi: 00:00–24:00 [open]", "Vendredi: 00:00–24:00 [open]", "Samedi: 00:00–24:00 [open]",
			"Dimanche: 00:00–24:00 [open]"}},
		{"unknown", `Mo-Fr "sur rendez-vous"; Sa 10:00-12:00 unknown`, []string{
			"Lundi: [unknown] (sur rendez-vous)", "Mardi: [unknown] (sur rendez-vous)", "Mercredi: [unknown] (sur rendez-vous)",
			"Jeudi: [unknown] (sur rendez-vous)", "Vendredi: [unknown] (sur rendez-vous)", "Samedi: 10:00–12:00 [unknown]",
			"Dimanche: [closed]"}},
		{"dated rules", "Mo-Fr 09:00-12:00; PH 10:00-11:00; Jul,Aug Mo-Fr 10:00-12:00; Dec 24-Jan 01 off; week 1-53/2 Sa 10:00-12:00", []string{
			"Lundi: 09:00–12:00 [open]", "Mardi: 09:00–12:00 [open]", "Mercredi: 09:00–12:00 [open]",
			"Jeudi: 09:00–12:00 [open]", "Vendredi: 09:00–12:00 [open]", "Samedi: [closed]", "Dimanche: [closed]",
			"Jours fériés: 10:00–11:00 [open]",
			"Juillet, août — du lundi au vendredi: 10:00–12:00 [open]",
			"Du 24 décembre au 1er janvier: [closed]",
			"Semaines 1 à 53, une sur 2 — samedi: 10:00–12:00 [open]"}},
		{"month range", "Jan-Jun Tu,Th,Sa-Mo 09:00-12:00", []string{
			"Lundi: [closed]", "Mardi: [closed]", "Mercredi: [closed]", "Jeudi: [closed]", "Vendredi: [closed]",
			"Samedi: [closed]", "Dimanche: [closed]",
			"De janvier à juin — jeudi, du samedi au mardi: 09:00–12:00 [open]"}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := ParseOpeningHours(tt.hours)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range h.Week() {
				s := d.Label + ": "
				for _, r := range d.Ranges {
					s += r + " "
				}
				s += "[" + d.State.String() + "]"
				if d.Comment != "" {
					s += " (" + d.Comment + ")"
				}
				got = append(got, s)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Week(%q) =\n%s\nwant\n%s", tt.hours, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// fuzzSeeds are inputs for FuzzParseOpeningHours, valid and not.
var fuzzSeeds = []string{
	"Mo-Fr 09:00-12:00,13:30-17:00; PH off", "Sa-Mo 10:00-12:00", "24/7", "Su 20:00-08:00",
	"Jan-Jun Mo-Fr 09:00-12:00; Jul,Aug Mo-Fr 10:00-12:00", "Mo-Fr 09:00-17:00; Dec 24-Jan 02 off",
	"week 1-53/2 Mo 10:00-12:00", `Mo-Fr 09:00-12:00; Tu 14:00-16:00 "sur rendez-vous"`, `"sur rendez-vous"`,
	"Mo-Fr 09:00-18:00, We 12:00-13:00 off", "Mo 10:00-34:00", "Fr 22:00-26:00", "Lu-Ve 9h-12h",
	"Mo 25:00-26:00", "Mo-Fr 12:00-", "mo-fr: 9:00 – 12:00;", "Dec 26-Dec 24 off", "week 50-02 Mo off",
}

func FuzzParseOpeningHours(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		f.Fatal(err)
	}
	when := time.Date(2026, 11, 23, 10, 30, 0, 0, loc)
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseOpeningHours(s)
		if err != nil {
			if !errors.Is(err, ErrHours) {
				t.Fatalf("error %v does not wrap ErrHours", err)
			}
			return
		}
		norm := h.String()
		h2, err := ParseOpeningHours(norm)
		if err != nil {
			t.Fatalf("%q normalised to %q, which does not parse: %v", s, norm, err)
		}
		if !reflect.DeepEqual(h.rules, h2.rules) {
			t.Fatalf("%q normalised to %q, which reads differently:\n%+v\n%+v", s, norm, h.rules, h2.rules)
		}
		if again := h2.String(); again != norm {
			t.Fatalf("String is not stable: %q then %q", norm, again)
		}
		h.StateAt(when, nil)
		h.NextChange(when, nil)
		h.Week()
	})
}

// TestCorpusHours parses every horaires_accueil (and every temporary
// horaires) of a corpus generated by /work/shared/corpus/gen.py.
func TestCorpusHours(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a corpus")
	}
	gen := os.Getenv("AIGUILLAGE_CORPUS_GEN")
	if gen == "" {
		gen = filepath.Join("..", "..", "shared", "corpus", "gen.py")
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	if _, err := os.Stat(gen); err != nil {
		t.Skipf("corpus generator not found: %v", err)
	}
	out := filepath.Join(t.TempDir(), "corpus")
	if b, err := exec.Command(python, gen, "--out", out, "--services", "3000").CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", gen, err, b)
	}
	seen := map[string]int{}
	for _, dir := range []string{"services", "structures"} {
		files, err := filepath.Glob(filepath.Join(out, dir, "*.md"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no files in %s: %v", dir, err)
		}
		for _, name := range files {
			for _, v := range corpusHours(t, name) {
				seen[v]++
			}
		}
	}
	if len(seen) < 5 {
		t.Fatalf("only %d distinct opening hours in the corpus", len(seen))
	}
	for v, n := range seen {
		if _, err := ParseOpeningHours(v); err != nil {
			t.Errorf("%d files: %v", n, err)
		}
	}
}

// corpusHours returns the opening hours written in a page's front matter.
func corpusHours(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.SplitN(string(b), "---\n", 3)
	if len(parts) != 3 {
		t.Fatalf("%s: no front matter", name)
	}
	var fm struct {
		HorairesAccueil  string           `yaml:"horaires_accueil"`
		InfosTemporaires []InfoTemporaire `yaml:"infos_temporaires"`
	}
	if err := yaml.Unmarshal([]byte(parts[1]), &fm); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var out []string
	if fm.HorairesAccueil != "" {
		out = append(out, fm.HorairesAccueil)
	}
	for _, in := range fm.InfosTemporaires {
		if in.Horaires != "" {
			out = append(out, in.Horaires)
		}
	}
	return out
}

func BenchmarkParse(b *testing.B) {
	const s = "Mo-Th 08:30-12:00,14:00-17:30; Fr 08:30-12:00; PH off"
	for b.Loop() {
		if _, err := ParseOpeningHours(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStateAt(b *testing.B) {
	loc := paris(b)
	for _, s := range []string{
		"Mo-Th 08:30-12:00,14:00-17:30; Fr 08:30-12:00; PH off",
		"Mo-Fr 20:00-08:00; Jul,Aug off; PH off",
	} {
		h, err := ParseOpeningHours(s)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(s, func(b *testing.B) {
			tm := time.Date(2026, 11, 24, 7, 30, 0, 0, loc)
			for b.Loop() {
				h.StateAt(tm, IsFrenchHoliday)
			}
		})
	}
}

func BenchmarkNextChange(b *testing.B) {
	loc := paris(b)
	h, err := ParseOpeningHours("Mo-Th 08:30-12:00,14:00-17:30; Fr 08:30-12:00; PH off")
	if err != nil {
		b.Fatal(err)
	}
	tm := time.Date(2026, 11, 27, 12, 30, 0, 0, loc)
	for b.Loop() {
		h.NextChange(tm, IsFrenchHoliday)
	}
}
