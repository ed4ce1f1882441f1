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
// sign-ins per address and per e-mail. Memory is bounded: old
// keys are swept when the table grows.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	events map[string][]time.Time
}

func newLimiter(max int, window time.Duration) *limiter {
	return &limiter{max: max, window: window, events: map[string][]time.Time{}}
}

// limiterSweepAt is the number of keys above which old ones are dropped.
const limiterSweepAt = 10000

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
	if len(l.events) >= limiterSweepAt {
		for k := range l.events {
			if len(l.recent(k, now)) == 0 {
				delete(l.events, k)
			}
		}
	}
	l.events[key] = append(l.recent(key, now), now)
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
