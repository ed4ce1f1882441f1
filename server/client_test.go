package server_test

import (
	"context"
	"html"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/accounts"
)

// password is every test account's password.
const password = "mot de passe de test"

// client is a browser of the fixture's server: it keeps cookies and the
// last CSRF token a page gave it.
type client struct {
	f       *fixture
	cookies map[string]string
	csrf    string
}

func (f *fixture) anonymous() *client { return &client{f: f, cookies: map[string]string{}} }

// newUser creates an account with the test password.
func (f *fixture) newUser(email string, role accounts.Role, structures ...string) *accounts.User {
	f.t.Helper()
	u, err := f.accounts.CreateUser(context.Background(), accounts.NewUser{Email: email, Name: "Nom " + strings.Split(email, "@")[0],
		Role: role, Structures: structures, Password: password})
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

// as returns a client signed in as u, with a new session of its own and
// the CSRF token of that session (read from the page given, /compte if none).
func (f *fixture) as(u *accounts.User, page ...string) *client {
	f.t.Helper()
	if u == nil {
		cl := f.anonymous()
		cl.get("/connexion")
		return cl
	}
	secret, err := f.accounts.CreateSession(context.Background(), u.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	cl := &client{f: f, cookies: map[string]string{"aiguillage_session": secret}}
	target := "/compte"
	if len(page) > 0 {
		target = page[0]
	}
	cl.get(target)
	if cl.csrf == "" {
		f.t.Fatalf("no CSRF token on %s for %s", target, u.Email)
	}
	return cl
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

func (cl *client) get(target string, headers ...string) response {
	cl.f.t.Helper()
	return cl.send(httptest.NewRequest(http.MethodGet, target, nil), headers)
}

// post sends a form, with the client's CSRF token unless form has one.
func (cl *client) post(target string, form url.Values, headers ...string) response {
	cl.f.t.Helper()
	return cl.send(cl.formRequest(http.MethodPost, target, form), headers)
}

func (cl *client) formRequest(method, target string, form url.Values) *http.Request {
	form = maps.Clone(form) // callers' forms may be shared by cases
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["_csrf"]; !ok {
		form.Set("_csrf", cl.csrf)
	}
	req := httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func (cl *client) send(req *http.Request, headers []string) response {
	cl.f.t.Helper()
	for name, value := range cl.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	r := cl.f.do(req)
	for _, ck := range (&http.Response{Header: r.header}).Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(cl.cookies, ck.Name)
		} else {
			cl.cookies[ck.Name] = ck.Value
		}
	}
	if m := csrfInput.FindStringSubmatch(r.body); m != nil && m[1] != "" {
		cl.csrf = html.UnescapeString(m[1])
	}
	return r
}

// signIn goes through the sign-in form and returns the response.
func (cl *client) signIn(email, pw string, retour ...string) response {
	cl.f.t.Helper()
	cl.get("/connexion")
	form := url.Values{"email": {email}, "password": {pw}}
	if len(retour) > 0 {
		form.Set("retour", retour[0])
	}
	return cl.post("/connexion", form)
}

func wantStatus(t testing.TB, what string, r response, want int) {
	t.Helper()
	if r.status != want {
		t.Errorf("%s: status %d, want %d\n%.600s", what, r.status, want, r.body)
	}
}
