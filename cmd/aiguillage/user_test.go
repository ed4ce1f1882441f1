package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// runUser runs "aiguillage user ARGS" with stdin and returns its outputs.
func runUser(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), append([]string{"user"}, args...), env{}.get, strings.NewReader(stdin), &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

// The user command works on the data folder while the server runs on it:
// an account made then signs in, and its token opens the API.
func TestUserCommandWhileServing(t *testing.T) {
	data := t.TempDir()
	in := startServe(t, nil, "--data", data, "--log-level", "warn")

	out, errOut, err := runUser(t, "un mot de passe solide\n", "add", "--data", data, "--email", "Admin@Example.org",
		"--name", "Camille Admin", "--role", "admin")
	if err != nil || !strings.Contains(out, "admin@example.org (admin)") {
		t.Fatalf("user add: %v\n%s%s", err, out, errOut)
	}
	out, errOut, err = runUser(t, "", "token", "--data", data, "--email", "admin@example.org", "--name", "script")
	token := strings.TrimSpace(out)
	if err != nil || len(token) != 43 {
		t.Fatalf("user token: %v %q %s", err, out, errOut)
	}

	req, _ := http.NewRequest(http.MethodGet, in.url+"/api/v1/communes?q=cluny", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := in.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("API with the token: %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	req.Header.Set("Authorization", "Bearer x"+token)
	if resp, err = in.client.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("API with a forged token: %v %v", resp.StatusCode, err)
	}

	// Sign in through the form, as a browser would.
	jar := &http.Client{Jar: newJar(t), Timeout: in.client.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = jar.Get(in.url + "/connexion")
	if err != nil {
		t.Fatal(err)
	}
	page := readAll(t, resp)
	csrf := csrfPattern.FindStringSubmatch(page)
	if csrf == nil {
		t.Fatalf("no CSRF token on /connexion:\n%s", page)
	}
	resp, err = jar.PostForm(in.url+"/connexion", url.Values{"_csrf": {csrf[1]}, "email": {"admin@example.org"},
		"password": {"un mot de passe solide"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", resp.StatusCode)
	}
	resp, err = jar.Get(in.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	if home := readAll(t, resp); !strings.Contains(home, "Camille Admin") {
		t.Error("home page after sign-in does not show the user's name")
	}

	// The key of the CSRF tokens is kept in the data folder.
	if key, err := os.ReadFile(filepath.Join(data, "secret.key")); err != nil || len(key) != 32 {
		t.Errorf("secret.key: %d bytes, %v", len(key), err)
	}
	if err := in.stop(); err != nil {
		t.Fatal(err)
	}
}

func TestUserCommandErrors(t *testing.T) {
	data := t.TempDir()
	for _, c := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"court\n", []string{"add", "--data", data, "--email", "a@example.org", "--name", "A", "--role", "agent"}, "au moins 12 caractères"},
		{"un mot de passe solide\n", []string{"add", "--data", data, "--email", "a@example.org", "--name", "A", "--role", "chef"}, `unknown role "chef"`},
		{"un mot de passe solide\n", []string{"add", "--data", data, "--email", "a@example.org", "--role", "agent"}, "required"},
		{"", []string{"token", "--data", data, "--email", "inconnu@example.org"}, "compte introuvable"},
		{"", []string{"delete"}, "Usage"},
	} {
		out, errOut, err := runUser(t, c.stdin, c.args...)
		if err == nil {
			t.Errorf("%v: no error\n%s", c.args, out)
			continue
		}
		if !strings.Contains(err.Error()+errOut, c.want) {
			t.Errorf("%v: %v %s, want %q", c.args, err, errOut, c.want)
		}
	}
	// The same e-mail twice.
	args := []string{"add", "--data", data, "--email", "b@example.org", "--name", "B", "--role", "editeur", "--structure", "ccas-cluny"}
	if _, _, err := runUser(t, "un mot de passe solide", args...); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runUser(t, "un mot de passe solide", args...); err == nil || !strings.Contains(err.Error(), "existe déjà") {
		t.Errorf("second add: %v", err)
	}
}

var csrfPattern = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func newJar(t *testing.T) http.CookieJar {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return jar
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
