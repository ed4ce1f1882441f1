package server_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestCachedPageFollowsTheClock: a cached page shows "open now" only until
// the hours say otherwise, even without a commit.
func TestCachedPageFollowsTheClock(t *testing.T) {
	var clock atomic.Pointer[time.Time]
	set := func(hour, minute int) {
		at := time.Date(2026, 11, 24, hour, minute, 0, 0, time.FixedZone("CET", 3600))
		clock.Store(&at)
	}
	set(11, 58)
	f := newFixture(t, options{clock: func() time.Time { return *clock.Load() }})

	// The CCAS receives Mo-Fr 09:00-12:00.
	if body := f.page("/structures/ccas-cluny"); !strings.Contains(body, "Ouvert maintenant") {
		t.Fatalf("at 11:58 the structure is not shown open")
	}
	etag := f.get("/structures/ccas-cluny").header.Get("ETag")
	set(11, 59)
	if r := f.get("/structures/ccas-cluny"); r.header.Get("ETag") != etag {
		t.Errorf("the page was rendered again before the hours changed")
	}
	set(12, 1)
	body := f.page("/structures/ccas-cluny")
	if strings.Contains(body, "Ouvert maintenant") || !strings.Contains(body, "Fermé en ce moment") {
		t.Errorf("at 12:01 the cached page still says open")
	}
}

// TestCachedPageGzip: the cached page's gzip copy is the page, and a
// client that does not take gzip gets the plain page with the same ETag.
func TestCachedPageGzip(t *testing.T) {
	f := newFixture(t, options{})
	plain := f.get("/services/epicerie-sociale-cluny")
	zipped := f.get("/services/epicerie-sociale-cluny", "Accept-Encoding", "gzip")
	if zipped.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding = %q, want gzip", zipped.header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(strings.NewReader(zipped.body))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(unzipped, []byte(plain.body)) {
		t.Error("the gzip copy differs from the page")
	}
	if plain.header.Get("Content-Encoding") != "" || !strings.Contains(plain.header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("plain answer: Content-Encoding %q, Vary %q", plain.header.Get("Content-Encoding"), plain.header.Get("Vary"))
	}
	if plain.header.Get("ETag") == "" || plain.header.Get("ETag") != zipped.header.Get("ETag") {
		t.Errorf("ETags %q and %q", plain.header.Get("ETag"), zipped.header.Get("ETag"))
	}
	if r := f.get("/services/epicerie-sociale-cluny", "If-None-Match", plain.header.Get("ETag")); r.status != 304 || r.body != "" {
		t.Errorf("If-None-Match: status %d, %d bytes", r.status, len(r.body))
	}
}
