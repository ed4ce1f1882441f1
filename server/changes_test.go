package server_test

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/content"
)

// commitAs commits writes on the tip as author.
func (f *fixture) commitAs(author content.Author, message string, writes map[string]string) content.Commit {
	f.t.Helper()
	ctx := context.Background()
	head, err := f.store.Head(ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	ch := content.Change{Base: head, Author: author, Message: message, Writes: map[string][]byte{}}
	for name, text := range writes {
		ch.Writes[name] = []byte(text)
	}
	cm, err := f.store.Commit(ctx, ch)
	if err != nil {
		f.t.Fatal(err)
	}
	return cm
}

const otherStructure = "---\nnom: \"Mission locale de Mâcon\"\n---\nAccueil des jeunes.\n"

// changesFixture has commits by two authors on two structures.
func changesFixture(t *testing.T) *fixture {
	f := newFixture(t, options{noSearch: true})
	svc := "services/epicerie-sociale-cluny.md"
	f.commitAs(content.Author{Name: "Zoé Durand", Email: "zoe@example.org"}, "Mission locale ajoutée",
		map[string]string{"structures/mission-locale-macon.md": otherStructure})
	f.commitAs(content.Author{Name: "Yann Petit", Email: "yann@example.org"}, "Horaires de l'épicerie",
		map[string]string{svc: strings.Replace(fixtureFile(svc), "Tu,Th 14:00-17:30", "Tu,Th 14:00-18:00", 1)})
	f.commitAs(content.Author{Name: "Yann Petit", Email: "yann@example.org"}, "Note pro de l'épicerie",
		map[string]string{svc: strings.Replace(fixtureFile(svc), proNote, proNote+"-NOUVELLE-NOTE-PRO", 1)})
	f.refresh()
	return f
}

func TestChangesFilters(t *testing.T) {
	f := changesFixture(t)
	all := f.page("/modifications")
	contains(t, "all changes", all, "Mission locale ajoutée", "Horaires de l&#39;épicerie",
		`<link rel="alternate" type="application/atom+xml"`, `href="/modifications.atom"`,
		`<option value="ccas-cluny"`, `<option value="mission-locale-macon"`, "<option >Yann Petit</option>")

	byStructure := f.page("/modifications?structure=ccas-cluny")
	contains(t, "by structure", byStructure, "Horaires de l&#39;épicerie", `<option value="ccas-cluny" selected>`,
		`href="/modifications.atom?structure=ccas-cluny"`)
	lacks(t, "by structure", byStructure, "Mission locale ajoutée")

	byAuthor := f.page("/modifications?auteur=" + url.QueryEscape("zoé durand"))
	contains(t, "by author", byAuthor, "Mission locale ajoutée")
	lacks(t, "by author", byAuthor, "Horaires de l&#39;épicerie")

	none := f.page("/modifications?structure=mission-locale-macon&auteur=" + url.QueryEscape("Yann Petit"))
	lacks(t, "no match", none, "Mission locale ajoutée", "Horaires de l&#39;épicerie")
	// Hostile filter values are only echoed escaped.
	hostile := f.page("/modifications?auteur=" + url.QueryEscape(`"><script>alert(1)</script>`))
	lacks(t, "hostile", hostile, "<script>alert(1)")
}

// atom mirrors the parts of RFC 4287 the test checks.
type atom struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Author struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Author  struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Link struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Content struct {
			Type string `xml:"type,attr"`
			Body string `xml:",chardata"`
		} `xml:"content"`
	} `xml:"entry"`
}

func TestFeed(t *testing.T) {
	f := changesFixture(t)
	r := f.get("/modifications.atom")
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("feed: %d %s", r.status, r.header.Get("Content-Type"))
	}
	var feed atom
	if err := xml.Unmarshal([]byte(r.body), &feed); err != nil {
		t.Fatalf("feed is not valid XML: %v\n%s", err, r.body)
	}
	if feed.ID == "" || feed.Title == "" || feed.Author.Name == "" || len(feed.Entries) != 4 {
		t.Fatalf("feed = %+v", feed)
	}
	if _, err := time.Parse(time.RFC3339, feed.Updated); err != nil {
		t.Errorf("feed updated %q: %v", feed.Updated, err)
	}
	hasSelf := false
	for _, l := range feed.Links {
		hasSelf = hasSelf || l.Rel == "self" && strings.HasSuffix(l.Href, "/modifications.atom")
	}
	if !hasSelf {
		t.Errorf("no self link: %+v", feed.Links)
	}
	ids := map[string]bool{}
	for _, e := range feed.Entries {
		if e.ID == "" || ids[e.ID] || e.Title == "" || e.Author.Name == "" || e.Link.Href == "" || e.Content.Type != "html" {
			t.Errorf("entry = %+v", e)
		}
		ids[e.ID] = true
		if _, err := time.Parse(time.RFC3339, e.Updated); err != nil {
			t.Errorf("entry updated %q: %v", e.Updated, err)
		}
	}
	hours := feed.Entries[1]
	if hours.Title != "Horaires de l'épicerie" || hours.Author.Name != "Yann Petit" ||
		!strings.Contains(hours.Link.Href, "/services/epicerie-sociale-cluny/diff?de=") ||
		!strings.Contains(hours.Content.Body, `+ horaires_accueil: &#34;Tu,Th 14:00-18:00; PH off&#34;`) {
		t.Errorf("hours entry = %+v", hours)
	}
	// The link leads to the public diff.
	u, _ := url.Parse(hours.Link.Href)
	contains(t, "diff from the feed", f.page(u.RequestURI()), "14:00-18:00")
	// A change of pro: only shows nothing of it.
	lacks(t, "feed", r.body, proNote, proPhone, proMail, proStructure, "NOUVELLE-NOTE-PRO")

	filtered := f.get("/modifications.atom?auteur=" + url.QueryEscape("Zoé Durand"))
	var ff atom
	if err := xml.Unmarshal([]byte(filtered.body), &ff); err != nil || len(ff.Entries) != 1 || ff.Entries[0].Title != "Mission locale ajoutée" {
		t.Errorf("filtered feed = %+v, %v", ff, err)
	}
	// Cached: the same ETag, and 304 when the client has it.
	again := f.get("/modifications.atom")
	if again.body != r.body || again.header.Get("ETag") == "" {
		t.Error("second read differs")
	}
	if nm := f.get("/modifications.atom", "If-None-Match", r.header.Get("ETag")); nm.status != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", nm.status)
	}
}
