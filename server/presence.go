package server

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
)

// presenceTTL is how long an open edit form counts as open after its last
// heartbeat: the page sends one every 15 seconds, so a closed tab drops out
// after two missed beats. Without JavaScript a form counts from its load.
const presenceTTL = 40 * time.Second

// presence is who has which edit form open, in this server's memory only:
// a notice for people, not a lock.
type presence struct {
	mu    sync.Mutex
	pages map[content.Path]map[string]presenceEntry
}

type presenceEntry struct {
	name string
	seen time.Time
}

func newPresence() *presence {
	return &presence{pages: map[content.Path]map[string]presenceEntry{}}
}

// join records that key (named name) has p open at now and returns the
// names of the others who have it open, sorted.
func (pr *presence) join(p content.Path, key, name string, now time.Time) []string {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	page := pr.pages[p]
	if page == nil {
		page = map[string]presenceEntry{}
		pr.pages[p] = page
	}
	page[key] = presenceEntry{name: strings.Clone(name), seen: now} // may point into a request buffer
	var others []string
	for k, e := range page {
		switch {
		case now.Sub(e.seen) > presenceTTL:
			delete(page, k)
		case k != key && !slices.Contains(others, e.name):
			others = append(others, e.name)
		}
	}
	slices.Sort(others)
	// Forget pages nobody has open, so the map stays small.
	for path, entries := range pr.pages {
		if path != p && len(entries) > 0 {
			for k, e := range entries {
				if now.Sub(e.seen) > presenceTTL {
					delete(entries, k)
				}
			}
		}
		if len(entries) == 0 {
			delete(pr.pages, path)
		}
	}
	return others
}

// presenceBeat is the heartbeat of an open edit form: it answers who else
// has the page open.
func (s *Server) presenceBeat(c *fiber.Ctx) error {
	// Only those who may edit the page are listed as editing it.
	p, _, err := s.loadForChange(c)
	if err != nil {
		return err
	}
	u := s.currentUser(c)
	others := s.presence.join(p, presenceKey(u), u.Name, s.now())
	if others == nil {
		others = []string{}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"autres": others})
}
