package content

import (
	"reflect"
	"strconv"
	"testing"
	"time"
)

func TestFrenchHolidays(t *testing.T) {
	tests := []struct {
		year int
		want []string
	}{
		{2025, []string{"2025-01-01", "2025-04-21", "2025-05-01", "2025-05-08", "2025-05-29", "2025-06-09",
			"2025-07-14", "2025-08-15", "2025-11-01", "2025-11-11", "2025-12-25"}},
		{2026, []string{"2026-01-01", "2026-04-06", "2026-05-01", "2026-05-08", "2026-05-14", "2026-05-25",
			"2026-07-14", "2026-08-15", "2026-11-01", "2026-11-11", "2026-12-25"}},
		{2027, []string{"2027-01-01", "2027-03-29", "2027-05-01", "2027-05-06", "2027-05-08", "2027-05-17",
			"2027-07-14", "2027-08-15", "2027-11-01", "2027-11-11", "2027-12-25"}},
		// Ascension on 1 May: listed once.
		{2008, []string{"2008-01-01", "2008-03-24", "2008-05-01", "2008-05-08", "2008-05-12",
			"2008-07-14", "2008-08-15", "2008-11-01", "2008-11-11", "2008-12-25"}},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.year), func(t *testing.T) {
			var got []string
			for _, d := range FrenchHolidays(tt.year) {
				got = append(got, d.String())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("FrenchHolidays(%d) = %v, want %v", tt.year, got, tt.want)
			}
		})
	}
}

func TestEaster(t *testing.T) {
	for year, want := range map[int]string{
		1818: "1818-03-22", 1943: "1943-04-25", 2000: "2000-04-23", 2008: "2008-03-23", 2019: "2019-04-21",
		2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28", 2038: "2038-04-25",
	} {
		if got := easterSunday(year).String(); got != want {
			t.Errorf("easterSunday(%d) = %s, want %s", year, got, want)
		}
	}
}

func TestIsFrenchHoliday(t *testing.T) {
	tests := []struct {
		date string
		want bool
	}{
		{"2026-01-01", true}, {"2026-01-02", false}, {"2026-04-05", false}, // Easter Sunday is a Sunday anyway
		{"2026-04-06", true}, {"2026-05-14", true}, {"2026-05-24", false}, {"2026-05-25", true},
		{"2026-07-14", true}, {"2026-07-13", false}, {"2026-08-15", true}, {"2026-11-01", true},
		{"2026-11-11", true}, {"2026-12-25", true}, {"2026-12-26", false}, {"2027-03-29", true},
		{"2027-03-28", false}, {"2027-05-06", true}, {"2027-05-17", true}, {"2024-02-29", false},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			d, err := ParseDate(tt.date)
			if err != nil {
				t.Fatal(err)
			}
			if got := IsFrenchHoliday(d); got != tt.want {
				t.Errorf("IsFrenchHoliday(%s) = %v, want %v", tt.date, got, tt.want)
			}
		})
	}
}

// TestIsFrenchHolidayAgrees checks every day of two centuries against
// FrenchHolidays.
func TestIsFrenchHolidayAgrees(t *testing.T) {
	for year := 1950; year <= 2150; year++ {
		want := map[Date]bool{}
		for _, d := range FrenchHolidays(year) {
			want[d] = true
		}
		for d := (Date{year, time.January, 1}); d.Year == year; d = d.AddDays(1) {
			if got := IsFrenchHoliday(d); got != want[d] {
				t.Fatalf("IsFrenchHoliday(%s) = %v, FrenchHolidays says %v", d, got, want[d])
			}
		}
		if n := len(want); n < 10 || n > 11 {
			t.Errorf("%d: %d holidays", year, n)
		}
	}
}

func BenchmarkIsFrenchHoliday(b *testing.B) {
	d := Date{2026, time.May, 25}
	for b.Loop() {
		IsFrenchHoliday(d)
	}
}
