package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Anti-spam of the public forms, with no third party: a honeypot field
// that people never see, a signed time stamp (a form sent within seconds of
// being shown is a robot's; one kept for hours is stale), and a limit of
// reports per address.
const (
	spamMinAge   = 3 * time.Second
	spamMaxAge   = 2 * time.Hour
	spamPerIP    = 5                // reports per address and window
	spamWindow   = 10 * time.Minute // the rate limit's window
	spamMaxIPs   = 10000            // addresses tracked before old ones are dropped
	honeypotName = "site_internet"  // a field robots like to fill
)

// spamError is why a form was refused; its key names the French message.
type spamError struct{ key string }

func (e spamError) Error() string { return "refused by anti-spam: " + e.key }

var (
	errSpamHoneypot = spamError{"report.error.honeypot"}
	errSpamTooFast  = spamError{"report.error.too_fast"}
	errSpamTooOld   = spamError{"report.error.too_old"}
	errSpamForged   = spamError{"report.error.forged"}
	errSpamRate     = spamError{"report.error.rate"}
)

// antiSpam signs time stamps and counts reports per address. It is safe
// for concurrent use.
type antiSpam struct {
	key []byte
	mu  sync.Mutex
	ips map[string][]time.Time // times of the recent reports of an address
}

// newAntiSpam uses key (the server's secret, kept across restarts) to sign
// time stamps, or a random key when key is empty (stamps shown before a
// restart are then refused as forged, and the form is shown again with a
// fresh one).
func newAntiSpam(key []byte) (*antiSpam, error) {
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("server: anti-spam key: %w", err)
		}
	}
	return &antiSpam{key: key, ips: map[string][]time.Time{}}, nil
}

// stamp is the signed time stamp of a form shown at now for purpose.
func (a *antiSpam) stamp(purpose string, now time.Time) string {
	ts := strconv.FormatInt(now.Unix(), 10)
	return ts + "." + a.sign(purpose, ts)
}

func (a *antiSpam) sign(purpose, ts string) string {
	m := hmac.New(sha256.New, a.key)
	m.Write([]byte(purpose + "\x00" + ts))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// check verifies a submitted form: honeypot empty, stamp genuine and of the
// right age. It does not count the submission (see allow).
func (a *antiSpam) check(purpose, stamp, honeypot string, now time.Time) error {
	if honeypot != "" {
		return errSpamHoneypot
	}
	ts, mac, ok := strings.Cut(stamp, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(a.sign(purpose, ts))) {
		return errSpamForged
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errSpamForged
	}
	age := now.Sub(time.Unix(sec, 0))
	switch {
	case age < spamMinAge:
		return errSpamTooFast
	case age > spamMaxAge:
		return errSpamTooOld
	}
	return nil
}

// allow counts a submission from ip at now and reports whether it is within
// the limit.
func (a *antiSpam) allow(ip string, now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	recent := a.ips[ip][:0:0]
	for _, t := range a.ips[ip] {
		if now.Sub(t) < spamWindow {
			recent = append(recent, t)
		}
	}
	if len(recent) >= spamPerIP {
		a.ips[ip] = recent
		return false
	}
	if len(a.ips) >= spamMaxIPs {
		a.forget(now)
	}
	a.ips[ip] = append(recent, now)
	return true
}

// forget drops the addresses with no report within the window, and all of
// them if that is not enough (a flood of addresses must not grow memory).
func (a *antiSpam) forget(now time.Time) {
	for ip, times := range a.ips {
		if len(times) == 0 || now.Sub(times[len(times)-1]) >= spamWindow {
			delete(a.ips, ip)
		}
	}
	if len(a.ips) >= spamMaxIPs {
		a.ips = map[string][]time.Time{}
	}
}
