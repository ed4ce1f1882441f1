package server_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/proposals"
)

// testClock is a server clock the test moves.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// testSecret is the servers' secret in tests, so that a test can sign a
// report form's time stamp as the server does.
var testSecret = []byte("secret des serveurs de test, 32 octets au moins")

// reportStamp is a genuine time stamp of a report form shown at t.
func reportStamp(t time.Time) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	m := hmac.New(sha256.New, testSecret)
	m.Write([]byte("signalement\x00" + ts))
	return ts + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

var stampRE = regexp.MustCompile(`name="horodatage" value="([^"]+)"`)

// reportForm shows the report form of page to cl and returns its fields.
func reportForm(cl *client, page string) url.Values {
	cl.f.t.Helper()
	r := cl.get(page + "/signaler")
	m := stampRE.FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil {
		cl.f.t.Fatalf("%s/signaler: %d, no time stamp", page, r.status)
	}
	return url.Values{"horodatage": {m[1]}}
}

func TestReport(t *testing.T) {
	clock := &testClock{t: now}
	f := newFixture(t, options{noSearch: true, accounts: true, clock: clock.now})
	cl := f.anonymous()
	const page = "/services/epicerie-sociale-cluny"
	contains(t, "service page", f.page(page), `href="/services/epicerie-sociale-cluny/signaler"`)
	form := reportForm(cl, page)
	if got := form.Get("horodatage"); got != reportStamp(now) {
		t.Fatalf("stamp %q, want %q: reportStamp no longer signs as the server does", got, reportStamp(now))
	}
	form.Set("texte", "Le téléphone ne répond plus.")
	form.Set("contact", "temoin-contact@example.org")

	refused := func(what string, status int, form url.Values, want string) {
		t.Helper()
		r := cl.post(page+"/signaler", form)
		if r.status != status {
			t.Errorf("%s: status %d, want %d", what, r.status, status)
		}
		contains(t, what, r.body, want, "Le téléphone ne répond plus.", `role="alert"`)
	}
	refused("too fast", http.StatusUnprocessableEntity, form, "envoyé trop vite")
	clock.advance(10 * time.Second)

	pot := cloneValues(form)
	pot.Set("site_internet", "http://spam.example")
	refused("honeypot", http.StatusUnprocessableEntity, pot, "un champ réservé a été rempli")

	forged := cloneValues(form)
	ts, mac, _ := strings.Cut(form.Get("horodatage"), ".")
	sec, _ := strconv.ParseInt(ts, 10, 64)
	forged.Set("horodatage", strconv.FormatInt(sec-60, 10)+"."+mac) // an older time with the same signature
	refused("forged", http.StatusUnprocessableEntity, forged, "formulaire n&#39;est pas valable")
	refused("no stamp", http.StatusUnprocessableEntity, url.Values{"texte": {"Le téléphone ne répond plus."}}, "formulaire n&#39;est pas valable")

	empty := cloneValues(form)
	empty.Set("texte", "   ")
	r := cl.post(page+"/signaler", empty)
	contains(t, "empty", r.body, "Décrivez ce qui ne va pas", `aria-invalid="true"`, `aria-describedby="texte-aide texte-erreur"`, `href="#texte"`)
	long := cloneValues(form)
	long.Set("texte", strings.Repeat("é", 2001))
	if r := cl.post(page+"/signaler", long); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "trop long") {
		t.Errorf("too long: %d", r.status)
	}
	// 150 characters, but 300 bytes: over the queue's limit, which counts
	// bytes; refused on the form, not a 500 once the queue refuses it.
	wide := cloneValues(form)
	wide.Set("contact", strings.Repeat("é", 150))
	if r := cl.post(page+"/signaler", wide); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="contact-erreur"`) {
		t.Errorf("contact of 300 bytes: %d\n%.400s", r.status, r.body)
	}

	clock.advance(3 * time.Hour)
	refused("too old", http.StatusUnprocessableEntity, form, "Le formulaire a expiré")

	// A fresh form goes through.
	form.Set("horodatage", reportForm(cl, page).Get("horodatage"))
	clock.advance(10 * time.Second)
	r = cl.post(page+"/signaler", form)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != page+"/signaler?envoye=1" {
		t.Fatalf("report: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	contains(t, "thanks", cl.get(page+"/signaler?envoye=1").body, "votre signalement a bien été envoyé")
	got, err := f.queue.List(context.Background(), proposals.Filter{})
	if err != nil || len(got) != 1 {
		t.Fatalf("queue = %+v, %v", got, err)
	}
	if p := got[0]; p.Kind != proposals.Report || p.Path != "services/epicerie-sociale-cluny" ||
		p.Text != "Le téléphone ne répond plus." || p.Contact != "temoin-contact@example.org" || p.Status != proposals.Open {
		t.Errorf("report = %+v", p)
	}
	// The reporter's contact is published nowhere.
	for _, u := range []string{page, page + "/historique", "/modifications", "/modifications.atom", "/structures/ccas-cluny"} {
		lacks(t, u, f.get(u).body, "temoin-contact@example.org")
	}
	// Not even when the report's own commit is asked for by its hash.
	refs, err := f.store.Refs(context.Background(), "refs/propositions/")
	if err != nil || len(refs) != 1 {
		t.Fatalf("proposal refs = %v, %v", refs, err)
	}
	head, err := f.store.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, rev := range refs {
		for _, u := range []string{page + "/revision/" + string(rev), page + "/diff?de=" + string(rev) + "&a=" + string(head), page + "/diff?de=" + string(head) + "&a=" + string(rev)} {
			r := f.get(u)
			if r.status != http.StatusNotFound {
				t.Errorf("%s: %d, want 404 for a proposal's commit", u, r.status)
			}
			lacks(t, u, r.body, "temoin-contact@example.org")
		}
	}

	// The limit per address: five reports in ten minutes.
	for i := 2; i <= 6; i++ {
		r := cl.post(page+"/signaler", form)
		if want := http.StatusSeeOther; i == 6 {
			if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "Trop de signalements") {
				t.Errorf("report %d: %d, want 429", i, r.status)
			}
		} else if r.status != want {
			t.Errorf("report %d: %d, want %d", i, r.status, want)
		}
	}
	clock.advance(11 * time.Minute)
	form.Set("horodatage", reportForm(cl, page).Get("horodatage"))
	clock.advance(5 * time.Second)
	if r := cl.post(page+"/signaler", form); r.status != http.StatusSeeOther {
		t.Errorf("after the window: %d", r.status)
	}

	for _, u := range []string{"/pages/aide-alimentaire/signaler", "/services/inconnu/signaler", "/services/..%2Fx/signaler"} {
		if r := f.get(u); r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", u, r.status)
		}
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
