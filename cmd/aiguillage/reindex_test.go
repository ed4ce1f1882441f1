package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReindex rebuilds the index of a new data folder (which creates the
// demo repository), then serves it: the index is used as is and search
// finds the demo's services.
func TestReindex(t *testing.T) {
	data := t.TempDir()
	r := runCmd(t, nil, "reindex", "--data", data)
	if r.code != 0 {
		t.Fatalf("reindex: status %d (%v)\n%s", r.code, r.err, r.stderr)
	}
	if !regexp.MustCompile(`^index rebuilt at [0-9a-f]{7,}: [1-9]\d* services, [1-9]\d* structures, [1-9]\d* pages in `).MatchString(r.stdout) {
		t.Errorf("reindex said %q", r.stdout)
	}

	in := startServe(t, nil, "--data", data)
	in.waitIndexed()
	if hits := apiSearch(t, in, "épicerie sociale"); len(hits) == 0 {
		t.Errorf("no search result for épicerie sociale after reindex")
	}
	if log := in.stderr.String(); strings.Contains(log, "unreadable") || strings.Contains(log, "full=true") {
		t.Errorf("the server rebuilt the index reindex had just made:\n%s", log)
	}
}

// TestReindexWhileServing checks that reindex refuses, with a message and
// status 2, to open the data folder of a running server.
func TestReindexWhileServing(t *testing.T) {
	data := t.TempDir()
	in := startServe(t, nil, "--data", data)
	r := runCmd(t, nil, "reindex", "--data", data)
	if r.code != 2 || r.err == nil || !strings.Contains(r.err.Error(), "another process") {
		t.Errorf("reindex while serving: status %d, err %v", r.code, r.err)
	}
	in.mustGet("/healthz", 200)
}

// TestReindexDamagedIndex checks that reindex repairs an index whose files
// were damaged.
func TestReindexDamagedIndex(t *testing.T) {
	data := t.TempDir()
	if r := runCmd(t, nil, "reindex", "--data", data); r.code != 0 {
		t.Fatalf("reindex: %v\n%s", r.err, r.stderr)
	}
	index := filepath.Join(data, "state", "index")
	err := filepath.WalkDir(index, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		return os.WriteFile(p, []byte("abîmé"), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := runCmd(t, nil, "reindex", "--data", data); r.code != 0 {
		t.Fatalf("reindex of a damaged index: status %d (%v)\n%s", r.code, r.err, r.stderr)
	}
	in := startServe(t, nil, "--data", data)
	in.waitIndexed()
	if hits := apiSearch(t, in, "épicerie sociale"); len(hits) == 0 {
		t.Errorf("no search result after repairing the index")
	}
}
