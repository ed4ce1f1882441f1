package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/accounts"
)

func TestSignInAndOut(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true, noSearch: true})
	f.newUser("agent@example.org", accounts.RoleAgent)

	cl := f.anonymous()
	page := cl.get("/connexion")
	wantStatus(t, "sign-in page", page, http.StatusOK)
	contains(t, "sign-in page", page.body, `<h1>Se connecter</h1>`, `autocomplete="current-password"`, `type="email"`)
	if cl.cookies["aiguillage_csrf"] == "" || cl.csrf == "" {
		t.Fatalf("no anonymous CSRF cookie or token: %v %q", cl.cookies, cl.csrf)
	}
	contains(t, "anonymous header", f.get("/").body, `href="/connexion"`, "Se connecter")

	r := cl.signIn("Agent@Example.org", password, "/structures/ccas-cluny")
	wantStatus(t, "sign-in", r, http.StatusSeeOther)
	if loc := r.header.Get("Location"); loc != "/structures/ccas-cluny" {
		t.Errorf("redirected to %q", loc)
	}
	ck := findCookie(r, "aiguillage_session")
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure || len(ck.Value) < 43 {
		t.Fatalf("session cookie %+v", ck)
	}
	home := cl.get("/")
	contains(t, "signed-in header", home.body, "Nom agent", `href="/compte"`, "Mon compte", `action="/deconnexion"`, "Se déconnecter")
	lacks(t, "signed-in header", home.body, `href="/connexion"`)
	if cc := home.header.Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("signed-in Cache-Control %q", cc)
	}
	if cc := f.get("/").header.Get("Cache-Control"); !strings.HasPrefix(cc, "public") {
		t.Errorf("anonymous Cache-Control %q", cc)
	}

	// Signing in again starts a new session and ends the old one.
	old := cl.cookies["aiguillage_session"]
	cl.signIn("agent@example.org", password)
	cl.get("/") // the new session's token
	if cl.cookies["aiguillage_session"] == old {
		t.Error("same session secret after a second sign-in")
	}
	if _, _, err := f.accounts.SessionUser(context.Background(), old); err == nil {
		t.Error("old session still valid")
	}

	r = cl.post("/deconnexion", nil)
	wantStatus(t, "sign-out", r, http.StatusSeeOther)
	if _, ok := cl.cookies["aiguillage_session"]; ok {
		t.Error("session cookie kept after sign-out")
	}
	contains(t, "after sign-out", cl.get("/").body, `href="/connexion"`)
}

func findCookie(r response, name string) *http.Cookie {
	for _, ck := range (&http.Response{Header: r.header}).Cookies() {
		if ck.Name == name {
			return ck
		}
	}
	return nil
}

// Unknown e-mails and wrong passwords get the same answer.
func TestSignInNoEnumeration(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true, noSearch: true})
	f.newUser("agent@example.org", accounts.RoleAgent)
	cl := f.anonymous()
	wrong := cl.signIn("agent@example.org", "pas le bon mot de passe")
	unknown := cl.signIn("inconnu@example.org", "pas le bon mot de passe")
	wantStatus(t, "wrong password", wrong, http.StatusUnauthorized)
	wantStatus(t, "unknown e-mail", unknown, http.StatusUnauthorized)
	contains(t, "wrong password", wrong.body, "Adresse électronique ou mot de passe incorrect.", `aria-describedby="connexion-erreur"`)
	norm := func(s string) string { return strings.ReplaceAll(s, "inconnu@example.org", "agent@example.org") }
	if csrfInput.ReplaceAllString(norm(unknown.body), "") != csrfInput.ReplaceAllString(wrong.body, "") {
		t.Error("the answers for an unknown e-mail and a wrong password differ")
	}
	if findCookie(wrong, "aiguillage_session") != nil {
		t.Error("session cookie after a failed sign-in")
	}
}

func TestSignInRateLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true, noSearch: true, proxies: []string{"0.0.0.0"}})
	f.newUser("agent@example.org", accounts.RoleAgent)
	f.newUser("autre@example.org", accounts.RoleAgent)
	xff := func(ip string) []string { return []string{"X-Forwarded-For", "203.0.113.9, " + ip} }
	signIn := func(email, pw, ip string) response {
		cl := f.anonymous()
		cl.get("/connexion")
		return cl.post("/connexion", url.Values{"email": {email}, "password": {pw}}, xff(ip)...)
	}
	// Per e-mail: five failures, then even the right password waits.
	for i := range 5 {
		wantStatus(t, "failure", signIn("agent@example.org", "mauvais mot de passe", "198.51.100."+string(rune('1'+i))), http.StatusUnauthorized)
	}
	r := signIn("agent@example.org", password, "198.51.100.7")
	wantStatus(t, "after 5 failures", r, http.StatusTooManyRequests)
	contains(t, "rate limited", r.body, "Trop de tentatives")
	wantStatus(t, "another e-mail", signIn("autre@example.org", password, "198.51.100.7"), http.StatusSeeOther)

	// Per address (the client's, read behind the trusted proxy): 30 failures.
	for i := range 30 {
		signIn("x"+string(rune('a'+i))+"@example.org", "mauvais mot de passe", "192.0.2.1")
	}
	wantStatus(t, "address limited", signIn("autre@example.org", password, "192.0.2.1"), http.StatusTooManyRequests)
	wantStatus(t, "another address", signIn("autre@example.org", password, "192.0.2.2"), http.StatusSeeOther)

	// Successes do not count: a whole office signs in from one address.
	for i := range 35 {
		if r := signIn("autre@example.org", password, "192.0.2.3"); r.status != http.StatusSeeOther {
			t.Fatalf("sign-in %d from one address: status %d", i+1, r.status)
		}
	}
}

