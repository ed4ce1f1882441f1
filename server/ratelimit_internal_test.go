package server

import (
	"fmt"
	"testing"
	"time"
)

// TestLimiterStaysBounded floods a limiter with made-up keys: the table
// never grows past its cap, expired keys go first, and a full table still
// blocks a key that reaches the limit.
func TestLimiterStaysBounded(t *testing.T) {
	l := newLimiter(3, time.Minute)
	l.maxKeys, l.nextSweep = 500, 100
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	for i := range 50 {
		l.add(fmt.Sprint("ancien ", i), now)
	}
	now = now.Add(2 * time.Minute) // those 50 have expired
	for i := range 20000 {
		l.add(fmt.Sprint("email ", i), now)
		if len(l.events) > l.maxKeys {
			t.Fatalf("after %d keys the table holds %d, cap %d", i+1, len(l.events), l.maxKeys)
		}
		if i%1000 == 0 {
			for range 3 {
				l.add("cible", now)
			}
			if !l.blocked("cible", now) {
				t.Fatalf("key at the limit not blocked after %d other keys", i)
			}
		}
	}
	for i := range 50 {
		if _, ok := l.events[fmt.Sprint("ancien ", i)]; ok {
			t.Fatal("an expired key survived the sweeps")
		}
	}
}

func TestLimitKeyGroupsIPv6By64(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7":                 "192.0.2.7",
		"2001:db8:1:2:aaaa::1":      "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff::9": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":           "2001:db8:1:3::/64",
		"::ffff:192.0.2.7":          "::ffff:192.0.2.7",
		"pas une adresse":           "pas une adresse",
	} {
		if got := limitKey(in); got != want {
			t.Errorf("limitKey(%q) = %q, want %q", in, got, want)
		}
	}
}
