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

func TestAccountPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true, noSearch: true})
	u := f.newUser("agent@example.org", accounts.RoleAgent)
	other := f.as(u) // another browser of the same person
	cl := f.as(u, "/compte")
	page := cl.get("/compte")
	wantStatus(t, "account page", page, http.StatusOK)
	contains(t, "account page", page.body, "<h1>Mon compte</h1>", "agent@example.org", "en tant que agent",
		`action="/compte/nom"`, `autocomplete="new-password"`, "Vous n&#39;avez aucun jeton", "ce navigateur")
	if cc := page.header.Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	wantStatus(t, "anonymous", f.get("/compte"), http.StatusSeeOther)
	if loc := f.get("/compte").header.Get("Location"); loc != "/connexion?retour=%2Fcompte" {
		t.Errorf("anonymous redirected to %q", loc)
	}

	r := cl.post("/compte/nom", url.Values{"name": {"  Dominique Agent "}})
	wantStatus(t, "rename", r, http.StatusOK)
	contains(t, "rename", r.body, "Votre nom est enregistré", `<li class="compte-nom">Dominique Agent</li>`)
	r = cl.post("/compte/nom", url.Values{"name": {" "}})
	wantStatus(t, "empty name", r, http.StatusUnprocessableEntity)
	contains(t, "empty name", r.body, `aria-describedby="name-erreur"`, `id="name-erreur"`)

	// Tokens: made, shown once, listed, used, revoked.
	r = cl.post("/compte/jetons", url.Values{"token_name": {"tableur <b>"}})
	m := regexp.MustCompile(`<code id="nouveau-jeton" class="secret">([^<]+)</code>`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("new token not shown:\n%s", r.body)
	}
	contains(t, "token list", r.body, "tableur &lt;b&gt;")
	if !strings.Contains(f.get("/api/v1/communes?q=cluny", "Authorization", "Bearer "+m[1]).header.Get("Cache-Control"), "private") {
		t.Error("the new token does not sign in on the API")
	}
	page = cl.get("/compte")
	lacks(t, "account page later", page.body, m[1])
	revoke := regexp.MustCompile(`action="(/compte/jetons/\d+/revoquer)"`).FindStringSubmatch(page.body)
	if revoke == nil {
		t.Fatal("no revoke form")
	}
	wantStatus(t, "revoke token", cl.post(revoke[1], nil), http.StatusOK)
	wantStatus(t, "revoked token", f.get("/api/v1/communes?q=cluny", "Authorization", "Bearer "+m[1]), http.StatusUnauthorized)
	// Another user's token cannot be revoked from here.
	v := f.newUser("v@example.org", accounts.RoleAgent)
	if _, err := f.accounts.CreateToken(context.Background(), v.ID, "sien"); err != nil {
		t.Fatal(err)
	}
	toks, _ := f.accounts.Tokens(context.Background(), v.ID)
	wantStatus(t, "revoke another's token", cl.post("/compte/jetons/"+itoa(toks[0].ID)+"/revoquer", nil), http.StatusNotFound)

	// Password: the current one is required, the new one checked; the
	// other sessions end.
	pw := func(cur, nw, confirm string) response {
		return cl.post("/compte/mot-de-passe", url.Values{"password": {cur}, "new_password": {nw}, "confirm": {confirm}})
	}
	r = pw("faux mot de passe", "un nouveau mot de passe", "un nouveau mot de passe")
	wantStatus(t, "wrong current password", r, http.StatusUnprocessableEntity)
	contains(t, "wrong current password", r.body, "Le mot de passe actuel est incorrect", `id="password-erreur"`)
	r = pw(password, "court", "court")
	wantStatus(t, "short password", r, http.StatusUnprocessableEntity)
	contains(t, "short password", r.body, "au moins 12 caractères", `new_password-aide new_password-erreur`)
	wantStatus(t, "confirmation differs", pw(password, "un nouveau mot de passe", "un autre mot de passe"), http.StatusUnprocessableEntity)
	r = pw(password, "un nouveau mot de passe", "un nouveau mot de passe")
	wantStatus(t, "password changed", r, http.StatusOK)
	contains(t, "password changed", r.body, "Vos autres sessions sont fermées")
	contains(t, "other browser", other.get("/").body, `href="/connexion"`)
	contains(t, "this browser", cl.get("/").body, "Se déconnecter")
	wantStatus(t, "new password", f.anonymous().signIn("agent@example.org", "un nouveau mot de passe"), http.StatusSeeOther)

	// Sessions: ending this browser's own signs it out.
	page = cl.get("/compte")
	own := regexp.MustCompile(`action="(/compte/sessions/\d+/revoquer)" method="post"><input type="hidden" name="_csrf" value="[^"]*"><button type="submit" class="bouton-lien">Se déconnecter`).FindStringSubmatch(page.body)
	if own == nil {
		t.Fatalf("no form to end this session:\n%s", page.body)
	}
	wantStatus(t, "end own session", cl.post(own[1], nil), http.StatusSeeOther)
	contains(t, "after ending own session", cl.get("/").body, `href="/connexion"`)
}

