package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
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

// post sends a form through the Fiber handler.
func (f *fixture) post(target string, form url.Values, headers ...string) response {
	f.t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return f.do(req)
}

var stampRE = regexp.MustCompile(`name="horodatage" value="([^"]+)"`)

// reportForm shows the report form of page and returns its fields.
func (f *fixture) reportForm(page string) url.Values {
	f.t.Helper()
	m := stampRE.FindStringSubmatch(f.page(page + "/signaler"))
	if m == nil {
		f.t.Fatalf("%s/signaler: no time stamp", page)
	}
	return url.Values{"horodatage": {m[1]}}
}

func TestReport(t *testing.T) {
	clock := &testClock{t: now}
	f := newFixture(t, options{noSearch: true, clock: clock.now})
	const page = "/services/epicerie-sociale-cluny"
	contains(t, "service page", f.page(page), `href="/services/epicerie-sociale-cluny/signaler"`)
	form := f.reportForm(page)
	form.Set("texte", "Le téléphone ne répond plus.")
	form.Set("contact", "temoin-contact@example.org")

	refused := func(what string, status int, form url.Values, want string) {
		t.Helper()
		r := f.post(page+"/signaler", form)
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
	r := f.post(page+"/signaler", empty)
	contains(t, "empty", r.body, "Décrivez ce qui ne va pas", `aria-invalid="true"`, `aria-describedby="texte-aide texte-erreur"`, `href="#texte"`)
	long := cloneValues(form)
	long.Set("texte", strings.Repeat("é", 2001))
	if r := f.post(page+"/signaler", long); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "trop long") {
		t.Errorf("too long: %d", r.status)
	}

	clock.advance(3 * time.Hour)
	refused("too old", http.StatusUnprocessableEntity, form, "Le formulaire a expiré")

	// A fresh form goes through.
	form.Set("horodatage", f.reportForm(page).Get("horodatage"))
	clock.advance(10 * time.Second)
	r = f.post(page+"/signaler", form)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != page+"/signaler?envoye=1" {
		t.Fatalf("report: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	contains(t, "thanks", f.page(page+"/signaler?envoye=1"), "votre signalement a bien été envoyé")
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

	// The limit per address: five reports in ten minutes.
	for i := 2; i <= 6; i++ {
		r := f.post(page+"/signaler", form)
		if want := http.StatusSeeOther; i == 6 {
			if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "Trop de signalements") {
				t.Errorf("report %d: %d, want 429", i, r.status)
			}
		} else if r.status != want {
			t.Errorf("report %d: %d, want %d", i, r.status, want)
		}
	}
	clock.advance(11 * time.Minute)
	form.Set("horodatage", f.reportForm(page).Get("horodatage"))
	clock.advance(5 * time.Second)
	if r := f.post(page+"/signaler", form); r.status != http.StatusSeeOther {
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
