package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportCommand writes the demo's data·inclusion files in both formats.
func TestExportCommand(t *testing.T) {
	data, out := t.TempDir(), t.TempDir()
	r := runCmd(t, nil, "export", "--data", data, "--format", "all", "--base-url", "https://annuaire.example.org", out)
	if r.code != 0 {
		t.Fatalf("export: status %d (%v)\n%s", r.code, r.err, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "exported ") || !strings.Contains(r.stderr, "le service est fermé") {
		t.Errorf("stdout %q, stderr %q", r.stdout, r.stderr)
	}
	var services []map[string]any
	b, err := os.ReadFile(filepath.Join(out, "services.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &services); err != nil || len(services) < 10 {
		t.Fatalf("services.json: %d services, %v", len(services), err)
	}
	if l := services[0]["lien_source"].(string); !strings.HasPrefix(l, "https://annuaire.example.org/services/") {
		t.Errorf("lien_source %q", l)
	}
	csv, err := os.ReadFile(filepath.Join(out, "structures.csv"))
	if err != nil || !strings.HasPrefix(string(csv), "\ufeffaccessibilite_lieu,adresse,") {
		t.Errorf("structures.csv: %v %.80q", err, csv)
	}
	if r := runCmd(t, nil, "export", "--data", data, "--format", "xml", out); r.code != 2 {
		t.Errorf("unknown format: status %d", r.code)
	}
}
