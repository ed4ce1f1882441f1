package themes_test

// The editor's flows in the browser: sign in, edit with the live preview
// and the commune combobox, save; two tabs on one page (merge, then a
// conflict resolved); revert from a revision; axe-core on every editing
// page. These tests write, so they get a server and a repository of their
// own: the shared servers' pages stay as the other tests expect them.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/aiguillage/aiguillage/accounts"
	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/content/demo"
	"github.com/aiguillage/aiguillage/content/gitstore"
	"github.com/aiguillage/aiguillage/search"
	"github.com/aiguillage/aiguillage/server"
	"github.com/aiguillage/aiguillage/territory"
	"github.com/aiguillage/aiguillage/themes"
)

// editServer is the editing tests' own server on the demo content.
var editServer struct {
	once sync.Once
	url  string
	err  error
}

func editURL(t *testing.T, e *env, path string) string {
	t.Helper()
	editServer.once.Do(func() { editServer.url, editServer.err = e.startEditServer() })
	if editServer.err != nil {
		t.Fatal(editServer.err)
	}
	return editServer.url + path
}

func (e *env) startEditServer() (string, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "aiguillage-edit-")
	if err != nil {
		return "", err
	}
	e.stop = append(e.stop, func() { _ = os.RemoveAll(dir) })
	var out io.Writer = io.Discard
	if os.Getenv("AIGUILLAGE_TEST_LOG") != "" {
		out = os.Stderr
	}
	log := slog.New(slog.NewTextHandler(out, nil))
	terr, err := territory.Load()
	if err != nil {
		return "", err
	}
	refs, err := content.LoadReferentials()
	if err != nil {
		return "", err
	}
	store, err := gitstore.Open(ctx, gitstore.Config{Dir: filepath.Join(dir, "repo.git"), Branch: "main", Seed: demo.FS(),
		StateDir: filepath.Join(dir, "state"), Log: log, Now: commitClock(), GitPath: "-"})
	if err != nil {
		return "", err
	}
	e.stop = append(e.stop, func() { _ = store.Close() })
	fsys, err := themes.FS("default")
	if err != nil {
		return "", err
	}
	theme, err := themes.Load(fsys, "fr")
	if err != nil {
		return "", err
	}
	idx, err := search.Open(ctx, search.Config{Dir: filepath.Join(dir, "index"), Territory: terr, Refs: refs, Log: log,
		Now: func() time.Time { return now }})
	if err != nil {
		return "", err
	}
	e.stop = append(e.stop, func() { _ = idx.Close() })
	cfg := server.Config{Store: store, Search: idx, Territory: terr, Theme: theme, Refs: refs, Log: log,
		PollInterval: -1, Now: func() time.Time { return now }}
	if err := editAccounts(ctx, dir, &cfg); err != nil {
		return "", err
	}
	srv, err := server.New(ctx, cfg)
	if err != nil {
		return "", err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go func() { e.serveErr <- srv.Serve(ln) }()
	e.stop = append(e.stop, func() { _ = srv.Shutdown(2 * time.Second) })
	url := "http://" + ln.Addr().String()
	e.urls["edit"] = url // console errors of this server count too
	return url, nil
}

// The editing tests' accounts: an editor of the CCAS de Cluny, and an
// administrator.
const (
	editEditorEmail = "camille@example.org"
	editAdminEmail  = "dominique@example.org"
	editPassword    = "mot de passe des tests du navigateur"
)

// editAccounts gives the editing server its accounts.
func editAccounts(ctx context.Context, dir string, cfg *server.Config) error {
	acc, err := accounts.Open(ctx, accounts.Config{Path: filepath.Join(dir, "accounts.db"), Params: accounts.TestParams()})
	if err != nil {
		return err
	}
	for _, u := range []accounts.NewUser{
		{Email: editEditorEmail, Name: "Camille Martin", Role: accounts.RoleEditor, Structures: []string{"ccas-cluny"}, Password: editPassword},
		{Email: editAdminEmail, Name: "Dominique Admin", Role: accounts.RoleAdmin, Password: editPassword},
	} {
		if _, err := acc.CreateUser(ctx, u); err != nil {
			return err
		}
	}
	cfg.Accounts = acc
	return nil
}

// signIn signs a tab in through the sign-in form, as the editor or the
// administrator.
func signIn(t *testing.T, ctx context.Context, base, role string) {
	t.Helper()
	email := editEditorEmail
	if role == "admin" {
		email = editAdminEmail
	}
	navigate(t, ctx, strings.TrimSuffix(base, "/")+"/connexion")
	do(t, ctx, "fill the sign-in form", chromedp.SendKeys(chromedp.ID("email"), email), chromedp.SendKeys(chromedp.ID("password"), editPassword))
	follow(t, ctx, "sign in", chromedp.Submit(chromedp.ID("password")))
	if loc := location(t, ctx); loc.Path == "/connexion" {
		t.Fatalf("sign-in as %s failed:\n%s", email, bodyText(t, ctx))
	}
}

