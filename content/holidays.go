package content

import (
	"slices"
	"time"
)

// FrenchHolidays returns the public holidays of metropolitan France in year,
// in calendar order: 1 January, Easter Monday, 1 May, 8 May, Ascension Day,
// Whit Monday, 14 July, 15 August, 1 November, 11 November and 25 December.
// Alsace-Moselle's two extra days are not included. When Ascension falls on
// 1 or 8 May the day is listed once.
func FrenchHolidays(year int) []Date {
	e := easterSunday(year)
	days := []Date{
		{year, time.January, 1},
		e.AddDays(1), // Easter Monday
		{year, time.May, 1},
		{year, time.May, 8},
		e.AddDays(39), // Ascension
		e.AddDays(50), // Whit Monday
		{year, time.July, 14},
		{year, time.August, 15},
		{year, time.November, 1},
		{year, time.November, 11},
		{year, time.December, 25},
	}
	slices.SortFunc(days, dateOrder)
	return slices.Compact(days)
}

// IsFrenchHoliday reports whether d is a public holiday in metropolitan
// France. It computes Easter on the fly (a few integer operations) rather
// than caching holidays in package state.
func IsFrenchHoliday(d Date) bool {
	switch {
	case d.Month == time.January && d.Day == 1,
		d.Month == time.May && (d.Day == 1 || d.Day == 8),
		d.Month == time.July && d.Day == 14,
		d.Month == time.August && d.Day == 15,
		d.Month == time.November && (d.Day == 1 || d.Day == 11),
		d.Month == time.December && d.Day == 25:
		return true
	case d.Month < time.March || d.Month > time.June:
		// Easter Monday is in March or April, Whit Monday at the latest in June.
		return false
	}
	switch ordinalDay(d) - ordinalDay(easterSunday(d.Year)) {
	case 1, 39, 50:
		return true
	}
	return false
}

// easterSunday returns Easter Sunday of year in the Gregorian calendar, by the
// anonymous algorithm (Meeus/Jones/Butcher).
func easterSunday(year int) Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	n := h + l - 7*m + 114
	return Date{year, time.Month(n / 31), n%31 + 1}
}

// ordinalDay returns the 1-based day of the year of d (d must be a valid date).
func ordinalDay(d Date) int {
	// daysBefore[m] is the number of days before month m in a common year.
	daysBefore := [...]int{0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334}
	n := d.Day
	if d.Month >= time.January && d.Month <= time.December {
		n += daysBefore[d.Month]
	}
	if d.Month > time.February && leapYear(d.Year) {
		n++
	}
	return n
}

func leapYear(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// dateOrder orders dates chronologically, for slices.SortFunc.
func dateOrder(a, b Date) int {
	switch {
	case a.Before(b):
		return -1
	case b.Before(a):
		return 1
	}
	return 0
}
