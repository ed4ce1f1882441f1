package server_test

import (
	"regexp"
	"strings"
	"testing"
)

var subresource = regexp.MustCompile(`<(?:link rel="stylesheet"|script) (?:href|src)="(/static/[^"]+)"`)

// TestServicePageWeight keeps a service page, with its stylesheets and
// scripts, under 100 KB before compression, Leaflet aside (loaded only with
// a map, and cached for a year): reception desks have old computers and
// slow lines.
func TestServicePageWeight(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})
	for _, u := range []string{"/services/epicerie-sociale-cluny", sheetURL} {
		body := f.page(u)
		total, vendor := len(body), 0
		for _, m := range subresource.FindAllStringSubmatch(body, -1) {
			r := f.get(m[1])
			if r.status != 200 {
				t.Fatalf("%s: GET %s: %d", u, m[1], r.status)
			}
			if strings.HasPrefix(m[1], "/static/vendor/") {
				vendor += len(r.body)
				continue
			}
			total += len(r.body)
		}
		t.Logf("%s: %.1f KB of HTML, CSS and JavaScript (HTML %.1f KB), plus %.1f KB of Leaflet", u, float64(total)/1000, float64(len(body))/1000, float64(vendor)/1000)
		if total > 100_000 {
			t.Errorf("%s weighs %d bytes, over 100 KB", u, total)
		}
	}
}
