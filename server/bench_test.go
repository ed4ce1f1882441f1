package server_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// benchView GETs url through the whole Fiber stack (middleware included) b.N times.
func benchView(b *testing.B, app *fiber.App, url string) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		resp, err := app.Test(httptest.NewRequest(http.MethodGet, url, nil), -1)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

// BenchmarkServiceView is a service page served from the page cache.
func BenchmarkServiceView(b *testing.B) {
	f := newFixture(b, options{})
	benchView(b, f.app, "/services/epicerie-sociale-cluny")
}

// BenchmarkServiceViewCold renders the service page on every view: the
// page cache is disabled.
func BenchmarkServiceViewCold(b *testing.B) {
	f := newFixture(b, options{cacheBytes: -1})
	benchView(b, f.app, "/services/epicerie-sociale-cluny")
}
