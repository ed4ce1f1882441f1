package server_test

import (
	"image"
	"image/color"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

const sheetURL = "/services/epicerie-sociale-cluny/fiche"

// TestServiceSheet checks the printable sheet: every section a person
// needs, nothing for professionals only, no "open now" that paper would
// keep wrong, and a QR code that decodes to the service page.
func TestServiceSheet(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})
	body := f.page(sheetURL)
	contains(t, "sheet", body,
		`<h1 id="titre-page">Épicerie sociale et solidaire de Cluny</h1>`,
		`Proposé par CCAS de Cluny`,
		`<h2 id="f-quoi">Ce que propose le service</h2>`, "Produits alimentaires et d&#39;hygiène à petit prix",
		`<h2 id="f-qui">Pour qui</h2>`, "Reste à vivre inférieur au barème du CCAS.",
		`<h2 id="f-documents">Documents à apporter</h2>`, "<li>Justificatif de ressources</li>", "<li>Pièce d&#39;identité</li>",
		`<h2 id="f-comment">Comment y accéder</h2>`, "10 à 30 % du prix en magasin.", "arabe",
		`<h3>Où</h3>`, "7 place du Marché", "71250 Cluny",
		`<h3>Quand</h3>`, `<tr><th scope="row">Mardi</th><td>14:00–17:30</td></tr>`,
		`<h3>Contact</h3>`, `<a href="tel:03%2085%2099%2000%2011">03 85 99 00 11</a>`,
		"Inventaire annuel : épicerie fermée.", // the temporary closure
		`<button type="button" id="imprimer" hidden>Imprimer</button>`,
		`<a href="/services/epicerie-sociale-cluny">Retour à la page du service</a>`,
		`<meta name="robots" content="noindex">`,
		"http://example.com/services/epicerie-sociale-cluny")
	lacks(t, "sheet", body, proNote, proPhone, proMail, proStructure, "Ouvert maintenant", "Fermé en ce moment", "leaflet")
	if got := decodeQR(t, body); got != "http://example.com/services/epicerie-sociale-cluny" {
		t.Errorf("QR code reads %q", got)
	}
	contains(t, "sheet QR", body, `role="img" aria-label="Code QR menant à http://example.com/services/epicerie-sociale-cluny"`)

	for _, u := range []string{"/services/nope/fiche", "/structures/ccas-cluny/fiche", "/services/Bad_Slug/fiche"} {
		if r := f.get(u); r.status != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", u, r.status)
		}
	}
}

// TestSheetPublicURL checks where the QR code leads: the request's host
// (each host its own cached page), a forged host replaced, config.yaml's
// base_url once set.
func TestSheetPublicURL(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})
	for _, tt := range []struct{ header, value, want string }{
		{"Host", "annuaire.test:8080", "http://annuaire.test:8080/services/epicerie-sociale-cluny"},
		{"Host", "autre.test", "http://autre.test/services/epicerie-sociale-cluny"},
		{"X-Forwarded-Host", `evil.test"/><script>`, "http://localhost/services/epicerie-sociale-cluny"},
		{"X-Forwarded-Proto", "https", "https://example.com/services/epicerie-sociale-cluny"},
	} {
		req, _ := http.NewRequest(http.MethodGet, sheetURL, nil)
		req.Host = "example.com"
		if tt.header == "Host" {
			req.Host = tt.value
		} else {
			req.Header.Set(tt.header, tt.value)
		}
		r := f.do(req)
		if got := decodeQR(t, r.body); got != tt.want {
			t.Errorf("%s: %s: QR reads %q, want %q", tt.header, tt.value, got, tt.want)
		}
		lacks(t, "sheet with "+tt.header, r.body, "<script>")
	}
	f.commit("Adresse publique", map[string]string{".aiguillage/config.yaml": "nom: Annuaire\nbase_url: https://annuaire.example.org/\n"})
	f.refresh()
	if got := decodeQR(t, f.page(sheetURL)); got != "https://annuaire.example.org/services/epicerie-sociale-cluny" {
		t.Errorf("with base_url: QR reads %q", got)
	}
}

var (
	svgPattern = regexp.MustCompile(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 (\d+) (\d+)"[^>]*><rect[^>]*/><path d="([^"]+)" fill="#000"/></svg>`)
	runPattern = regexp.MustCompile(`^M(\d+) (\d+)h(\d+)v1h-(\d+)z`)
)

// decodeQR finds the page's SVG QR code, draws it as the browser would
// and reads it with a QR decoder.
func decodeQR(t testing.TB, body string) string {
	t.Helper()
	m := svgPattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no QR code SVG in the page")
	}
	side, _ := strconv.Atoi(m[1])
	const scale = 4
	img := image.NewGray(image.Rect(0, 0, side*scale, side*scale))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for d := m[3]; d != ""; {
		run := runPattern.FindStringSubmatch(d)
		if run == nil || run[3] != run[4] {
			t.Fatalf("QR path: unexpected %.40q", d)
		}
		x, _ := strconv.Atoi(run[1])
		y, _ := strconv.Atoi(run[2])
		n, _ := strconv.Atoi(run[3])
		for px := x * scale; px < (x+n)*scale; px++ {
			for py := y * scale; py < (y+1)*scale; py++ {
				img.SetGray(px, py, color.Gray{})
			}
		}
		d = strings.TrimPrefix(d, run[0])
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode QR code: %v", err)
	}
	return res.GetText()
}
