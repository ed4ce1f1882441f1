package server

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"fmt"
	"hash/fnv"
	"sync"
	"time"
)

// pageCache keeps rendered public pages, least recently used out first,
// within a byte budget. Keys hold the revision, so a commit makes every
// older page unreachable (a page's HTML depends on other pages: red links,
// backlinks, its structure's services); clear frees them at once.
type pageCache struct {
	mu     sync.Mutex
	budget int
	used   int
	order  *list.List // front: most recently used
	items  map[string]*list.Element

	// gzipWriters are reused: a new gzip.Writer allocates 800 KB of
	// state, more than compressing a page costs.
	gzipWriters sync.Pool
}

// cachedPage is a rendered page with what serving it needs: its ETag, a
// gzip copy (nil when compression does not pay), and when it expires.
type cachedPage struct {
	key     string
	body    []byte
	gz      []byte
	etag    string
	expires time.Time
}

// minGzip is the size under which a page is sent as is.
const minGzip = 1024

// newPage makes the cached form of a rendered page.
func (pc *pageCache) newPage(key string, body []byte, expires time.Time) *cachedPage {
	h := fnv.New64a()
	h.Write(body)
	p := &cachedPage{key: key, body: body, expires: expires, etag: fmt.Sprintf(`"%x-%x"`, len(body), h.Sum64())}
	if len(body) >= minGzip {
		var buf bytes.Buffer
		zw := pc.gzipWriters.Get().(*gzip.Writer)
		zw.Reset(&buf)
		zw.Write(body)
		if zw.Close() == nil && buf.Len() < len(body) {
			p.gz = buf.Bytes()
		}
		pc.gzipWriters.Put(zw)
	}
	return p
}

func (p *cachedPage) size() int { return len(p.body) + len(p.gz) }

func newPageCache(budget int) *pageCache {
	pc := &pageCache{budget: budget, order: list.New(), items: map[string]*list.Element{}}
	pc.gzipWriters.New = func() any { return gzip.NewWriter(nil) }
	return pc
}

// get returns the page under key unless it expired at now.
func (pc *pageCache) get(key string, now time.Time) (*cachedPage, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	el, ok := pc.items[key]
	if !ok {
		return nil, false
	}
	p := el.Value.(*cachedPage)
	if !now.Before(p.expires) {
		pc.remove(el)
		return nil, false
	}
	pc.order.MoveToFront(el)
	return p, true
}

func (pc *pageCache) put(p *cachedPage) {
	if pc.budget <= 0 || p.size() > pc.budget/8 {
		return // one huge page must not evict everything else
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if el, ok := pc.items[p.key]; ok {
		pc.remove(el)
	}
	pc.items[p.key] = pc.order.PushFront(p)
	pc.used += p.size()
	for pc.used > pc.budget {
		pc.remove(pc.order.Back())
	}
}

func (pc *pageCache) remove(el *list.Element) {
	p := el.Value.(*cachedPage)
	pc.order.Remove(el)
	delete(pc.items, p.key)
	pc.used -= p.size()
}

func (pc *pageCache) clear() {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.order.Init()
	pc.items = map[string]*list.Element{}
	pc.used = 0
}