// value is the current value of a form field.
func value(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	return eval[string](t, ctx, fmt.Sprintf(`document.getElementById(%q).value`, id))
}

// setValue replaces a field's text and tells the page, as typing does.
func setValue(t *testing.T, ctx context.Context, id, text string) {
	t.Helper()
	eval[chromedp.Void](t, ctx, fmt.Sprintf(`(() => { const el = document.getElementById(%q); el.value = %q;
	  el.dispatchEvent(new Event('input', {bubbles: true})); })()`, id, text))
}

// bodyText is the text of the page's main element.
func bodyText(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `document.querySelector('main').innerText`)
}

func TestEditFlowInBrowser(t *testing.T) {
	e := browserEnv(t)
	ctx := e.privateTab(t, 1280)
	const svc = "/services/accueil-social-ccas-cluny"
	signIn(t, ctx, editURL(t, e, "/"), "editeur")
	navigate(t, ctx, editURL(t, e, svc+"/modifier"))
	checkAxe(t, ctx, "edit form")

	// Live preview of the description and of the hours.
	do(t, ctx, "type in the body", chromedp.SendKeys(chromedp.ID("champ-corps"), "\n\nAtelier **budget** le lundi."))
	do(t, ctx, "wait for the preview", chromedp.WaitVisible(chromedp.CSS(`#apercu-contenu strong`)))
	if got := eval[string](t, ctx, `document.querySelector('#apercu-contenu strong').textContent`); got != "budget" {
		t.Errorf("preview shows %q", got)
	}
	setValue(t, ctx, "champ-horaires_accueil", "Mo 09:00-12:00; PH off")
	do(t, ctx, "wait for the hours read back", chromedp.Poll[chromedp.Void](
		`document.querySelector('#lecture-horaires-jours th') && document.querySelector('#lecture-horaires-jours td').textContent.includes('09:00')`))

	// The commune combobox by keyboard fills the codes and coordinates.
	do(t, ctx, "clear the commune", chromedp.Clear(chromedp.ID("commune")))
	do(t, ctx, "type macon", chromedp.SendKeys(chromedp.ID("commune"), "macon"),
		chromedp.WaitVisible(chromedp.CSS(`#communes-liste [role=option]`)), chromedp.KeyEvent(kb.ArrowDown), pressEnter)
	if got := value(t, ctx, "commune"); got != "Mâcon" {
		t.Errorf("commune %q, want Mâcon", got)
	}
	if insee, cp := value(t, ctx, "champ-code_insee"), value(t, ctx, "champ-code_postal"); insee != "71270" || cp != "71000" {
		t.Errorf("codes %q %q, want 71270 71000", insee, cp)
	}
	if lat := value(t, ctx, "champ-latitude"); !strings.HasPrefix(lat, "46.") {
		t.Errorf("latitude %q", lat)
	}
	setValue(t, ctx, "champ-resume", "Atelier budget, horaires")
	follow(t, ctx, "save", chromedp.Click(chromedp.CSS(`button[value=save]`)))
	if loc := location(t, ctx); loc.Path != svc {
		t.Fatalf("after saving: at %s\n%s", loc, bodyText(t, ctx))
	}
	text := bodyText(t, ctx)
	for _, want := range []string{"Modification enregistrée.", "Atelier budget le lundi.", "Mâcon"} {
		if !strings.Contains(text, want) {
			t.Errorf("saved page lacks %q", want)
		}
	}
}

