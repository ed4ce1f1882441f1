package server

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/territory"
)

type homeView struct {
	Groups                      []groupCount
	Recent                      []card
	Services, Structures, Pages int
}

type groupCount struct {
	Value, Label string
	Count        int
}

func (s *Server) showHome(c *fiber.Ctx) error {
	cat := s.live.catalog()
	return s.renderCached(c, cat, "home", func() (view, error) {
		data := homeView{
			Groups:     s.groupCounts(cat.Catalog),
			Services:   cat.Len(content.KindService),
			Structures: cat.Len(content.KindStructure),
			Pages:      cat.Len(content.KindPage),
		}
		for _, d := range cat.Recent(content.KindService, 8) {
			data.Recent = append(data.Recent, s.card(cat.Catalog, d))
		}
		v := s.viewAt(c, cat, cat.Config().Nom, data)
		v.Current = "home"
		v.Description = s.t("home.intro")
		return v, nil
	})
}

// groupCounts counts services by first-level thematique, for the home
// page's entry points; groups without services are left out.
func (s *Server) groupCounts(cat *content.Catalog) []groupCount {
	counts := map[string]int{}
	for _, d := range cat.Docs(content.KindService) {
		seen := map[string]bool{}
		for _, th := range d.Service.Thematiques {
			g, ok := s.cfg.Refs.ThematiqueGroup(th)
			if ok && !seen[g.Value] {
				seen[g.Value] = true
				counts[g.Value]++
			}
		}
	}
	var out []groupCount
	for _, g := range s.cfg.Refs.ThematiqueGroups() {
		if n := counts[g.Value]; n > 0 {
			out = append(out, groupCount{Value: g.Value, Label: g.Label, Count: n})
		}
	}
	return out
}

// showDocument serves a service, structure or free page at its path.
func (s *Server) showDocument(c *fiber.Ctx) error {
	p, err := pathParam(c)
	if err != nil {
		return err
	}
	cat := s.live.catalog()
	doc, ok := cat.Doc(p)
	if !ok {
		if to, moved := cat.Redirect(p); moved {
			return c.Redirect(to.URL(), fiber.StatusMovedPermanently)
		}
		return s.missingPage(c, cat.Catalog, p)
	}
	switch p.Kind() {
	case content.KindService:
		// The page quotes its public URL, which may come from the request's
		// host: the cache key holds that URL, so no host's can leak to another.
		public := s.publicURL(c, cat.Config(), p.URL())
		return s.renderCachedKey(c, cat, public, "service", func() (view, error) { return s.withEditLinks(c, doc)(s.serviceView(c, cat, doc, public)) })
	case content.KindStructure:
		return s.renderCached(c, cat, "structure", func() (view, error) { return s.withEditLinks(c, doc)(s.structureView(c, cat, doc)) })
	default:
		return s.renderCached(c, cat, "page", func() (view, error) { return s.withEditLinks(c, doc)(s.wikiView(c, cat, doc)) })
	}
}

// missingPage answers 404, saying whether the file exists but is invalid.
func (s *Server) missingPage(c *fiber.Ctx, cat *content.Catalog, p content.Path) error {
	title, message := s.t("error.404.title"), s.t("error.404.text")
	if len(cat.FileProblems(p.File())) > 0 {
		title, message = s.t("error.invalid.title"), s.t("error.invalid.text")
	}
	v := s.view(c, title, errorView{Message: message, Create: string(p)})
	v.NoIndex = true
	return s.render(c, fiber.StatusNotFound, "error", v)
}

// pathParam reads the page path from the route's kind and slug. A malformed
// slug is a page that cannot exist: 404.
func pathParam(c *fiber.Ctx) (content.Path, error) {
	kind, _, _ := strings.Cut(c.Route().Path[1:], "/")
	return content.NewPath(content.Kind(kind), c.Params("slug"))
}

// listView is one page of a list of structures or guides.
type listView struct {
	Items       []card
	Total       int
	Page, Pages int
	Prev, Next  string // URLs of the neighbouring pages, empty at the ends
}

// listPageSize keeps a list page light even with 50,000 structures.
const listPageSize = 200

func (s *Server) listKind(kind content.Kind) fiber.Handler {
	titleKey := "list.pages"
	current := "pages"
	if kind == content.KindStructure {
		titleKey, current = "list.structures", "structures"
	}
	return func(c *fiber.Ctx) error {
		cat := s.live.catalog()
		total := cat.Len(kind)
		pages := max(1, (total+listPageSize-1)/listPageSize)
		page := c.QueryInt("page", 1)
		if page < 1 || page > pages {
			return fiber.ErrNotFound
		}
		return s.renderCachedKey(c, cat, c.Path()+"?page="+strconv.Itoa(page), "list", func() (view, error) {
			docs := cat.Docs(kind)
			slices.SortStableFunc(docs, func(a, b *content.Document) int {
				return strings.Compare(territory.Fold(a.Title()), territory.Fold(b.Title()))
			})
			data := listView{Total: len(docs), Page: page, Pages: pages}
			for _, d := range docs[(page-1)*listPageSize : min(len(docs), page*listPageSize)] {
				data.Items = append(data.Items, s.card(cat.Catalog, d))
			}
			if page > 1 {
				data.Prev = c.Path() + "?page=" + strconv.Itoa(page-1)
			}
			if page < pages {
				data.Next = c.Path() + "?page=" + strconv.Itoa(page+1)
			}
			v := s.viewAt(c, cat, s.t(titleKey), data)
			v.Current = current
			if s.currentUser(c).IsAdmin() {
				v.Edit = &editLinks{NewPage: "/" + string(kind) + "/nouveau", NewPageLabel: s.t("edit.link.new_" + string(kind))}
			}
			return v, nil
		})
	}
}

type problemsView struct{ Problems []content.Problem }

// publicProblems returns problems fit for anonymous visitors: those of the
// pro block lose their message, which may quote private information, for
// a general one.
func (s *Server) publicProblems(problems []content.Problem) []content.Problem {
	for i, p := range problems {
		if p.Field == "pro" || strings.HasPrefix(p.Field, "pro.") {
			problems[i].Message = s.t("problems.pro_hidden")
		}
	}
	return problems
}

func (s *Server) showProblems(c *fiber.Ctx) error {
	cat := s.live.catalog()
	v := s.view(c, s.t("problems.title"), problemsView{Problems: s.publicProblems(themeProblems(cat.Problems(), cat.look))})
	v.NoIndex = true
	return s.render(c, fiber.StatusOK, "problems", v)
}
