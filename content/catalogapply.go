package content

import (
	"cmp"
	"maps"
	"slices"
	"strings"
)

// deriveFrom computes the lookups of c from those of prev, the catalogue
// c was applied to, when only the files named in touched changed: every
// page save goes through here, and rebuilding the whole catalogue's sorted
// lists cost tens of milliseconds at 10,000 pages. Problems are still
// The result equals what derive gives (catalogapply_test.go checks it).
func (c *Catalog) deriveFrom(prev *Catalog, touched []string) {
	var olds, news []*Document
	for _, name := range touched {
		if e := prev.files[name]; e != nil && e.doc != nil {
			olds = append(olds, e.doc)
		}
		if e := c.files[name]; e != nil && e.doc != nil {
			news = append(news, e.doc)
		}
	}
	c.docs = maps.Clone(prev.docs)
	for _, d := range olds {
		delete(c.docs, d.Path)
	}
	for _, d := range news {
		c.docs[d.Path] = d
	}
	c.deriveSettings()
	c.byKind, c.recent = maps.Clone(prev.byKind), maps.Clone(prev.recent)
	for _, kind := range Kinds {
		if !slices.ContainsFunc(olds, ofKind(kind)) && !slices.ContainsFunc(news, ofKind(kind)) {
			continue
		}
		list, recent := slices.Clone(prev.byKind[kind]), slices.Clone(prev.recent[kind])
		for _, d := range olds {
			if d.Path.Kind() == kind {
				list, recent = without(list, d, byPath), without(recent, d, byRecent)
			}
		}
		for _, d := range news {
			if d.Path.Kind() == kind {
				list, recent = with(list, d, byPath), with(recent, d, byRecent)
			}
		}
		setOrDelete(c.byKind, kind, list)
		setOrDelete(c.recent, kind, recent)
	}
	c.patchServicesOf(prev, olds, news)
	c.patchBacklinks(prev, olds, news)
	c.patchProblems(prev, touched, slices.Concat(olds, news))
}

// patchProblems finds again the problems of the files whose problems may
// have changed: the files touched, the services of a structure that
// appeared or went, and the pages that link to a page that did.
func (c *Catalog) patchProblems(prev *Catalog, touched []string, docs []*Document) {
	c.byFile = maps.Clone(prev.byFile)
	again := slices.Clone(touched)
	for _, d := range docs {
		if d.Path.Kind() == KindStructure {
			slug := d.Path.Slug()
			for _, svc := range slices.Concat(prev.servicesOf[slug], c.servicesOf[slug]) {
				again = append(again, svc.Path.File())
			}
		}
		for _, p := range slices.Concat(prev.backlinks[d.Path], c.backlinks[d.Path]) {
			again = append(again, p.File())
		}
	}
	slices.Sort(again)
	for _, name := range slices.Compact(again) {
		if e := c.files[name]; e != nil {
			setOrDelete(c.byFile, name, c.fileProblems(e))
		} else {
			delete(c.byFile, name)
		}
	}
}

// deriveSettings reads the site's settings files.
func (c *Catalog) deriveSettings() {
	c.config = DefaultSiteConfig()
	c.synonyms, c.redirects = nil, nil
	if e := c.files[ConfigFile]; e != nil {
		if cfg, err := ParseSiteConfig(e.data); err == nil {
			c.config = cfg
		}
	}
	if e := c.files[SynonymsFile]; e != nil {
		c.synonyms = ParseSynonyms(e.data)
	}
	if e := c.files[RedirectsFile]; e != nil {
		c.redirects = ParseRedirects(e.data)
	}
}

func ofKind(kind Kind) func(*Document) bool {
	return func(d *Document) bool { return d.Path.Kind() == kind }
}

func byPath(a, b *Document) int { return strings.Compare(string(a.Path), string(b.Path)) }

// byRecent is the order of Recent: date_maj descending, then path.
func byRecent(a, b *Document) int {
	ua, ub := a.Updated(), b.Updated()
	switch {
	case ub.Before(ua):
		return -1
	case ua.Before(ub):
		return 1
	}
	return byPath(a, b)
}

// byTitle is the order of ServicesOf: folded name, then path.
func byTitle(a, b *Document) int {
	return cmp.Or(strings.Compare(Fold(a.Title()), Fold(b.Title())), byPath(a, b))
}

// without removes d from a list sorted by order.
func without(list []*Document, d *Document, order func(a, b *Document) int) []*Document {
	if i, ok := slices.BinarySearchFunc(list, d, order); ok && list[i] == d {
		return slices.Delete(list, i, i+1)
	}
	if i := slices.Index(list, d); i >= 0 {
		return slices.Delete(list, i, i+1)
	}
	return list
}

// with inserts d into a list sorted by order.
func with(list []*Document, d *Document, order func(a, b *Document) int) []*Document {
	i, _ := slices.BinarySearchFunc(list, d, order)
	return slices.Insert(list, i, d)
}

func setOrDelete[K comparable, V any](m map[K][]V, k K, list []V) {
	if len(list) == 0 {
		delete(m, k)
		return
	}
	m[k] = list
}

// patchServicesOf updates the services of the structures old and new
// services name.
func (c *Catalog) patchServicesOf(prev *Catalog, olds, news []*Document) {
	c.servicesOf = maps.Clone(prev.servicesOf)
	done := map[string]bool{}
	for _, d := range slices.Concat(olds, news) {
		if d.Service == nil || done[d.Service.Structure] {
			continue
		}
		key := d.Service.Structure
		done[key] = true
		list := slices.DeleteFunc(slices.Clone(prev.servicesOf[key]), func(x *Document) bool { return slices.Contains(olds, x) })
		for _, n := range news {
			if n.Service != nil && n.Service.Structure == key {
				list = append(list, n)
			}
		}
		slices.SortFunc(list, byTitle)
		setOrDelete(c.servicesOf, key, list)
	}
}

// patchBacklinks updates the backlinks of the pages old and new pages
// link to. A list follows Kinds, then paths, as derive builds it.
func (c *Catalog) patchBacklinks(prev *Catalog, olds, news []*Document) {
	c.backlinks = maps.Clone(prev.backlinks)
	copied := map[Path]bool{}
	own := func(l Path) []Path {
		if !copied[l] {
			copied[l] = true
			c.backlinks[l] = slices.Clone(c.backlinks[l])
		}
		return c.backlinks[l]
	}
	for _, d := range olds {
		for _, l := range d.Links {
			if l != d.Path {
				setOrDelete(c.backlinks, l, slices.DeleteFunc(own(l), func(p Path) bool { return p == d.Path }))
			}
		}
	}
	for _, d := range news {
		for _, l := range d.Links {
			if l == d.Path {
				continue
			}
			list := own(l)
			if i, found := slices.BinarySearchFunc(list, d.Path, byKindThenPath); !found {
				c.backlinks[l] = slices.Insert(list, i, d.Path)
			}
		}
	}
}

func byKindThenPath(a, b Path) int {
	return cmp.Or(cmp.Compare(slices.Index(Kinds, a.Kind()), slices.Index(Kinds, b.Kind())), strings.Compare(string(a), string(b)))
}
