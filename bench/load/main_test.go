package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRun(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.URL.Path]++
		mu.Unlock()
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, strings.Repeat("x", 100))
	}))
	defer srv.Close()
	list := filepath.Join(t.TempDir(), "urls.txt")
	if err := os.WriteFile(list, []byte("# pages\n"+srv.URL+"/a\n\n"+srv.URL+"/b\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		args []string
		want func(t *testing.T, r *report)
	}{
		{"duration", []string{"-url", list, "-url", srv.URL + "/c", "-c", "3", "-d", "200ms", "-warmup", "50ms", "-cpu-pid", fmt.Sprint(os.Getpid())},
			func(t *testing.T, r *report) {
				if r.URLs != 3 || r.Requests == 0 || r.Errors != 0 || r.Statuses[200] != r.Requests {
					t.Errorf("report %+v", r)
				}
				if r.Bytes != int64(100*r.Requests) {
					t.Errorf("bytes %d for %d requests", r.Bytes, r.Requests)
				}
				if !(r.P50ms <= r.P90ms && r.P90ms <= r.P99ms && r.P99ms <= r.MaxMs) {
					t.Errorf("percentiles out of order: %+v", r)
				}
				if r.ServerCPUSeconds < 0 {
					t.Errorf("negative CPU time %v", r.ServerCPUSeconds)
				}
			}},
		{"once", []string{"-url", list, "-url", srv.URL + "/missing", "-c", "2", "-once"},
			func(t *testing.T, r *report) {
				if r.Requests != 3 || r.Errors != 1 || r.Statuses[404] != 1 {
					t.Errorf("report %+v", r)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseFlags(tt.args)
			if err != nil {
				t.Fatal(err)
			}
			r, err := run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			tt.want(t, r)
		})
	}
	if seen["/a"] == 0 || seen["/b"] == 0 || seen["/c"] == 0 {
		t.Errorf("some URLs never requested: %v", seen)
	}
}

func TestParseFlagsErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"-url", "http://x", "-c", "0"}, {"-url", "/does/not/exist"}, {"-H", "no colon", "-url", "http://x"}} {
		if _, err := parseFlags(args); err == nil {
			t.Errorf("parseFlags(%q): no error", args)
		}
	}
}

func TestCPUSeconds(t *testing.T) {
	start := time.Now()
	for time.Since(start) < 30*time.Millisecond { // burn a little CPU
	}
	s, err := cpuSeconds(os.Getpid())
	if err != nil || s <= 0 {
		t.Errorf("cpuSeconds(self) = %v, %v", s, err)
	}
	if s, err := cpuSeconds(0); s != 0 || err != nil {
		t.Errorf("cpuSeconds(0) = %v, %v", s, err)
	}
}
