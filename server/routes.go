package server

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/etag"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/proposals"
)

func (s *Server) newApp() *fiber.App {
	return fiber.New(fiber.Config{
		AppName:      "aiguillage",
		ErrorHandler: s.handleError,
		ReadTimeout:  15 * time.Second,
		WriteTimeout: 30 * time.Second,
		IdleTimeout:  60 * time.Second,
		BodyLimit:    2 << 20,
		// Room for long URLs: a search of 10 KB of accented text is 30 KB
		// once escaped, and fasthttp's default 4 KB would refuse it.
		ReadBufferSize:        32 << 10,
		DisableStartupMessage: true,
		StrictRouting:         false,
		CaseSensitive:         true,
	})
}

// routes is the one table of every route of the application.
func (s *Server) routes() {
	app := s.app
	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: s.logPanic}))
	app.Use(s.requestLog)
	app.Use(securityHeaders)
	app.Use(compress.New())
	// API answers are not cached by clients (no-cache), and cached pages
	// carry an ETag made once: hashing every body again (Fiber's CRC-32 runs
	// byte by byte) cost a third of the CPU of a search request.
	app.Use(etag.New(etag.Config{Next: func(c *fiber.Ctx) bool { return strings.HasPrefix(c.Path(), "/api/") }}))
	app.Use(s.identify)
	app.Use(s.checkCSRF)

	app.Get("/static/*", func(c *fiber.Ctx) error { return s.live.catalog().look.assets.serve(c) })
	app.Get("/healthz", s.health)
	app.Get("/robots.txt", s.showRobots)
	app.Get("/sitemap.xml", s.showSitemap)
	app.Get("/sitemap/:part", s.showSitemapPart)
	app.Get("/widget", s.showWidget) // the only page other sites may frame

	app.Get("/", s.showHome)
	app.Get("/recherche", s.showSearch)
	app.Get("/modifications", s.showChanges)
	app.Get("/modifications.atom", s.showFeed)
	app.Get("/problemes", s.showProblems)
	app.Get("/structures", s.listKind(content.KindStructure))
	app.Get("/pages", s.listKind(content.KindPage))
	app.Get("/services", func(c *fiber.Ctx) error { return c.Redirect("/recherche", fiber.StatusSeeOther) })
	app.Get("/services/:slug/fiche", s.showSheet)

	app.Get("/connexion", s.showSignin)
	app.Post("/connexion", s.signin)
	app.Post("/deconnexion", s.signout)
	app.Get("/compte", s.requireSignedIn, s.showAccount)
	app.Post("/compte/nom", s.requireSignedIn, s.saveName)
	app.Post("/compte/mot-de-passe", s.requireSignedIn, s.savePassword)
	app.Post("/compte/jetons", s.requireSignedIn, s.createToken)
	app.Post("/compte/jetons/:id/revoquer", s.requireSignedIn, s.revokeToken)
	app.Post("/compte/sessions/:id/revoquer", s.requireSignedIn, s.revokeSession)
	app.Get("/invitations", s.requireSignedIn, s.showInvitations)
	app.Post("/invitations", s.requireSignedIn, s.createInvitation)
	app.Get("/invitation/:token", s.requireAccounts, s.showInvitation)
	app.Post("/invitation/:token", s.requireAccounts, s.acceptInvitation)
	app.Get("/mot-de-passe/:token", s.requireAccounts, s.showReset)
	app.Post("/mot-de-passe/:token", s.requireAccounts, s.useReset)
	app.Get("/admin/utilisateurs", s.requireAdmin, s.showUsers)
	app.Post("/admin/utilisateurs/:id", s.requireAdmin, s.saveUser)
	app.Post("/admin/utilisateurs/:id/desactiver", s.requireAdmin, s.setDisabled(true))
	app.Post("/admin/utilisateurs/:id/activer", s.requireAdmin, s.setDisabled(false))
	app.Post("/admin/utilisateurs/:id/reinitialisation", s.requireAdmin, s.createReset)
	app.Get("/admin/import", s.requireAdmin, s.showImport)
	app.Post("/admin/import", s.requireAdmin, s.previewImport)
	app.Post("/admin/import/confirmer", s.requireAdmin, s.confirmImport)
	for _, kind := range content.Kinds {
		list, base := "/"+string(kind), "/"+string(kind)+"/:slug"
		// Before base: "nouveau" is not a page.
		app.Get(list+"/nouveau", s.requireSignedIn, s.showCreate(kind))
		app.Post(list+"/nouveau", s.requireSignedIn, s.postCreate(kind))
		app.Post(list+"/apercu", s.requireSignedIn, s.previewEdit)
		app.Get(base, s.showDocument)
		app.Get(base+"/historique", s.showHistory)
		app.Get(base+"/revision/:rev", s.showRevision)
		app.Get(base+"/diff", s.showDiff)
		app.Get(base+"/modifier", s.requireSignedIn, s.showEdit)
		app.Post(base+"/modifier", s.requireSignedIn, s.postEdit)
		app.Post(base+"/apercu", s.requireSignedIn, s.previewEdit)
		app.Post(base+"/presence", s.requireSignedIn, s.presenceBeat)
		app.Get(base+"/renommer", s.requireSignedIn, s.showRename)
		app.Post(base+"/renommer", s.requireSignedIn, s.postRename)
		app.Get(base+"/supprimer", s.requireSignedIn, s.showDelete)
		app.Post(base+"/supprimer", s.requireSignedIn, s.postDelete)
		app.Post(base+"/revision/:rev/retablir", s.requireSignedIn, s.postRevert)
		if kind != content.KindPage {
			app.Post(base+"/verifier", s.requireSignedIn, s.postVerify)
		}
	}
	for _, kind := range []content.Kind{content.KindService, content.KindStructure} {
		base := "/" + string(kind) + "/:slug"
		app.Get(base+"/signaler", s.showReport)
		app.Post(base+"/signaler", s.sendReport)
	}
	for _, kind := range content.Kinds {
		base := "/" + string(kind) + "/:slug"
		app.Get(base+"/proposer", s.requireSignedIn, s.showPropose)
		app.Post(base+"/proposer", s.requireSignedIn, s.sendPropose)
	}
	app.Get("/propositions", s.requireSignedIn, s.showQueue)
	app.Get("/propositions/mes", s.requireSignedIn, s.showMine)
	app.Get("/propositions/:id", s.requireSignedIn, s.showProposal)
	app.Post("/propositions/:id/accepter", s.requireSignedIn, s.acceptProposal)
	app.Post("/propositions/:id/refuser", s.requireSignedIn, s.decide(proposals.Declined))
	app.Post("/propositions/:id/clore", s.requireSignedIn, s.decide(proposals.Closed))
	app.Get("/fraicheur", s.requireSignedIn, s.showFreshness)

	api := app.Group("/api/v1")
	api.Get("/search", s.apiSearch)
	api.Get("/communes", s.apiCommunes)
	api.Get("/pages/:kind/:slug", s.apiGetPage)
	api.Put("/pages/:kind/:slug", s.apiPutPage)
	api.Delete("/pages/:kind/:slug", s.apiDeletePage)
	api.Post("/pages/:kind", s.apiCreatePage)
	api.Post("/pages/:kind/:slug/rename", s.apiRenamePage)
	api.Post("/pages/:kind/:slug/revert", s.apiRevertPage)
	api.Post("/pages/:kind/:slug/verify", s.apiVerifyPage)
	api.Get("/pages/:kind/:slug/history", s.apiPageHistory)
	api.Get("/export/data-inclusion/:file", s.apiExport)
	api.Get("/openapi.json", s.apiOpenAPI)
	api.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })

	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}

func (s *Server) logPanic(c *fiber.Ctx, e any) {
	s.log.Error("panic in handler", "method", c.Method(), "path", loggedPath(c), "panic", e)
}

func (s *Server) health(c *fiber.Ctx) error {
	cat := s.live.catalog()
	return c.JSON(fiber.Map{
		"status":   "ok",
		"revision": cat.Revision(),
		"indexed":  s.live.isIndexed(),
		"services": cat.Len(content.KindService),
	})
}
