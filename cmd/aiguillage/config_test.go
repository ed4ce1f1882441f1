package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDefaults checks what the program does with no flag and no variable:
// listen on 127.0.0.1:8080 and keep its data in ./aiguillage-data.
func TestDefaults(t *testing.T) {
	c, _, err := parse(serveCmd, nil, env{}.get, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := config{Addr: "127.0.0.1:8080", Data: "aiguillage-data", Branch: "main", Lang: "fr", LogLevel: "info", Poll: 500 * time.Millisecond}
	if c != want {
		t.Errorf("defaults:\n got %+v\nwant %+v", c, want)
	}
	if c.repoDir() != filepath.Join("aiguillage-data", "content.git") {
		t.Errorf("repository %s", c.repoDir())
	}
}

// TestPrecedence checks flag > variable > default for every setting.
func TestPrecedence(t *testing.T) {
	vars := env{
		"AIGUILLAGE_ADDR": "0.0.0.0:9000", "AIGUILLAGE_DATA": "/srv/env", "AIGUILLAGE_CONTENT": "/srv/content",
		"AIGUILLAGE_BRANCH": "prod", "AIGUILLAGE_THEME": "contraste", "AIGUILLAGE_LANG_UI": "en",
		"AIGUILLAGE_BASE_URL": "https://env.example.org", "AIGUILLAGE_LOG_LEVEL": "debug",
		"AIGUILLAGE_LOG_JSON": "1", "AIGUILLAGE_POLL": "10s",
	}
	c, _, err := parse(serveCmd, nil, vars.get, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := config{Addr: "0.0.0.0:9000", Data: "/srv/env", Content: "/srv/content", Branch: "prod", Theme: "contraste",
		Lang: "en", BaseURL: "https://env.example.org", LogLevel: "debug", LogJSON: true, Poll: 10 * time.Second}
	if c != want {
		t.Errorf("from the environment:\n got %+v\nwant %+v", c, want)
	}

	c, _, err = parse(serveCmd, []string{"--addr", ":1", "--data", "d", "--content", "", "--branch", "b", "--theme", "default",
		"--lang", "fr", "--base-url", "", "--log-level", "warn", "--log-json=false", "--poll", "-1s"}, vars.get, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want = config{Addr: ":1", Data: "d", Branch: "b", Theme: "default", Lang: "fr", LogLevel: "warn", Poll: -time.Second}
	if c != want {
		t.Errorf("flags over the environment (even empty ones):\n got %+v\nwant %+v", c, want)
	}
}

// TestUsageErrors checks that a bad command line or variable exits with
// status 2 and says what is wrong, before anything is created.
func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		env  env
		args []string
		want string // in stderr
	}{
		{"unknown command", nil, []string{"serv"}, `unknown command "serv"`},
		{"unknown flag", nil, []string{"--adress", ":1"}, "flag provided but not defined: -adress"},
		{"unknown flag of check", nil, []string{"check", "--addr", ":1"}, "flag provided but not defined: -addr"},
		{"bad duration", nil, []string{"--poll", "often"}, `invalid value "often" for flag -poll: want a duration`},
		{"bad duration variable", env{"AIGUILLAGE_POLL": "often"}, nil, `invalid value "often" for AIGUILLAGE_POLL: want a duration`},
		{"bad boolean variable", env{"AIGUILLAGE_LOG_JSON": "oui"}, nil, `invalid value "oui" for AIGUILLAGE_LOG_JSON`},
		{"bad log level", nil, []string{"--log-level", "verbose"}, `invalid log level "verbose"`},
		{"bad log level variable", env{"AIGUILLAGE_LOG_LEVEL": "verbose"}, []string{"reindex"}, `invalid log level "verbose"`},
		{"unknown theme", nil, []string{"--theme", "sombre"}, `unknown theme "sombre": want default or contraste`},
		{"stray argument", nil, []string{"serve", "8080"}, `unexpected argument "8080"`},
		{"stray argument of reindex", nil, []string{"reindex", "x"}, `unexpected argument "x"`},
		{"two paths to check", nil, []string{"check", "a", "b"}, `unexpected argument "b"`},
		{"bad check format", nil, []string{"check", "--format", "xml"}, `unknown format "xml"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := t.TempDir()
			e := env{"AIGUILLAGE_DATA": data}
			for k, v := range tt.env {
				e[k] = v
			}
			r := runCmd(t, e, tt.args...)
			if r.code != 2 {
				t.Errorf("exit status %d (err %v), want 2", r.code, r.err)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, r.stderr)
			}
			if entries, _ := os.ReadDir(data); len(entries) > 0 {
				t.Errorf("a usage error created %s/%s", data, entries[0].Name())
			}
		})
	}
}

// TestRunErrors checks errors found after parsing: main prints them and
// exits with status 2.
func TestRunErrors(t *testing.T) {
	t.Run("port in use", func(t *testing.T) {
		in := startServe(t, nil, "--data", t.TempDir())
		addr := strings.TrimPrefix(in.url, "http://")
		r := runCmd(t, nil, "--data", t.TempDir(), "--addr", addr)
		if r.code != 2 || r.err == nil || !strings.Contains(r.err.Error(), "listen on "+addr) {
			t.Errorf("second server on %s: status %d, err %v", addr, r.code, r.err)
		}
	})
	t.Run("content is not a repository", func(t *testing.T) {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{"services/x.md": "---\n---\n"})
		r := runCmd(t, nil, "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--content", dir)
		if r.code != 2 || r.err == nil || !strings.Contains(r.err.Error(), dir) {
			t.Errorf("status %d, err %v; want 2 and an error naming %s", r.code, r.err, dir)
		}
	})
	t.Run("content does not exist", func(t *testing.T) {
		data := t.TempDir()
		r := runCmd(t, nil, "--data", data, "--addr", "127.0.0.1:0", "--content", filepath.Join(data, "absent"))
		if r.code != 2 || r.err == nil || !strings.Contains(r.err.Error(), "--content") {
			t.Errorf("status %d, err %v", r.code, r.err)
		}
		if entries, _ := os.ReadDir(data); len(entries) > 0 {
			t.Errorf("state made for a repository that does not exist: %s", entries[0].Name())
		}
	})
	t.Run("branch does not exist", func(t *testing.T) {
		requireGit(t)
		repo := t.TempDir()
		writeFiles(t, repo, map[string]string{"pages/accueil.md": "---\ntitre: Accueil\n---\nBienvenue.\n"})
		gitRun(t, repo, "init", "-q", "-b", "master")
		gitRun(t, repo, "add", ".")
		gitRun(t, repo, "commit", "-q", "-m", "contenu")
		r := runCmd(t, nil, "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--content", repo)
		if r.code != 2 || r.err == nil || !strings.Contains(r.err.Error(), "(branch main)") {
			t.Errorf("status %d, err %v", r.code, r.err)
		}
		in := startServe(t, env{"AIGUILLAGE_BRANCH": "master"}, "--data", t.TempDir(), "--content", repo)
		in.mustGet("/pages/accueil", 200)
		// check reads the branch HEAD names.
		if r := runCmd(t, nil, "check", "--rev", "HEAD", repo); r.code != 0 {
			t.Errorf("check a repository on master: status %d (%v)\n%s", r.code, r.err, r.stdout)
		}
	})
	t.Run("unknown language", func(t *testing.T) {
		data := t.TempDir()
		r := runCmd(t, nil, "--data", data, "--addr", "127.0.0.1:0", "--lang", "xx")
		if r.code != 2 || r.err == nil || !strings.Contains(r.err.Error(), "xx") {
			t.Errorf("status %d, err %v", r.code, r.err)
		}
	})
}

// TestHelp checks -h and help: usage on stdout, status 0.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"serve", "-h"}, {"check", "-h"}, {"reindex", "--help"}, {"help"}} {
		r := runCmd(t, nil, args...)
		if r.code != 0 || !strings.Contains(r.stdout, "Usage") || r.stderr != "" {
			t.Errorf("%q: status %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
	r := runCmd(t, nil, "-h")
	for _, want := range []string{"AIGUILLAGE_ADDR", "127.0.0.1:8080", "--content", "check", "reindex"} {
		want = strings.TrimPrefix(want, "--")
		if !strings.Contains(r.stdout, want) {
			t.Errorf("-h lacks %q:\n%s", want, r.stdout)
		}
	}
}
