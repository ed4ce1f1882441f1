package accounts_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/accounts"
)

const pw = "correct horse battery"

// clock is a settable clock for the stores under test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func openAt(t *testing.T, path string, clk *clock) *accounts.SQLite {
	t.Helper()
	s, err := accounts.Open(t.Context(), accounts.Config{Path: path, Params: accounts.TestParams(), Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func open(t *testing.T) (*accounts.SQLite, *clock) {
	clk := &clock{t: time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)}
	return openAt(t, filepath.Join(t.TempDir(), "accounts.db"), clk), clk
}

func mustUser(t *testing.T, s accounts.Store, email string, role accounts.Role, structures ...string) *accounts.User {
	t.Helper()
	u, err := s.CreateUser(t.Context(), accounts.NewUser{Email: email, Name: "Nom " + email, Role: role, Structures: structures, Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestRights(t *testing.T) {
	var anon *accounts.User
	admin := &accounts.User{Role: accounts.RoleAdmin}
	ed := &accounts.User{Role: accounts.RoleEditor, Structures: []string{"a"}}
	agent := &accounts.User{Role: accounts.RoleAgent, Structures: []string{"a"}}
	off := &accounts.User{Role: accounts.RoleAdmin, Disabled: true}
	cases := []struct {
		name             string
		u                *accounts.User
		admin, pro, a, b bool
	}{
		{"anonymous", anon, false, false, false, false},
		{"admin", admin, true, true, true, true},
		{"editeur", ed, false, true, true, false},
		{"agent", agent, false, true, false, false},
		{"disabled admin", off, false, false, false, false},
	}
	for _, c := range cases {
		if c.u.IsAdmin() != c.admin || c.u.CanReadPro() != c.pro || c.u.CanEditStructure("a") != c.a || c.u.CanEditStructure("b") != c.b {
			t.Errorf("%s: IsAdmin %v CanReadPro %v edit a %v edit b %v", c.name, c.u.IsAdmin(), c.u.CanReadPro(),
				c.u.CanEditStructure("a"), c.u.CanEditStructure("b"))
		}
	}
	if ed.CanEditStructure("") {
		t.Error("empty slug editable")
	}
	for _, c := range []struct {
		u    *accounts.User
		role accounts.Role
		s    []string
		ok   bool
	}{
		{admin, accounts.RoleAdmin, nil, true},
		{ed, accounts.RoleEditor, []string{"a"}, true},
		{ed, accounts.RoleAgent, []string{"a"}, true},
		{ed, accounts.RoleEditor, []string{"a", "b"}, false},
		{ed, accounts.RoleAdmin, []string{"a"}, false},
		{ed, accounts.RoleEditor, nil, false},
		{agent, accounts.RoleAgent, []string{"a"}, false},
		{anon, accounts.RoleAgent, []string{"a"}, false},
		{admin, "chef", nil, false},
	} {
		if err := c.u.CanInvite(c.role, c.s); (err == nil) != c.ok {
			t.Errorf("%+v invites %s to %v: %v", c.u, c.role, c.s, err)
		}
	}
}

func TestUsersAndPasswords(t *testing.T) {
	s, _ := open(t)
	ctx := t.Context()
	u := mustUser(t, s, " Camille@Example.org ", accounts.RoleEditor, "b", "a", "a", "")
	if u.Email != "camille@example.org" || strings.Join(u.Structures, ",") != "b,a" {
		t.Errorf("created %+v", u)
	}
	if _, err := s.CreateUser(ctx, accounts.NewUser{Email: "camille@example.org", Name: "X", Role: accounts.RoleAgent, Password: pw}); !errors.Is(err, accounts.ErrExists) {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := s.CreateUser(ctx, accounts.NewUser{Email: "x@example.org", Name: "X", Role: accounts.RoleAgent, Password: "court"}); !errors.Is(err, accounts.ErrWeakPassword) {
		t.Errorf("short password: %v", err)
	}
	for _, nu := range []accounts.NewUser{
		{Email: "pas-un-courriel", Name: "X", Role: accounts.RoleAgent, Password: pw},
		{Email: "y@example.org", Name: " ", Role: accounts.RoleAgent, Password: pw},
		{Email: "y@example.org", Name: "Y", Role: "chef", Password: pw},
	} {
		if _, err := s.CreateUser(ctx, nu); !errors.Is(err, accounts.ErrInvalid) {
			t.Errorf("%+v: %v", nu, err)
		}
	}
	got, err := s.Authenticate(ctx, "CAMILLE@example.org", pw)
	if err != nil || got.ID != u.ID || strings.Join(got.Structures, ",") != "a,b" {
		t.Fatalf("authenticate: %+v %v", got, err)
	}
	for _, c := range [][2]string{{"camille@example.org", pw + "x"}, {"inconnu@example.org", pw}, {"camille@example.org", ""}} {
		if _, err := s.Authenticate(ctx, c[0], c[1]); !errors.Is(err, accounts.ErrBadCredentials) {
			t.Errorf("authenticate %q: %v", c, err)
		}
	}
	if err := s.SetPassword(ctx, u.ID, "nouveau mot de passe"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, u.Email, pw); !errors.Is(err, accounts.ErrBadCredentials) {
		t.Errorf("old password still works: %v", err)
	}
	if _, err := s.Authenticate(ctx, u.Email, "nouveau mot de passe"); err != nil {
		t.Errorf("new password: %v", err)
	}
	u.Role, u.Structures, u.Name = accounts.RoleAgent, nil, "Camille M."
	if err := s.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	all, err := s.Users(ctx)
	if err != nil || len(all) != 1 || all[0].Name != "Camille M." || all[0].Role != accounts.RoleAgent || len(all[0].Structures) != 0 {
		t.Errorf("users: %+v %v", all, err)
	}
}

// The stored hash is argon2id in PHC form with the configured costs, and
// the default costs are OWASP's.
func TestHashFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "accounts.db")
	s := openAt(t, path, &clock{t: time.Now()})
	mustUser(t, s, "a@example.org", accounts.RoleAgent)
	s.Close()
	raw, err := accounts.StoredHash(t.Context(), path, "a@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(raw, "$argon2id$v=19$m=64,t=1,p=1$") || len(strings.Split(raw, "$")) != 6 {
		t.Errorf("hash %q", raw)
	}
	if p := accounts.DefaultParams(); p.Memory != 19*1024 || p.Time != 2 || p.Threads != 1 {
		t.Errorf("default params %+v", p)
	}
}

func TestSessionsAndTokens(t *testing.T) {
	s, clk := open(t)
	ctx := t.Context()
	u := mustUser(t, s, "a@example.org", accounts.RoleAgent)
	secret, err := s.CreateSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) < 43 {
		t.Errorf("secret %q too short for 256 bits", secret)
	}
	got, sess, err := s.SessionUser(ctx, secret)
	if err != nil || got.ID != u.ID || sess.UserID != u.ID {
		t.Fatalf("session user: %+v %v", got, err)
	}
	if _, _, err := s.SessionUser(ctx, secret+"x"); !errors.Is(err, accounts.ErrExpired) {
		t.Errorf("forged secret: %v", err)
	}
	clk.add(2 * time.Minute)
	if _, sess2, _ := s.SessionUser(ctx, secret); !sess2.LastSeen.After(sess.LastSeen) {
		t.Errorf("last seen not updated: %v then %v", sess.LastSeen, sess2.LastSeen)
	}
	tok, err := s.CreateToken(ctx, u.ID, "script")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.TokenUser(ctx, tok); err != nil || got.ID != u.ID {
		t.Fatalf("token user: %+v %v", got, err)
	}
	toks, _ := s.Tokens(ctx, u.ID)
	if len(toks) != 1 || toks[0].Name != "script" || toks[0].LastUsed.IsZero() {
		t.Errorf("tokens %+v", toks)
	}

	// Disabling the account stops its session and its token at once.
	u.Disabled = true
	if err := s.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionUser(ctx, secret); !errors.Is(err, accounts.ErrExpired) {
		t.Errorf("session of a disabled user: %v", err)
	}
	if _, err := s.TokenUser(ctx, tok); !errors.Is(err, accounts.ErrExpired) {
		t.Errorf("token of a disabled user: %v", err)
	}
	if _, err := s.Authenticate(ctx, u.Email, pw); !errors.Is(err, accounts.ErrDisabled) {
		t.Errorf("sign-in of a disabled user: %v", err)
	}
	u.Disabled = false
	if err := s.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenUser(ctx, tok); err != nil {
		t.Errorf("token after enabling again: %v", err)
	}
	if err := s.RevokeToken(ctx, u.ID+1, toks[0].ID); !errors.Is(err, accounts.ErrNotFound) {
		t.Errorf("revoking another user's token: %v", err)
	}
	if err := s.RevokeToken(ctx, u.ID, toks[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenUser(ctx, tok); !errors.Is(err, accounts.ErrExpired) {
		t.Errorf("revoked token: %v", err)
	}

	// Sessions expire, and can be revoked one by one.
	a, _ := s.CreateSession(ctx, u.ID)
	b, _ := s.CreateSession(ctx, u.ID)
	list, _ := s.Sessions(ctx, u.ID)
	if len(list) != 2 {
		t.Fatalf("sessions %+v", list)
	}
	if err := s.RevokeSessionSecret(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionUser(ctx, a); !errors.Is(err, accounts.ErrExpired) {
		t.Errorf("revoked session: %v", err)
	}
	if _, _, err := s.SessionUser(ctx, b); err != nil {
		t.Errorf("other session: %v", err)
	}
	clk.add(31 * 24 * time.Hour)
	if _, _, err := s.SessionUser(ctx, b); !errors.Is(err, accounts.ErrExpired) {
		t.Errorf("expired session: %v", err)
	}
}

func TestInvitations(t *testing.T) {
	s, clk := open(t)
	ctx := t.Context()
	admin := mustUser(t, s, "admin@example.org", accounts.RoleAdmin)
	ed := mustUser(t, s, "ed@example.org", accounts.RoleEditor, "a")
	if _, err := s.CreateInvitation(ctx, ed, accounts.Invitation{Email: "x@example.org", Role: accounts.RoleEditor, Structures: []string{"b"}}); !errors.Is(err, accounts.ErrForbidden) {
		t.Errorf("editeur inviting to another structure: %v", err)
	}
	if _, err := s.CreateInvitation(ctx, ed, accounts.Invitation{Email: "admin@example.org", Role: accounts.RoleEditor, Structures: []string{"a"}}); !errors.Is(err, accounts.ErrExists) {
		t.Errorf("inviting an existing account: %v", err)
	}
	secret, err := s.CreateInvitation(ctx, ed, accounts.Invitation{Email: "New@Example.org", Role: accounts.RoleEditor, Structures: []string{"a"}})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := s.Invitation(ctx, secret)
	if err != nil || inv.Email != "new@example.org" || inv.InvitedBy != ed.ID || strings.Join(inv.Structures, ",") != "a" {
		t.Fatalf("invitation %+v %v", inv, err)
	}
	if _, err := s.AcceptInvitation(ctx, secret, "Nouvelle", "court"); !errors.Is(err, accounts.ErrWeakPassword) {
		t.Errorf("short password: %v", err)
	}
	u, err := s.AcceptInvitation(ctx, secret, "Nouvelle", pw)
	if err != nil || !u.CanEditStructure("a") || u.CanEditStructure("b") {
		t.Fatalf("accepted %+v %v", u, err)
	}
	if _, err := s.AcceptInvitation(ctx, secret, "Encore", pw); !errors.Is(err, accounts.ErrExpired) {
		t.Errorf("second use: %v", err)
	}
	// An editor's pending link dies with the editor's right to give it.
	pending, err := s.CreateInvitation(ctx, ed, accounts.Invitation{Email: "pending@example.org", Role: accounts.RoleEditor, Structures: []string{"a"}})
	if err != nil {
		t.Fatal(err)
	}
	ed.Structures = []string{"c"}
	if err := s.UpdateUser(ctx, ed); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AcceptInvitation(ctx, pending, "Trop tard", pw); !errors.Is(err, accounts.ErrExpired) {
		t.Errorf("invitation of an editor who lost the structure: %v", err)
	}
	if _, err := s.UserByEmail(ctx, "pending@example.org"); !errors.Is(err, accounts.ErrNotFound) {
		t.Errorf("account created all the same: %v", err)
	}
	late, _ := s.CreateInvitation(ctx, admin, accounts.Invitation{Email: "late@example.org", Role: accounts.RoleAgent})
	clk.add(8 * 24 * time.Hour)
	if _, err := s.AcceptInvitation(ctx, late, "Tard", pw); !errors.Is(err, accounts.ErrExpired) {
		t.Errorf("expired invitation: %v", err)
	}
}

func TestResets(t *testing.T) {
	s, clk := open(t)
	ctx := t.Context()
	u := mustUser(t, s, "a@example.org", accounts.RoleAgent)
	sess, _ := s.CreateSession(ctx, u.ID)
	old, _ := s.CreateReset(ctx, u.ID)
	secret, err := s.CreateReset(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ResetUser(ctx, old); !errors.Is(err, accounts.ErrExpired) {
		t.Errorf("older link still valid: %v", err)
	}
	if got, err := s.ResetUser(ctx, secret); err != nil || got.ID != u.ID {
		t.Fatalf("reset user %+v %v", got, err)
	}
	if _, err := s.UseReset(ctx, secret, "nouveau mot de passe"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, u.Email, "nouveau mot de passe"); err != nil {
		t.Errorf("new password: %v", err)
	}
	if _, _, err := s.SessionUser(ctx, sess); !errors.Is(err, accounts.ErrExpired) {
		t.Errorf("session survived the reset: %v", err)
	}
	if _, err := s.UseReset(ctx, secret, "encore un autre mot"); !errors.Is(err, accounts.ErrExpired) {
		t.Errorf("second use: %v", err)
	}
	late, _ := s.CreateReset(ctx, u.ID)
	clk.add(3 * 24 * time.Hour)
	if _, err := s.UseReset(ctx, late, "encore un autre mot"); !errors.Is(err, accounts.ErrExpired) {
		t.Errorf("expired link: %v", err)
	}
}

// The server and the command line open the same file at once: what one
// writes, the other reads, and concurrent writers wait instead of failing.
func TestTwoStoresOnOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "accounts.db")
	clk := &clock{t: time.Now()}
	server, cli := openAt(t, path, clk), openAt(t, path, clk)
	ctx := context.Background()
	u := mustUser(t, cli, "a@example.org", accounts.RoleAdmin)
	tok, err := cli.CreateToken(ctx, u.ID, "cli")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := server.TokenUser(ctx, tok); err != nil || got.ID != u.ID {
		t.Fatalf("server sees the CLI's token: %+v %v", got, err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 20 {
		for j, s := range []accounts.Store{server, cli} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i%2 == 0 {
					_, err := s.CreateSession(ctx, u.ID)
					errs <- err
					return
				}
				_, err := s.CreateUser(ctx, accounts.NewUser{Email: strings.Repeat("x", i) + string(rune('a'+j)) + "@example.org",
					Name: "N", Role: accounts.RoleAgent, Password: pw})
				errs <- err
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	list, _ := server.Sessions(ctx, u.ID)
	users, _ := cli.Users(ctx)
	if len(list) != 20 || len(users) != 21 {
		t.Errorf("%d sessions, %d users; want 20 and 21", len(list), len(users))
	}
}

// Opening an existing database keeps its data and does not migrate again.
func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "accounts.db")
	clk := &clock{t: time.Now()}
	s := openAt(t, path, clk)
	mustUser(t, s, "a@example.org", accounts.RoleAgent)
	s.Close()
	s = openAt(t, path, clk)
	if _, err := s.UserByEmail(t.Context(), "A@example.org"); err != nil {
		t.Fatal(err)
	}
}

// TestRenameStructure checks that renaming a structure moves its editors'
// rights and its pending invitations, and nothing else.
func TestRenameStructure(t *testing.T) {
	s, _ := open(t)
	ctx := t.Context()
	admin := mustUser(t, s, "admin@example.org", accounts.RoleAdmin)
	one := mustUser(t, s, "un@example.org", accounts.RoleEditor, "ccas-cluny", "epicerie")
	both := mustUser(t, s, "deux@example.org", accounts.RoleEditor, "ccas-cluny", "ccas-de-cluny")
	other := mustUser(t, s, "autre@example.org", accounts.RoleEditor, "ccas-macon")
	pending, err := s.CreateInvitation(ctx, admin, accounts.Invitation{Email: "invite@example.org", Role: accounts.RoleEditor, Structures: []string{"epicerie", "ccas-cluny"}})
	if err != nil {
		t.Fatal(err)
	}
	used, err := s.CreateInvitation(ctx, admin, accounts.Invitation{Email: "venu@example.org", Role: accounts.RoleEditor, Structures: []string{"ccas-cluny"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AcceptInvitation(ctx, used, "Venu", pw); err != nil {
		t.Fatal(err)
	}
	if err := s.RenameStructure(ctx, "ccas-cluny", "ccas-de-cluny"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		u    *accounts.User
		want string
	}{{one, "ccas-de-cluny epicerie"}, {both, "ccas-de-cluny"}, {other, "ccas-macon"}} {
		u, err := s.User(ctx, c.u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(u.Structures, " "); got != c.want {
			t.Errorf("%s edits %q, want %q", u.Email, got, c.want)
		}
	}
	inv, err := s.Invitation(ctx, pending)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(inv.Structures, " "); got != "epicerie ccas-de-cluny" {
		t.Errorf("invitation structures %q", got)
	}
	venu, err := s.UserByEmail(ctx, "venu@example.org")
	if err != nil || strings.Join(venu.Structures, " ") != "ccas-de-cluny" {
		t.Errorf("invited editor: %v, %v", venu, err)
	}
	if err := s.RenameStructure(ctx, "a", "a"); !errors.Is(err, accounts.ErrInvalid) {
		t.Errorf("rename to itself: %v", err)
	}
}
