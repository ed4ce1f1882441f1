package server

import (
	"container/list"
	"sync"
)

// pageCache keeps rendered public pages, least recently used out first,
// within a byte budget. It is emptied whenever the catalogue changes: a
// page's HTML depends on other pages (red links, backlinks, its
// structure's services), so a commit may change pages it did not touch.
type pageCache struct {
	mu     sync.Mutex
	budget int
	used   int
	order  *list.List // front: most recently used
	items  map[string]*list.Element
}

type cachedPage struct {
	key  string
	body []byte
}

func newPageCache(budget int) *pageCache {
	return &pageCache{budget: budget, order: list.New(), items: map[string]*list.Element{}}
}

func (pc *pageCache) get(key string) ([]byte, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	el, ok := pc.items[key]
	if !ok {
		return nil, false
	}
	pc.order.MoveToFront(el)
	return el.Value.(*cachedPage).body, true
}

func (pc *pageCache) put(key string, body []byte) {
	if pc.budget <= 0 || len(body) > pc.budget/8 {
		return // one huge page must not evict everything else
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if el, ok := pc.items[key]; ok {
		pc.used -= len(el.Value.(*cachedPage).body)
		pc.order.Remove(el)
	}
	pc.items[key] = pc.order.PushFront(&cachedPage{key: key, body: body})
	pc.used += len(body)
	for pc.used > pc.budget {
		last := pc.order.Back()
		page := last.Value.(*cachedPage)
		pc.order.Remove(last)
		delete(pc.items, page.key)
		pc.used -= len(page.body)
	}
}

func (pc *pageCache) clear() {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.order.Init()
	pc.items = map[string]*list.Element{}
	pc.used = 0
}