var linkPattern = regexp.MustCompile(`<code class="secret">https?://[^/]+(/[^<]+)</code>`)

func TestInvitations(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true, noSearch: true})
	ed := f.newUser("editeur@example.org", accounts.RoleEditor, "ccas-cluny")
	agent := f.newUser("agent@example.org", accounts.RoleAgent)
	wantStatus(t, "agent's invitations page", f.as(agent).get("/invitations"), http.StatusForbidden)

	cl := f.as(ed, "/invitations")
	page := cl.get("/invitations")
	contains(t, "editor's invitations page", page.body, `<h1>Inviter un collègue</h1>`, `name="structure" value="ccas-cluny" checked`, "CCAS de Cluny")
	lacks(t, "editor's roles", page.body, `<option value="admin"`)
	// An editeur cannot invite an administrator, nor to another structure.
	wantStatus(t, "invite an admin", cl.post("/invitations", url.Values{"email": {"x@example.org"}, "role": {"admin"}, "structure": {"ccas-cluny"}}), http.StatusForbidden)
	wantStatus(t, "invite to an unknown structure", cl.post("/invitations", url.Values{"email": {"x@example.org"}, "role": {"editeur"}, "structure": {"ailleurs"}}), http.StatusUnprocessableEntity)
	r := cl.post("/invitations", url.Values{"email": {"agent@example.org"}, "role": {"editeur"}, "structure": {"ccas-cluny"}})
	wantStatus(t, "invite an existing account", r, http.StatusUnprocessableEntity)
	contains(t, "invite an existing account", r.body, "Un compte existe déjà", `aria-describedby="email-erreur"`)

	r = cl.post("/invitations", url.Values{"email": {"Nouvelle@Example.org"}, "role": {"editeur"}, "structure": {"ccas-cluny"}})
	wantStatus(t, "invite", r, http.StatusOK)
	contains(t, "invite", r.body, "Aucun courriel n&#39;est envoyé")
	m := linkPattern.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no invitation link:\n%s", r.body)
	}
	link := m[1]

	guest := f.anonymous()
	page = guest.get(link)
	wantStatus(t, "invitation page", page, http.StatusOK)
	contains(t, "invitation page", page.body, "nouvelle@example.org", "en tant que éditeur", "ccas-cluny", `action="`+link+`"`)
	if cc := page.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("invitation page Cache-Control %q", cc)
	}
	r = guest.post(link, url.Values{"name": {"Nouvelle"}, "new_password": {"court"}, "confirm": {"court"}})
	wantStatus(t, "short password", r, http.StatusUnprocessableEntity)
	r = guest.post(link, url.Values{"name": {"Nouvelle Éditrice"}, "new_password": {password}, "confirm": {password}})
	wantStatus(t, "accept", r, http.StatusSeeOther)
	contains(t, "after accepting", guest.get("/compte").body, "Nouvelle Éditrice", "ccas-cluny")
	u, err := f.accounts.UserByEmail(context.Background(), "nouvelle@example.org")
	if err != nil || !u.CanEditStructure("ccas-cluny") || u.Role != accounts.RoleEditor {
		t.Errorf("invited account %+v %v", u, err)
	}
	r = f.anonymous().get(link)
	wantStatus(t, "used link", r, http.StatusNotFound)
	contains(t, "used link", r.body, "Ce lien n&#39;est plus valable")
	wantStatus(t, "used link, posted", f.as(nil).post(link, url.Values{"name": {"Autre"}, "new_password": {password}, "confirm": {password}}), http.StatusNotFound)
}

