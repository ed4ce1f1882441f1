package server_test

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestShareLinks checks the e-mail and SMS links of a service page: the
// summary a person needs, percent-encoded so every mail and SMS app reads
// it the same, and nothing for professionals only.
func TestShareLinks(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})
	body := f.page("/services/epicerie-sociale-cluny")
	want := strings.Join([]string{
		"Épicerie sociale et solidaire de Cluny",
		"Adresse : 7 place du Marché, 71250 Cluny",
		"Horaires : Mardi 14:00–17:30 ; Jeudi 14:00–17:30",
		"Téléphone : 03 85 99 00 11",
		"http://example.com/services/epicerie-sociale-cluny",
	}, "\n")

	mail := linkTo(t, body, "Envoyer par courriel")
	sms := linkTo(t, body, "Envoyer par SMS")
	for _, raw := range []string{mail, sms} {
		if strings.ContainsAny(raw, " \n\r+") {
			t.Errorf("%.20s…: raw space, line break or plus sign in %q", raw, raw)
		}
		lacks(t, "share link", raw, proPhone, url.PathEscape(proPhone), proMail, url.QueryEscape(proMail), proNote)
	}
	query, ok := strings.CutPrefix(mail, "mailto:?")
	if !ok {
		t.Fatalf("mail link %q", mail)
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	if q.Get("subject") != "Épicerie sociale et solidaire de Cluny" {
		t.Errorf("subject = %q", q.Get("subject"))
	}
	if got := q.Get("body"); got != strings.ReplaceAll(want, "\n", "\r\n") {
		t.Errorf("mail body = %q, want %q (lines ended by CRLF)", got, want)
	}
	query, ok = strings.CutPrefix(sms, "sms:?&")
	if !ok {
		t.Fatalf("sms link %q", sms)
	}
	if q, err = url.ParseQuery(query); err != nil || q.Get("body") != want {
		t.Errorf("sms body = %q, %v; want %q", q.Get("body"), err, want)
	}
	// The same text, to copy by hand or with the button, which only
	// shows with JavaScript and says it copied through a status region.
	contains(t, "share", body, "<pre id=\"partage-texte\">"+strings.ReplaceAll(want, "'", "&#39;")+"</pre>",
		`<button type="button" id="copier" data-ok="Texte copié : collez-le dans un message."`,
		`hidden>Copier le texte</button>`, `<p id="partage-etat" role="status"></p>`,
		`<a href="/services/epicerie-sociale-cluny/fiche">Imprimer la fiche à remettre</a>`)

	// A suspended service says so; its structure's address, hours and
	// phone stand in for its own.
	body = f.page("/services/domiciliation-cluny")
	if got, want := preText(t, body), strings.Join([]string{
		"Domiciliation administrative",
		"Service suspendu",
		"Adresse : 5 rue de la Levée, 71250 Cluny",
		"Horaires : Lundi 09:00–12:00 ; Mardi 09:00–12:00 ; Mercredi 09:00–12:00 ; Jeudi 09:00–12:00 ; Vendredi 09:00–12:00",
		"http://example.com/services/domiciliation-cluny",
	}, "\n"); got != want {
		t.Errorf("suspended service text = %q, want %q", got, want)
	}
}

// linkTo returns the href of the link whose text is label.
func linkTo(t testing.TB, body, label string) string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var href string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "a" && n.FirstChild != nil && n.FirstChild.Data == label {
			href = attr(n, "href")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if href == "" {
		t.Fatalf("no link %q", label)
	}
	return href
}

// preText returns the text of the share block.
func preText(t testing.TB, body string) string {
	t.Helper()
	_, rest, ok := strings.Cut(body, `<pre id="partage-texte">`)
	text, _, ok2 := strings.Cut(rest, "</pre>")
	if !ok || !ok2 {
		t.Fatal("no share text")
	}
	return html.UnescapeString(text)
}