// An address in X-Forwarded-For is ignored unless the connection comes
// from a trusted proxy: otherwise anyone could pick a new one per try.
func TestSignInRateLimitIgnoresUntrustedForwardedFor(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true, noSearch: true})
	cl := f.anonymous()
	var last response
	for i := range 31 {
		cl.get("/connexion")
		last = cl.post("/connexion", url.Values{"email": {"x" + string(rune('a'+i)) + "@example.org"}, "password": {"mauvais mot de passe"}},
			"X-Forwarded-For", "192.0.2."+string(rune('1'+i%9)))
	}
	wantStatus(t, "31st attempt", last, http.StatusTooManyRequests)
}

func TestSignInSafeReturn(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true, noSearch: true})
	f.newUser("agent@example.org", accounts.RoleAgent)
	for _, c := range []struct{ retour, want string }{
		{"/services/epicerie-sociale-cluny?x=1", "/services/epicerie-sociale-cluny?x=1"},
		{"https://evil.example", "/"},
		{"//evil.example/x", "/"},
		{"/\\evil.example", "/"},
		{"\\\\evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"/%0d%0aSet-Cookie:x=y", "/%0d%0aSet-Cookie:x=y"},
		{"/x\r\nLocation: https://evil.example", "/"},
		{"https:/evil.example", "/"},
		{"", "/"},
	} {
		r := f.anonymous().signIn("agent@example.org", password, c.retour)
		if loc := r.header.Get("Location"); r.status != http.StatusSeeOther || loc != c.want {
			t.Errorf("retour %q: %d to %q, want %q", c.retour, r.status, loc, c.want)
		}
	}
	// The sign-in page of a signed-in user sends them on, safely too.
	cl := f.anonymous()
	cl.signIn("agent@example.org", password)
	r := cl.get("/connexion?retour=" + url.QueryEscape("//evil.example"))
	if loc := r.header.Get("Location"); loc != "/" {
		t.Errorf("signed-in /connexion redirects to %q", loc)
	}
}

