package server

import (
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// limiter counts events per key in a sliding window, in memory: failed
// sign-ins per address and per e-mail. Memory is bounded: expired keys are
// swept each time the table doubles, and past maxKeys live keys (a flood of
// made-up e-mails) random ones are forgotten — the per-address limit still
// holds the flood back.
type limiter struct {
	mu        sync.Mutex
	max       int
	window    time.Duration
	maxKeys   int
	nextSweep int // table size that triggers the next sweep
	events    map[string][]time.Time
}

// Sweeping starts at limiterSweepAt keys; a table never holds more than
// limiterMaxKeys (at most a few tens of megabytes).
const (
	limiterSweepAt = 10000
	limiterMaxKeys = 200000
)

func newLimiter(max int, window time.Duration) *limiter {
	return &limiter{max: max, window: window, maxKeys: limiterMaxKeys, nextSweep: limiterSweepAt, events: map[string][]time.Time{}}
}

func (l *limiter) recent(key string, now time.Time) []time.Time {
	ev := l.events[key]
	i := 0
	for i < len(ev) && now.Sub(ev[i]) >= l.window {
		i++
	}
	return ev[i:]
}

// blocked reports whether key reached the limit.
func (l *limiter) blocked(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent(key, now)) >= l.max
}

// add counts one event for key.
func (l *limiter) add(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, known := l.events[key]; !known && len(l.events) >= l.nextSweep {
		l.sweep(now)
	}
	l.events[key] = append(l.recent(key, now), now)
}

// sweep drops expired keys, then random ones down to nine tenths of
// maxKeys, and sets the next sweep at twice what is left: the cost of a
// sweep is spread over as many additions as there are keys.
func (l *limiter) sweep(now time.Time) {
	for k := range l.events {
		if len(l.recent(k, now)) == 0 {
			delete(l.events, k)
		}
	}
	for k := range l.events { // map order is random
		if len(l.events) < l.maxKeys*9/10 {
			break
		}
		delete(l.events, k)
	}
	l.nextSweep = min(max(limiterSweepAt, 2*len(l.events)), l.maxKeys)
}

func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.events, key)
}

// parseProxies reads the trusted proxies: addresses or CIDR prefixes.
func parseProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, p := range list {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !strings.Contains(p, "/") {
			a, err := netip.ParseAddr(p)
			if err != nil {
				return nil, err
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		pr, err := netip.ParsePrefix(p)
		if err != nil {
			return nil, err
		}
		out = append(out, pr.Masked())
	}
	return out, nil
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.proxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// limitKey is the key of an address for rate limits: an IPv6 address by
// its /64 prefix, as one connection usually owns a whole /64 and could
// rotate through it.
func limitKey(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil || !a.Is6() || a.Is4In6() {
		return addr
	}
	p, err := a.Prefix(64)
	if err != nil {
		return addr
	}
	return p.String()
}

// clientIP is the address of the person: the connection's, or when it
// comes from a trusted proxy, the last address of X-Forwarded-For that is
// not a trusted proxy (earlier ones can be forged by the client).
func (s *Server) clientIP(c *fiber.Ctx) string {
	remote, err := netip.ParseAddr(c.Context().RemoteIP().String())
	if err != nil {
		return c.Context().RemoteIP().String()
	}
	if !s.trusted(remote) {
		return remote.Unmap().String()
	}
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h := strings.TrimSpace(hops[i])
		if host, _, err := net.SplitHostPort(h); err == nil {
			h = host
		}
		a, err := netip.ParseAddr(h)
		if err != nil {
			break
		}
		if !s.trusted(a) {
			return a.Unmap().String()
		}
	}
	return remote.Unmap().String()
}

// truncate cuts s to at most n bytes.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
