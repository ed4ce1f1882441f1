package server

import (
	"cmp"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
)

// The freshness dashboard lists the services and structures not verified
// for longer than the site's period (config.yaml's fraicheur_mois), oldest
// first, with counts per structure. It follows content.SiteConfig.Stale,
// the rule of the pages' « À vérifier » mark.

// freshRow is one page to verify again.
type freshRow struct {
	Page      link
	Structure link
	Kind      content.Kind
	Verified  content.Date // zero: never verified
}

// freshGroup counts a structure's pages.
type freshGroup struct {
	Structure    link
	Stale, Total int
}

type freshnessView struct {
	Rows   []freshRow
	Groups []freshGroup
	Months int
	Since  content.Date // pages verified before this day are listed
	Total  int          // pages looked at
}

// freshness builds the dashboard of the structures edits accepts, on day
// today.
func freshness(cat *content.Catalog, edits func(structure string) bool, today content.Date) freshnessView {
	cfg := cat.Config()
	v := freshnessView{Months: cfg.FraicheurMois, Since: cfg.FreshSince(today)}
	if v.Months <= 0 {
		v.Months = content.DefaultFraicheurMois
	}
	groups := map[string]*freshGroup{}
	for _, kind := range []content.Kind{content.KindStructure, content.KindService} {
		for _, d := range cat.Docs(kind) {
			slug := d.Path.Slug()
			if d.Service != nil {
				slug = d.Service.Structure
			}
			if !edits(slug) {
				continue
			}
			g := groups[slug]
			if g == nil {
				g = &freshGroup{Structure: structureLink(cat, slug)}
				groups[slug] = g
			}
			g.Total++
			v.Total++
			verified, _ := d.Verified()
			if !cfg.Stale(verified, today) {
				continue
			}
			g.Stale++
			v.Rows = append(v.Rows, freshRow{Page: link{Title: d.Title(), URL: d.Path.URL()},
				Structure: g.Structure, Kind: kind, Verified: verified})
		}
	}
	// Oldest first; never verified is oldest of all (the zero date sorts
	// first); then by structure and name, for a stable list.
	slices.SortFunc(v.Rows, func(a, b freshRow) int {
		switch {
		case a.Verified.Before(b.Verified):
			return -1
		case b.Verified.Before(a.Verified):
			return 1
		}
		return cmp.Or(cmp.Compare(a.Structure.Title, b.Structure.Title), cmp.Compare(a.Page.Title, b.Page.Title))
	})
	for _, g := range groups {
		v.Groups = append(v.Groups, *g)
	}
	slices.SortFunc(v.Groups, func(a, b freshGroup) int {
		return cmp.Or(cmp.Compare(b.Stale, a.Stale), cmp.Compare(a.Structure.Title, b.Structure.Title))
	})
	return v
}

// structureLink links to a structure by slug, named as the catalogue knows
// it (the slug itself when the structure does not exist).
func structureLink(cat *content.Catalog, slug string) link {
	p, err := content.NewPath(content.KindStructure, slug)
	if err != nil {
		return link{Title: slug}
	}
	if d, ok := cat.Doc(p); ok {
		return link{Title: d.Title(), URL: p.URL()}
	}
	return link{Title: slug}
}

// showFreshness is the dashboard: an editor sees their structures' pages,
// an administrator all.
func (s *Server) showFreshness(c *fiber.Ctx) error {
	who := s.person(c)
	if who == nil {
		return s.errSignIn()
	}
	if !who.Admin && len(who.Structures) == 0 {
		return s.errNotAllowed()
	}
	edits := func(slug string) bool { return who.Admin || slices.Contains(who.Structures, slug) }
	data := freshness(s.live.catalog().Catalog, edits, s.today())
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	v := s.view(c, s.t("freshness.title"), data)
	v.NoIndex, v.Current = true, "freshness"
	return s.render(c, fiber.StatusOK, "freshness", v)
}