func TestAdminUsersAndReset(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{accounts: true, noSearch: true})
	admin := f.newUser("admin@example.org", accounts.RoleAdmin)
	agent := f.newUser("agent@example.org", accounts.RoleAgent)
	agentBrowser := f.as(agent)
	wantStatus(t, "agent on the admin page", agentBrowser.get("/admin/utilisateurs"), http.StatusForbidden)
	contains(t, "agent on the admin page", agentBrowser.get("/admin/utilisateurs").body, "<h1>Accès refusé</h1>")

	cl := f.as(admin, "/admin/utilisateurs")
	page := cl.get("/admin/utilisateurs")
	wantStatus(t, "admin page", page, http.StatusOK)
	contains(t, "admin page", page.body, "<h1>Utilisateurs</h1>", "agent@example.org", "Aucun courriel n&#39;est envoyé", `href="/admin/utilisateurs"`)
	base := "/admin/utilisateurs/" + itoa(agent.ID)

	r := cl.post(base, url.Values{"role": {"editeur"}, "structures": {"ccas-cluny"}})
	wantStatus(t, "make editor", r, http.StatusOK)
	if u, _ := f.accounts.User(context.Background(), agent.ID); !u.CanEditStructure("ccas-cluny") {
		t.Errorf("after the change: %+v", u)
	}
	wantStatus(t, "unknown structure", cl.post(base, url.Values{"role": {"editeur"}, "structures": {"nulle-part"}}), http.StatusUnprocessableEntity)
	wantStatus(t, "unknown role", cl.post(base, url.Values{"role": {"chef"}}), http.StatusUnprocessableEntity)
	self := "/admin/utilisateurs/" + itoa(admin.ID)
	wantStatus(t, "demote oneself", cl.post(self, url.Values{"role": {"agent"}}), http.StatusUnprocessableEntity)
	wantStatus(t, "disable oneself", cl.post(self+"/desactiver", nil), http.StatusUnprocessableEntity)
	wantStatus(t, "unknown account", cl.post("/admin/utilisateurs/999/desactiver", nil), http.StatusNotFound)

	// Disabling ends the person's access at once; enabling gives it back.
	wantStatus(t, "disable", cl.post(base+"/desactiver", nil), http.StatusOK)
	contains(t, "disabled agent", agentBrowser.get("/").body, `href="/connexion"`)
	wantStatus(t, "enable", cl.post(base+"/activer", nil), http.StatusOK)
	wantStatus(t, "enabled agent signs in", f.anonymous().signIn("agent@example.org", password), http.StatusSeeOther)

	// A reset link, to hand over; it works once and ends the sessions.
	stillOpen := f.as(agent)
	r = cl.post(base+"/reinitialisation", nil)
	wantStatus(t, "reset link", r, http.StatusOK)
	m := linkPattern.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no reset link:\n%s", r.body)
	}
	guest := f.anonymous()
	contains(t, "reset page", guest.get(m[1]).body, "Choisir un nouveau mot de passe", "agent@example.org")
	wantStatus(t, "reset, confirmation differs", guest.post(m[1], url.Values{"new_password": {"un mot de passe neuf"}, "confirm": {"autre chose encore"}}), http.StatusUnprocessableEntity)
	wantStatus(t, "reset", guest.post(m[1], url.Values{"new_password": {"un mot de passe neuf"}, "confirm": {"un mot de passe neuf"}}), http.StatusSeeOther)
	contains(t, "signed in after reset", guest.get("/").body, "Se déconnecter")
	contains(t, "old session after reset", stillOpen.get("/").body, `href="/connexion"`)
	wantStatus(t, "old password", f.anonymous().signIn("agent@example.org", password), http.StatusUnauthorized)
	wantStatus(t, "link used twice", f.anonymous().get(m[1]), http.StatusNotFound)
}
