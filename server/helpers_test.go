package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/accounts"
	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/content/gitstore"
	"github.com/aiguillage/aiguillage/proposals"
	"github.com/aiguillage/aiguillage/search"
	"github.com/aiguillage/aiguillage/server"
	"github.com/aiguillage/aiguillage/territory"
	"github.com/aiguillage/aiguillage/themes"
)

// now is the clock of every fixture: Tuesday 24 November 2026, 10:00 in
// Paris. The fixture's temporary information runs from 20 to 30 November.
var now = time.Date(2026, 11, 24, 10, 0, 0, 0, time.FixedZone("CET", 3600))

// Secrets of the pro blocks: they must never reach an anonymous visitor.
const (
	proNote      = "NOTE-PRO-SECRETE-zorglub"
	proPhone     = "09 99 88 77 66"
	proMail      = "secret-pro@cluny.example.org"
	proStructure = "STRUCTURE-PRO-SECRETE-wobble"
)

// fixtureFiles is a small content repository around Cluny: a structure, a
// complete service, a suspended and a closed one, a service full of hostile
// markup, a wiki page with a red link, and a file that does not validate.
func fixtureFiles() fstest.MapFS {
	f := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	return fstest.MapFS{
		".aiguillage/config.yaml":   f("nom: \"Annuaire de test\"\ndescription: \"Annuaire des tests du serveur.\"\nfraicheur_mois: 6\n"),
		".aiguillage/synonymes.txt": f("épicerie sociale, épicerie solidaire\n"),
		"structures/ccas-cluny.md": f(`---
nom: "CCAS de Cluny"
reseaux_porteurs: [ccas-cias]
adresse: "5 rue de la Levée"
code_postal: "71250"
commune: "Cluny"
code_insee: "71137"
latitude: 46.4352
longitude: 4.6611
horaires_accueil: "Mo-Fr 09:00-12:00; PH off"
telephone: "03 85 99 12 34"
courriel: "ccas@cluny.example.org"
verifie_le: 2026-09-15
pro:
  notes: "` + proStructure + `"
---
Le centre communal d'action sociale de Cluny reçoit sans condition.
`),
		"services/epicerie-sociale-cluny.md": f(`---
nom: "Épicerie sociale et solidaire de Cluny"
structure: ccas-cluny
thematiques: [equipement-et-alimentation--alimentation]
types: [aide-materielle]
publics: [familles]
conditions_acces: "Reste à vivre inférieur au barème du CCAS."
frais: payant
frais_precisions: "10 à 30 % du prix en magasin."
modes_accueil: [en-presentiel]
adresse: "7 place du Marché"
code_postal: "71250"
commune: "Cluny"
code_insee: "71137"
horaires_accueil: "Tu,Th 14:00-17:30; PH off"
telephone: "03 85 99 00 11"
courriel: "epicerie@cluny.example.org"
site_web: "https://cluny.example.org/epicerie"
langues: [fr, ar]
justificatifs: ["Justificatif de ressources", "Pièce d'identité"]
date_maj: 2026-10-02
verifie_le: 2026-09-15
pro:
  telephone: "` + proPhone + `"
  courriel: "` + proMail + `"
  notes: "` + proNote + `"
infos_temporaires:
  - du: 2026-11-20
    au: 2026-11-30
    type: fermeture
    message: "Inventaire annuel : épicerie fermée."
  - du: 2026-01-05
    au: 2026-01-10
    type: message
    message: "Ancien message périmé."
---
Produits alimentaires et d'hygiène à petit prix, pour trois mois renouvelables.
Voir aussi [[pages/aide-alimentaire|l'aide alimentaire dans le Clunisois]].
`),
		"services/domiciliation-cluny.md": f(`---
nom: "Domiciliation administrative"
structure: ccas-cluny
thematiques: [difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits]
statut: suspendu
frais: gratuit
---
Élection de domicile pour les personnes sans domicile stable.
`),
		"services/vestiaire-cluny.md": f(`---
nom: "Vestiaire solidaire"
structure: ccas-cluny
thematiques: [equipement-et-alimentation--habillement]
statut: ferme
---
Vêtements d'occasion à petit prix.
`),
		"services/hostile.md": f(`---
nom: "Atelier <script>alert('nom')</script> piégé"
structure: ccas-cluny
thematiques: [equipement-et-alimentation--alimentation]
conditions_acces: "<img src=x onerror=alert('conditions')>"
frais_precisions: "<a href=\"javascript:alert('frais')\">payer</a>"
infos_temporaires:
  - du: 2026-11-20
    au: 2026-11-30
    type: message
    message: "<script>alert('bandeau')</script>"
---
Atelier cuisine pour les familles.

<script>alert('corps')</script>

[cliquez ici](javascript:alert('lien'))

<img src="x" onerror="alert('image')">

<a href="javascript:alert('brut')" onclick="alert('clic')">brut</a>
`),
		"pages/aide-alimentaire.md": f(`---
titre: "Aide alimentaire dans le Clunisois"
tags: [alimentation, Clunisois]
date_maj: 2026-10-02
---
L'aide alimentaire passe d'abord par le CCAS.

- [[services/epicerie-sociale-cluny|l'épicerie sociale]]
- [[pages/manquante|une page à écrire]]
`),
		"services/invalide.md": f(`---
nom: "Service <b>invalide</b>"
structure: ccas-cluny
thematiques: [equipement-et-alimentation--alimentation]
site_web: "javascript:alert('problème')"
---
Ce service ne valide pas.
`),
	}
}