// Over https (directly, or as the public URL says), cookies are Secure.
func TestSecureCookies(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true, noSearch: true, baseURL: "https://annuaire.example.org"})
	f.newUser("agent@example.org", accounts.RoleAgent)
	cl := f.anonymous()
	r := cl.get("/connexion")
	if ck := findCookie(r, "aiguillage_csrf"); ck == nil || !ck.Secure || !ck.HttpOnly {
		t.Errorf("CSRF cookie %+v", ck)
	}
	r = cl.signIn("agent@example.org", password)
	if ck := findCookie(r, "aiguillage_session"); ck == nil || !ck.Secure {
		t.Errorf("session cookie %+v", ck)
	}
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true, noSearch: true})
	u := f.newUser("agent@example.org", accounts.RoleAgent)
	signOut := func(cl *client, form url.Values, headers ...string) response {
		return cl.post("/deconnexion", form, headers...)
	}
	other := f.as(u)
	for _, c := range []struct {
		name    string
		form    url.Values
		headers []string
	}{
		{"missing token", url.Values{"_csrf": {""}}, nil},
		{"forged token", url.Values{"_csrf": {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}, nil},
		{"another session's token", url.Values{"_csrf": {other.csrf}}, nil},
		{"cross-site", nil, []string{"Sec-Fetch-Site", "cross-site"}},
		{"same-site", nil, []string{"Sec-Fetch-Site", "same-site"}},
		{"other origin", nil, []string{"Origin", "https://evil.example"}},
		{"null origin", nil, []string{"Origin", "null"}},
	} {
		cl := f.as(u)
		r := signOut(cl, c.form, c.headers...)
		wantStatus(t, c.name, r, http.StatusForbidden)
		contains(t, c.name, r.body, "<h1>Accès refusé</h1>", "le formulaire a expiré ou ne vient pas de ce site")
		if _, _, err := f.accounts.SessionUser(context.Background(), cl.cookies["aiguillage_session"]); err != nil {
			t.Errorf("%s: the session ended anyway", c.name)
		}
	}
	cl := f.as(u)
	wantStatus(t, "same origin", signOut(cl, nil, "Sec-Fetch-Site", "same-origin", "Origin", "http://example.com"), http.StatusSeeOther)

	// Anonymous forms: the token must match the visitor's own cookie.
	a, b := f.anonymous(), f.anonymous()
	a.get("/connexion")
	b.get("/connexion")
	form := url.Values{"email": {"agent@example.org"}, "password": {password}, "_csrf": {a.csrf}}
	wantStatus(t, "anonymous, another visitor's token", b.post("/connexion", form), http.StatusForbidden)
	delete(a.cookies, "aiguillage_csrf")
	wantStatus(t, "anonymous, no cookie", a.post("/connexion", form), http.StatusForbidden)

	// The error answers on the API are JSON.
	cl = f.as(u)
	r := cl.send(cl.formRequest(http.MethodPost, "/api/v1/search", url.Values{"_csrf": {"x"}}), nil)
	wantStatus(t, "API POST with the session cookie and a bad token", r, http.StatusForbidden)
	contains(t, "API error", r.body, `"code":"bad_csrf"`)
	// The token in the header passes (the route does not exist: 404), as
	// does a request with a personal access token, which needs none.
	meta := regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`).FindStringSubmatch(cl.get("/").body)
	if meta == nil || meta[1] != cl.csrf {
		t.Fatalf("csrf-token meta %v, want %q", meta, cl.csrf)
	}
	r = cl.send(cl.formRequest(http.MethodPost, "/api/v1/search", url.Values{"_csrf": {""}}), []string{"X-CSRF-Token", cl.csrf})
	wantStatus(t, "API POST with the token in the header", r, http.StatusNotFound)
	tok, err := f.accounts.CreateToken(context.Background(), u.ID, "script")
	if err != nil {
		t.Fatal(err)
	}
	r = f.anonymous().send(cl.formRequest(http.MethodPost, "/api/v1/search", url.Values{"_csrf": {""}}), []string{"Authorization", "Bearer " + tok})
	wantStatus(t, "API POST with a bearer token", r, http.StatusNotFound)
}

func TestDisabledUserLosesAccessAtOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true, noSearch: true})
	u := f.newUser("agent@example.org", accounts.RoleAgent)
	cl := f.as(u)
	tok, err := f.accounts.CreateToken(context.Background(), u.ID, "script")
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "before", cl.get("/").body, "Se déconnecter")
	wantStatus(t, "token before", f.get("/api/v1/communes?q=cluny", "Authorization", "Bearer "+tok), http.StatusOK)
	u.Disabled = true
	if err := f.accounts.UpdateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	contains(t, "after", cl.get("/").body, `href="/connexion"`)
	r := f.get("/api/v1/communes?q=cluny", "Authorization", "Bearer "+tok)
	wantStatus(t, "token after", r, http.StatusUnauthorized)
	contains(t, "token after", r.body, `"code":"bad_token"`)
	r = f.anonymous().signIn("agent@example.org", password)
	wantStatus(t, "sign-in of a disabled account", r, http.StatusForbidden)
	contains(t, "sign-in of a disabled account", r.body, "Ce compte est désactivé")
}

func TestBearerTokenOnAPIOnly(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true, noSearch: true})
	u := f.newUser("agent@example.org", accounts.RoleAgent)
	tok, err := f.accounts.CreateToken(context.Background(), u.ID, "script")
	if err != nil {
		t.Fatal(err)
	}
	r := f.get("/", "Authorization", "Bearer "+tok)
	lacks(t, "HTML page with a bearer token", r.body, "Se déconnecter")
	r = f.get("/api/v1/communes?q=cluny", "Authorization", "Bearer "+tok)
	if cc := r.header.Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("API with a token: Cache-Control %q", cc)
	}
	wantStatus(t, "forged token", f.get("/api/v1/communes?q=cluny", "Authorization", "Bearer x"+tok), http.StatusUnauthorized)
}

// Without accounts, the site works as before: no sign-in link, no page.
func TestSignInDisabled(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{noSearch: true})
	lacks(t, "home", f.get("/").body, "/connexion", "Se connecter")
	wantStatus(t, "sign-in page", f.get("/connexion"), http.StatusNotFound)
}

// TestLinkSecretsNotLogged: invitation and reset links are credentials, so
// the request log names their route, never the link itself.
func TestLinkSecretsNotLogged(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	f := newFixture(t, options{noSearch: true, accounts: true, log: &logs})
	for _, u := range []string{"/invitation/secret-du-lien-1234", "/mot-de-passe/secret-du-lien-5678"} {
		f.get(u)
	}
	lacks(t, "log", logs.String(), "secret-du-lien")
	contains(t, "log", logs.String(), "/invitation/:token", "/mot-de-passe/:token")
}
