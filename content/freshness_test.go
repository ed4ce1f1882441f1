package content

import "testing"

func TestStale(t *testing.T) {
	d := func(s string) Date {
		t.Helper()
		v, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	today := d("2026-11-24")
	for _, tc := range []struct {
		months   int
		verified string
		want     bool
	}{
		{0, "2026-05-24", false}, // default 6 months: exactly the limit is fresh
		{0, "2026-05-23", true},
		{0, "", true}, // never verified
		{3, "2026-08-24", false},
		{3, "2026-08-23", true},
		{12, "2025-12-01", false},
	} {
		var v Date
		if tc.verified != "" {
			v = d(tc.verified)
		}
		c := SiteConfig{FraicheurMois: tc.months}
		if got := c.Stale(v, today); got != tc.want {
			t.Errorf("Stale(%q) with %d months = %v, want %v", tc.verified, tc.months, got, tc.want)
		}
	}
	// Month ends: 31 August minus 6 months is 3 March (Go's normalisation),
	// the same rule as AddDate everywhere else.
	if got := (SiteConfig{}).FreshSince(d("2026-08-31")); got != d("2026-03-03") {
		t.Errorf("FreshSince(2026-08-31) = %s", got)
	}
}
