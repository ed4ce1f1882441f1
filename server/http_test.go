package server_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestConditionalRequests(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})
	for _, u := range []string{"/", "/services/epicerie-sociale-cluny", "/structures/ccas-cluny", "/pages/aide-alimentaire", "/structures"} {
		r := f.get(u)
		etag := r.header.Get("ETag")
		if r.status != http.StatusOK || etag == "" {
			t.Errorf("GET %s: status %d, ETag %q", u, r.status, etag)
			continue
		}
		if lm := r.header.Get("Last-Modified"); lm == "" {
			t.Errorf("GET %s: no Last-Modified", u)
		} else if _, err := http.ParseTime(lm); err != nil {
			t.Errorf("GET %s: Last-Modified %q: %v", u, lm, err)
		}
		if cc := r.header.Get("Cache-Control"); !strings.Contains(cc, "must-revalidate") && !strings.Contains(cc, "no-cache") {
			t.Errorf("GET %s: Cache-Control %q lets caches serve a stale page", u, cc)
		}
		nm := f.get(u, "If-None-Match", etag)
		if nm.status != http.StatusNotModified || nm.body != "" {
			t.Errorf("GET %s with If-None-Match: status %d, %d bytes; want 304, empty", u, nm.status, len(nm.body))
		}
		weak := f.get(u, "If-None-Match", "W/"+etag)
		if weak.status != http.StatusNotModified {
			t.Errorf("GET %s with a weak If-None-Match: status %d, want 304", u, weak.status)
		}
		other := f.get(u, "If-None-Match", `"autre"`)
		if other.status != http.StatusOK || other.body != r.body {
			t.Errorf("GET %s with another ETag: status %d, want 200 and the page", u, other.status)
		}
	}
}

func TestStaticAssets(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})
	home := f.page("/")
	m := regexp.MustCompile(`href="(/static/style\.css\?v=([0-9a-f]+))"`).FindStringSubmatch(home)
	if m == nil {
		t.Fatalf("home links no versioned style.css")
	}
	versioned := m[1]
	r := f.get(versioned)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/css") || !strings.Contains(r.body, "{") {
		t.Fatalf("GET %s: status %d, Content-Type %q, %d bytes", versioned, r.status, r.header.Get("Content-Type"), len(r.body))
	}
	if cc := r.header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
		t.Errorf("versioned asset: Cache-Control %q, want a year, immutable", cc)
	}
	if r.header.Get("Last-Modified") == "" {
		t.Error("asset: no Last-Modified")
	}
	etag := r.header.Get("ETag")
	if etag != `"`+m[2]+`"` {
		t.Errorf("asset ETag %q, want the version %q", etag, m[2])
	}
	plain := f.get("/static/style.css")
	if cc := plain.header.Get("Cache-Control"); strings.Contains(cc, "immutable") {
		t.Errorf("unversioned asset: Cache-Control %q must not be immutable", cc)
	}
	for _, inm := range []string{etag, "W/" + etag, `"autre", ` + etag} {
		nm := f.get("/static/style.css", "If-None-Match", inm)
		if nm.status != http.StatusNotModified || nm.body != "" {
			t.Errorf("asset with If-None-Match %s: status %d, %d bytes; want 304", inm, nm.status, len(nm.body))
		}
	}
	if js := f.get("/static/app.js"); js.status != http.StatusOK || !strings.Contains(js.header.Get("Content-Type"), "javascript") {
		t.Errorf("app.js: status %d, Content-Type %q", js.status, js.header.Get("Content-Type"))
	}
}

func TestGzip(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})
	for _, u := range []string{"/services/epicerie-sociale-cluny", "/static/style.css", "/api/v1/search?q=epicerie", "/services/nope"} {
		plain := f.get(u)
		r := f.get(u, "Accept-Encoding", "gzip")
		if r.header.Get("Content-Encoding") != "gzip" {
			t.Errorf("GET %s: Content-Encoding %q, want gzip", u, r.header.Get("Content-Encoding"))
			continue
		}
		if !strings.Contains(r.header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("GET %s: Vary %q lacks Accept-Encoding", u, r.header.Get("Vary"))
		}
		zr, err := gzip.NewReader(strings.NewReader(r.body))
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		body, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		if !bytes.Equal(body, []byte(plain.body)) && !strings.HasPrefix(u, "/api/") {
			t.Errorf("GET %s: gunzipped body differs from the plain one", u)
		}
		if len(r.body) >= len(body) {
			t.Errorf("GET %s: %d bytes compressed for %d", u, len(r.body), len(body))
		}
	}
	// 304 stays empty with compression asked.
	etag := f.get("/", "Accept-Encoding", "gzip").header.Get("ETag")
	if r := f.get("/", "Accept-Encoding", "gzip", "If-None-Match", etag); r.status != http.StatusNotModified || r.body != "" {
		t.Errorf("gzip + If-None-Match: status %d, %d bytes", r.status, len(r.body))
	}
}

// The whole server on a real socket: Serve, then Shutdown.
func TestServeOnListener(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- f.srv.Serve(ln) }()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(base + "/services/epicerie-sociale-cluny")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Épicerie sociale et solidaire de Cluny") {
		t.Errorf("GET over TCP: status %d", resp.StatusCode)
	}
	// Go's client asks for gzip itself and decodes it.
	if !resp.Uncompressed {
		t.Error("page not compressed over TCP")
	}
	// A URL beyond the read buffer: fasthttp refuses it before routing;
	// the answer is still the French error page with the security headers.
	resp, err = client.Get(base + "/recherche?q=" + strings.Repeat("a", 40<<10))
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("40 KB URL: status %d, want 431", resp.StatusCode)
	}
	contains(t, "40 KB URL", string(body), `<html lang="fr">`, "<h1>Demande incorrecte</h1>")
	if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'self'") {
		t.Errorf("40 KB URL: no CSP")
	}
	// A keep-alive connection stays idle: Shutdown must still return.
	if err := f.srv.Shutdown(2 * time.Second); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after Shutdown")
	}
	if _, err := client.Get(base + "/"); err == nil {
		t.Error("server still answers after Shutdown")
	}
}