// shared holds what every fixture may share: loading them once keeps the
// tests fast, and they are immutable.
var shared struct {
	once  sync.Once
	terr  *territory.Directory
	refs  *content.Referentials
	theme *themes.Theme // French
	en    *themes.Theme // English, for the fixtures of options.lang "en"
	err   error
}

func loadShared(t testing.TB) {
	t.Helper()
	shared.once.Do(func() {
		if shared.terr, shared.err = territory.Load(); shared.err != nil {
			return
		}
		if shared.refs, shared.err = content.LoadReferentials(); shared.err != nil {
			return
		}
		fsys, err := themes.FS("default")
		if err != nil {
			shared.err = err
			return
		}
		if shared.theme, shared.err = themes.Load(fsys, "fr"); shared.err != nil {
			return
		}
		shared.en, shared.err = themes.Load(fsys, "en")
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
}

// options tunes a fixture.
type options struct {
	seed       fstest.MapFS             // content; fixtureFiles() when nil
	poll       time.Duration            // server poll interval; polling disabled when 0
	cacheBytes int                      // page cache budget; default when 0
	noSearch   bool                     // run without a search index
	themes     map[string]*themes.Theme // built-in themes config.yaml may choose; none when nil
	log        io.Writer                // server log; discarded when nil
	clock      func() time.Time         // the server's clock; now when nil
	accounts   bool                     // sign-in enabled, on a SQLite file of the test's folder
	baseURL    string                   // the server's BaseURL
	proxies    []string                 // the server's trusted proxies
	lang       string                   // "en" for a server in English; French otherwise
	// wrapStore and wrapSearch, when set, stand between the server and
	// the real store or index (to inject faults).
	wrapStore  func(server.Store) server.Store
	wrapSearch func(server.Searcher) server.Searcher
}

// fixture is a running server on a real git repository and a real index.
type fixture struct {
	t        testing.TB
	store    *gitstore.Store
	accounts *accounts.SQLite // nil unless options.accounts
	repo     string           // the content repository's folder
	srv      *server.Server
	app      *fiber.App
	queue    *proposals.Queue
}

// newFixture builds a Server on a fresh repository seeded with the
// fixture's files, waits for its index, and stops it at the end of the test.
func newFixture(t testing.TB, opt options) *fixture {
	t.Helper()
	loadShared(t)
	ctx := context.Background()
	if opt.seed == nil {
		opt.seed = fixtureFiles()
	}
	logOut := opt.log
	if logOut == nil {
		logOut = io.Discard
	}
	log := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: slog.LevelDebug}))
	dir := t.TempDir()
	store, err := gitstore.Open(ctx, gitstore.Config{
		Dir: filepath.Join(dir, "repo.git"), Branch: "main", Seed: opt.seed,
		StateDir: filepath.Join(dir, "state"), Log: log, Now: commitClock(), GitPath: "-",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	cfg := server.Config{
		Store: store, Territory: shared.terr, Theme: shared.theme, Refs: shared.refs, Log: log,
		PollInterval: -1, CacheBytes: opt.cacheBytes, Now: func() time.Time { return now },
		BaseURL: opt.baseURL, TrustedProxies: opt.proxies, Themes: opt.themes, Secret: testSecret,
	}
	var acc *accounts.SQLite
	if opt.accounts {
		acc, err = accounts.Open(ctx, accounts.Config{Path: filepath.Join(dir, "accounts.db"), Params: accounts.TestParams()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = acc.Close() })
		cfg.Accounts = acc
	}
	if opt.clock != nil {
		cfg.Now = opt.clock
	}
	if opt.lang == "en" {
		cfg.Theme = shared.en
	}
	if opt.poll > 0 {
		cfg.PollInterval = opt.poll
	}
	if !opt.noSearch {
		idx, err := search.Open(ctx, search.Config{
			Dir: filepath.Join(dir, "index"), Territory: shared.terr, Refs: shared.refs, Log: log,
			Now: func() time.Time { return now },
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = idx.Close() })
		cfg.Search = idx
		if opt.wrapSearch != nil {
			cfg.Search = opt.wrapSearch(idx)
		}
	}
	if opt.wrapStore != nil {
		cfg.Store = opt.wrapStore(store)
	}
	// As the command does: the queue's texts are the server's.
	queue, err := proposals.New(proposals.Config{Store: store, Texts: server.ProposalTexts(cfg.Theme)})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Proposals = queue
	srv, err := server.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Cleanups run last in, first out: the server stops before the index
	// and the store close. Shutdown returns as soon as the connections
	// close; the long bound is for a loaded machine, where the server may
	// see the clients' closes late (seen failing at 1 s).
	t.Cleanup(func() {
		if err := srv.Shutdown(10 * time.Second); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := srv.WaitIndexed(wctx); err != nil {
		t.Fatalf("index not ready: %v", err)
	}
	return &fixture{t: t, store: store, accounts: acc, repo: filepath.Join(dir, "repo.git"), srv: srv, app: srv.Handler(), queue: queue}
}

// commitClock returns increasing commit times one minute apart, from
// 23 November 2026 at 09:00 in Paris.
func commitClock() func() time.Time {
	var mu sync.Mutex
	t := time.Date(2026, 11, 23, 9, 0, 0, 0, time.FixedZone("CET", 3600))
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Minute)
		return t
	}
}

// response is a response read in full.
type response struct {
	status int
	header http.Header
	body   string
}

// get sends a GET through the Fiber handler.
func (f *fixture) get(target string, headers ...string) response {
	f.t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return f.do(req)
}

func (f *fixture) do(req *http.Request) response {
	f.t.Helper()
	resp, err := f.app.Test(req, -1)
	if err != nil {
		f.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

// page GETs target and fails the test unless it answers 200 with HTML.
func (f *fixture) page(target string) string {
	f.t.Helper()
	r := f.get(target)
	if r.status != http.StatusOK {
		f.t.Fatalf("GET %s: status %d, want 200\n%s", target, r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		f.t.Fatalf("GET %s: Content-Type %q, want text/html", target, ct)
	}
	return r.body
}

// json GETs target and decodes its JSON body into v; it returns the status.
func (f *fixture) json(target string, v any) int {
	f.t.Helper()
	r := f.get(target)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		f.t.Fatalf("GET %s: Content-Type %q, want application/json\n%s", target, ct, r.body)
	}
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		f.t.Fatalf("GET %s: decode %q: %v", target, r.body, err)
	}
	return r.status
}

// commit writes files (and deletes others) in one commit on the branch's tip.
func (f *fixture) commit(message string, writes map[string]string, deletes ...string) content.Commit {
	f.t.Helper()
	ctx := context.Background()
	head, err := f.store.Head(ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	ch := content.Change{Base: head, Author: content.Author{Name: "Camille Martin", Email: "camille@example.org"},
		Message: message, Writes: map[string][]byte{}, Deletes: deletes}
	for name, text := range writes {
		ch.Writes[name] = []byte(text)
	}
	cm, err := f.store.Commit(ctx, ch)
	if err != nil {
		f.t.Fatalf("commit %q: %v", message, err)
	}
	return cm
}

// refresh brings the server to the branch's tip now.
func (f *fixture) refresh() {
	f.t.Helper()
	if err := f.srv.Refresh(context.Background()); err != nil {
		f.t.Fatal(err)
	}
}

// fixtureFile returns the text of one of fixtureFiles.
func fixtureFile(name string) string { return string(fixtureFiles()[name].Data) }

// contains fails the test unless every want is in body.
func contains(t testing.TB, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
}

// lacks fails the test if any of unwanted is in body.
func lacks(t testing.TB, what, body string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(body, u) {
			t.Errorf("%s: contains %q", what, u)
		}
	}
}
