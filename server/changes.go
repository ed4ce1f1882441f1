package server

import (
	"cmp"
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/aiguillage/aiguillage/content"
)

// changesScan is how many recent commits the filters of the recent changes
// look through: enough for months of a network's edits, cheap to read from
// the history index.
const changesScan = 2000

// changesFilter is the recent changes' filter, from the query string.
type changesFilter struct {
	Structure string // slug of a structure: its page and its services
	Author    string // author name, as shown
}

func (s *Server) changesFilterOf(c *fiber.Ctx) changesFilter {
	return changesFilter{
		Structure: utils.CopyString(strings.TrimSpace(c.Query("structure"))),
		Author:    utils.CopyString(strings.TrimSpace(c.Query("auteur"))),
	}
}

func (f changesFilter) active() bool { return f.Structure != "" || f.Author != "" }

// query is the filter as a query string ("" when none), for the feed link.
func (f changesFilter) query() string {
	var q []string
	if f.Structure != "" {
		q = append(q, "structure="+url.QueryEscape(f.Structure))
	}
	if f.Author != "" {
		q = append(q, "auteur="+url.QueryEscape(f.Author))
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + strings.Join(q, "&")
}

// recentChanges returns at most limit commits of the branch that f keeps,
// newest first, among the last scan commits, and the names of the authors
// of the commits looked at.
func (s *Server) recentChanges(ctx context.Context, cat *content.Catalog, f changesFilter, limit, scan int) ([]content.Commit, []string, error) {
	commits, err := s.cfg.Store.Log(ctx, scan)
	if err != nil {
		return nil, nil, err
	}
	authors := map[string]bool{}
	var out []content.Commit
	for _, cm := range commits {
		authors[cm.Author.Name] = true
		if len(out) < limit && f.keeps(cat, cm) {
			out = append(out, cm)
		}
	}
	names := make([]string, 0, len(authors))
	for a := range authors {
		names = append(names, a)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return out, names, nil
}

// keeps reports whether cm passes the filter: by its author, and by whether
// it touched the structure's page or one of its services (as the catalogue
// knows them now).
func (f changesFilter) keeps(cat *content.Catalog, cm content.Commit) bool {
	if f.Author != "" && !strings.EqualFold(cm.Author.Name, f.Author) {
		return false
	}
	if f.Structure == "" {
		return true
	}
	for _, name := range cm.Files {
		p, ok := content.PathFromFile(name)
		if !ok {
			continue
		}
		if p.Kind() == content.KindStructure && p.Slug() == f.Structure {
			return true
		}
		if d, ok := cat.Doc(p); ok && d.Service != nil && d.Service.Structure == f.Structure {
			return true
		}
	}
	return false
}

type changesView struct {
	Commits    []commitView
	Filter     changesFilter
	Structures []link // choices of the structure filter: Title, and the slug in URL
	Authors    []string
	Feed       string // the feed of the same filter
}

// changesFilesShown is how many changed files a commit lists on the recent
// changes page: an import touches thousands.
const changesFilesShown = 20

func (s *Server) showChanges(c *fiber.Ctx) error {
	cat := s.live.catalog()
	f := s.changesFilterOf(c)
	// The whole scan, filtered or not: the author filter offers every
	// author of it.
	commits, authors, err := s.recentChanges(c.UserContext(), cat.Catalog, f, historyPageSize, changesScan)
	if err != nil {
		return err
	}
	data := changesView{Filter: f, Authors: authors, Feed: "/modifications.atom" + f.query()}
	for _, d := range cat.Docs(content.KindStructure) {
		data.Structures = append(data.Structures, link{Title: d.Title(), URL: d.Path.Slug()})
	}
	slices.SortFunc(data.Structures, func(a, b link) int { return cmp.Compare(a.Title, b.Title) })
	for _, cm := range commits {
		cv := s.commitView(cm)
		for i, name := range cm.Files {
			if i == changesFilesShown {
				cv.More = len(cm.Files) - i
				break
			}
			cv.Pages = append(cv.Pages, fileLink(cat.Catalog, name))
		}
		data.Commits = append(data.Commits, cv)
	}
	v := s.view(c, s.t("changes.title"), data)
	v.Current = "changes"
	v.NoIndex = f.active()
	return s.render(c, fiber.StatusOK, "changes", v)
}