func TestEditTwoTabsMergeThenConflict(t *testing.T) {
	e := browserEnv(t)
	const svc = "/services/aides-facultatives-ccas-cluny"
	// Two people, each in a browser context of their own (own cookies).
	a, b := e.privateTab(t, 1280), e.privateTab(t, 1280)
	signIn(t, a, editURL(t, e, "/"), "admin")
	signIn(t, b, editURL(t, e, "/"), "editeur")
	navigate(t, b, editURL(t, e, svc+"/modifier"))
	navigate(t, a, editURL(t, e, svc+"/modifier"))
	// A, who came second, sees B at once; B sees A at its next heartbeat
	// (every 15 s), not waited for here.
	do(t, a, "presence", chromedp.Poll[chromedp.Void](`document.getElementById('presence').textContent.includes('Camille Martin')`))

	setValue(t, a, "champ-frais_precisions", "Sans frais de dossier.")
	follow(t, a, "save in tab A", chromedp.Click(chromedp.CSS(`button[value=save]`)))
	setValue(t, b, "champ-conditions_acces", "Sur rendez-vous.")
	follow(t, b, "save in tab B", chromedp.Click(chromedp.CSS(`button[value=save]`)))
	if text := bodyText(t, b); !strings.Contains(text, "Votre modification a été fusionnée avec celle de Dominique Admin.") {
		t.Errorf("no merge notice:\n%s", text)
	}

	navigate(t, a, editURL(t, e, svc+"/modifier"))
	navigate(t, b, editURL(t, e, svc+"/modifier"))
	setValue(t, a, "champ-telephone", "03 85 00 00 01")
	follow(t, a, "save in tab A", chromedp.Click(chromedp.CSS(`button[value=save]`)))
	setValue(t, b, "champ-telephone", "03 85 00 00 02")
	follow(t, b, "save in tab B", chromedp.Click(chromedp.CSS(`button[value=save]`)))
	if text := bodyText(t, b); !strings.Contains(text, "Conflit de modification") {
		t.Fatalf("no conflict page:\n%s", text)
	}
	checkAxe(t, b, "conflict page")
	do(t, b, "phone width", chromedp.EmulateViewport(360, 900))
	checkAxe(t, b, "conflict page at 360 px")
	checkReflow(t, b, "conflict page", 360)
	if got := eval[string](t, b, `document.querySelector('.source-lue mark').textContent`); !strings.Contains(got, "03 85 00 00 01") {
		t.Errorf("marked line %q", got)
	}
	if got := value(t, b, "champ-source"); !strings.Contains(got, `"03 85 00 00 02"`) {
		t.Errorf("the conflict page lost my text: %q", got)
	}
	follow(t, b, "save my version", chromedp.Click(chromedp.CSS(`button[value=save]`)))
	if text := bodyText(t, b); !strings.Contains(text, "Modification enregistrée.") || !strings.Contains(text, "03 85 00 00 02") {
		t.Errorf("resolution not saved:\n%s", text)
	}
}

func TestEditRevertFromRevision(t *testing.T) {
	e := browserEnv(t)
	ctx := e.privateTab(t, 1280)
	const svc = "/services/domiciliation-ccas-cluny"
	signIn(t, ctx, editURL(t, e, "/"), "editeur")
	navigate(t, ctx, editURL(t, e, svc+"/modifier"))
	setValue(t, ctx, "champ-nom", "Domiciliation (nom provisoire)")
	follow(t, ctx, "save", chromedp.Click(chromedp.CSS(`button[value=save]`)))
	navigate(t, ctx, editURL(t, e, svc+"/historique"))
	checkAxe(t, ctx, "history with revert buttons")
	// The version before the last: the second row's button.
	follow(t, ctx, "revert", chromedp.Click(chromedp.CSS(`button[form="retablir-1"]`)))
	text := bodyText(t, ctx)
	if !strings.Contains(text, "La page a été rétablie") || strings.Contains(text, "nom provisoire") {
		t.Errorf("after revert:\n%s", text)
	}
}

// TestEditPagesAxe checks the editing pages at both widths: the form, the
// form with errors, source mode, the creation form and the delete
// confirmation (the conflict page is checked in its flow).
func TestEditPagesAxe(t *testing.T) {
	e := browserEnv(t)
	for _, width := range []int64{1280, 360} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			ctx := e.privateTab(t, width)
			const svc = "/services/pmi-cluny"
			signIn(t, ctx, editURL(t, e, "/"), "admin")
			for _, p := range []string{svc + "/modifier", svc + "/modifier?mode=source", svc + "/supprimer", svc + "/renommer",
				"/services/nouveau?structure=ccas-cluny", "/structures/ccas-cluny/modifier"} {
				navigate(t, ctx, editURL(t, e, p))
				checkAxe(t, ctx, p)
				if width == 360 {
					checkReflow(t, ctx, p, int(width))
				}
			}
			navigate(t, ctx, editURL(t, e, svc+"/modifier"))
			setValue(t, ctx, "champ-courriel", "pas-une-adresse")
			setValue(t, ctx, "champ-age_min", "douze")
			follow(t, ctx, "save with errors", chromedp.Click(chromedp.CSS(`button[value=save]`)))
			if n := eval[int](t, ctx, `document.querySelectorAll('#resume-erreurs li a').length`); n != 2 {
				t.Errorf("%d errors in the summary, want 2", n)
			}
			if focused := eval[string](t, ctx, `document.activeElement.id`); focused != "resume-erreurs" {
				t.Errorf("focus on %q, want the error summary", focused)
			}
			checkAxe(t, ctx, "form with errors")
			if width == 360 {
				checkReflow(t, ctx, "form with errors", int(width))
			}
		})
	}
}
