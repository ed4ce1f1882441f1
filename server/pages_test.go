package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// One fixture serves every read-only page test: they run in parallel on it.
func TestPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})
	tests := []struct {
		name, url string
		want      []string
		unwanted  []string
	}{
		{"home", "/", []string{
			`<title>Annuaire de test`,
			`<form class="recherche-principale" role="search" action="/recherche" method="get">`,
			`<input id="q-accueil" name="q" type="search"`,
			// thématiques entry points with their counts (the hostile service counts too)
			`<a href="/recherche?thematique_groupe=equipement-et-alimentation">Équipement et alimentation <span class="compte">(3)</span></a>`,
			`<a href="/recherche?thematique_groupe=difficultes-administratives-ou-juridiques">Difficultés administratives ou juridiques <span class="compte">(1)</span></a>`,
			// recent services
			`<h3><a href="/services/epicerie-sociale-cluny">Épicerie sociale et solidaire de Cluny</a></h3>`,
			`<span>CCAS de Cluny · Cluny</span>`,
			`4 services, 1 structures et 1 guides pratiques.`,
		}, []string{"Service &lt;b&gt;invalide", "Service <b>invalide"}},

		{"service", "/services/epicerie-sociale-cluny", []string{
			`<h1 id="titre-page">Épicerie sociale et solidaire de Cluny</h1>`,
			`<p class="porteur">Proposé par <a href="/structures/ccas-cluny">CCAS de Cluny</a></p>`,
			`<li class="etiquette">Alimentation</li>`,
			`<dt>Publics</dt><dd>Familles</dd>`,
			`<dt>Conditions d&#39;accès</dt><dd>Reste à vivre inférieur au barème du CCAS.</dd>`,
			`<p>Payant — 10 à 30 % du prix en magasin.</p>`,
			`<address>7 place du Marché<br>71250 Cluny</address>`,
			`<tr><th scope="row">Mardi</th><td>14:00–17:30</td></tr>`,
			`<tr><th scope="row">Lundi</th><td>Fermé</td></tr>`,
			// Tuesday 10:00: closed until 14:00
			`<p class="ouverture ouverture-ferme"><strong>Fermé en ce moment</strong></p>`,
			`<a href="tel:03%2085%2099%2000%2011">03 85 99 00 11</a>`,
			`<a href="mailto:epicerie@cluny.example.org">epicerie@cluny.example.org</a>`,
			`<a href="https://cluny.example.org/epicerie" rel="noopener nofollow">`,
			`<dt>Langues parlées</dt><dd>français, arabe</dd>`,
			`Informations vérifiées le 15 septembre 2026`,
			`modifié le 2 octobre 2026`,
			// the current temporary information as a banner
			`<div class="alerte alerte-info" role="status"><p><strong>Fermeture</strong> du 20 novembre 2026 au 30 novembre 2026 : Inventaire annuel : épicerie fermée.</p></div>`,
			// body, with its wiki link resolved
			`Produits alimentaires et d&#39;hygiène à petit prix`,
			`<a href="/pages/aide-alimentaire">l&#39;aide alimentaire dans le Clunisois</a>`,
			// backlinks
			`<h2 id="retroliens-titre">Pages qui mènent ici</h2>`,
			`<li><a href="/pages/aide-alimentaire">Aide alimentaire dans le Clunisois</a></li>`,
			`<a href="/services/epicerie-sociale-cluny/historique">Historique</a>`,
		}, []string{"Ancien message périmé", "alerte-attention", "alerte-erreur", "À vérifier"}},

		{"suspended service", "/services/domiciliation-cluny", []string{
			`<h1 id="titre-page">Domiciliation administrative</h1>`,
			`<div class="alerte alerte-attention" role="status"><p><strong>Service suspendu</strong> Ce service est suspendu`,
			`<p>Gratuit</p>`,
			// no verifie_le: never verified, and flagged
			`Informations jamais vérifiées par la structure <span class="etiquette etiquette-attention">À vérifier</span>`,
			// no hours of its own: the structure's
			`<tr><th scope="row">Lundi</th><td>09:00–12:00</td></tr>`,
			`<address>5 rue de la Levée<br>71250 Cluny</address>`,
		}, nil},

		{"closed service", "/services/vestiaire-cluny", []string{
			`<div class="alerte alerte-erreur" role="status"><p><strong>Service fermé</strong> Ce service a fermé`,
			`<li class="etiquette">Habillement</li>`,
		}, nil},

		{"structure", "/structures/ccas-cluny", []string{
			`<h1 id="titre-page">CCAS de Cluny</h1>`,
			`Le centre communal d&#39;action sociale de Cluny reçoit sans condition.`,
			`<address>5 rue de la Levée<br>71250 Cluny</address>`,
			`<tr><th scope="row">Vendredi</th><td>09:00–12:00</td></tr>`,
			`<p class="ouverture ouverture-ok"><strong>Ouvert maintenant</strong></p>`,
			`<a href="tel:03%2085%2099%2012%2034">03 85 99 12 34</a>`,
			`Informations vérifiées le 15 septembre 2026`,
			`<h3><a href="/services/epicerie-sociale-cluny">Épicerie sociale et solidaire de Cluny</a></h3>`,
			`<h3><a href="/services/domiciliation-cluny">Domiciliation administrative</a></h3>`,
			`<h3><a href="/services/vestiaire-cluny">Vestiaire solidaire</a></h3>`,
			`<span class="etiquette etiquette-attention">Service suspendu</span>`,
			`<span class="etiquette etiquette-erreur">Service fermé</span>`,
		}, []string{"/services/invalide"}},

		{"wiki page", "/pages/aide-alimentaire", []string{
			`<h1 id="titre-page">Aide alimentaire dans le Clunisois</h1>`,
			`<li class="etiquette">alimentation</li><li class="etiquette">Clunisois</li>`,
			`<a href="/services/epicerie-sociale-cluny">l&#39;épicerie sociale</a>`,
			`<li><a href="/services/epicerie-sociale-cluny">Épicerie sociale et solidaire de Cluny</a></li>`,
			`lien [[pages/manquante]] : cette page n&#39;existe pas (encore)`,
		}, nil},

		{"structures", "/structures", []string{
			`<h1>Toutes les structures</h1>`,
			`<p>1 page(s).</p>`,
			`<li><a href="/structures/ccas-cluny">CCAS de Cluny</a>`,
		}, []string{"/services/"}},

		{"pages", "/pages", []string{
			`<h1>Guides pratiques</h1>`,
			`<li><a href="/pages/aide-alimentaire">Aide alimentaire dans le Clunisois</a>`,
		}, []string{"/structures/ccas-cluny"}},

		{"problems", "/problemes", []string{
			`<h1>Contrôle du contenu</h1>`,
			`<code>services/invalide.md:5</code>`,
			`<code>site_web</code>`,
			`n&#39;est pas une adresse web valide`,
			`<code>pages/aide-alimentaire.md</code>`,
			`Avertissement`,
		}, nil},

		{"changes", "/modifications", []string{
			`<h1>Modifications récentes</h1>`,
			`23 novembre 2026 à 09:`,
			`<a href="/services/epicerie-sociale-cluny">Épicerie sociale et solidaire de Cluny</a>`,
			`<a href="/structures/ccas-cluny">CCAS de Cluny</a>`,
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := f.page(tt.url)
			contains(t, tt.url, body, tt.want...)
			lacks(t, tt.url, body, tt.unwanted...)
		})
	}
}

func TestWikiRedLink(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})
	body := f.page("/pages/aide-alimentaire")
	redLink := regexp.MustCompile(`<a href="/pages/manquante"[^>]*class="lien-rouge"[^>]*>une page à écrire</a>`)
	if !redLink.MatchString(body) {
		t.Errorf("no red link to pages/manquante in\n%s", body)
	}
	// An existing page is an ordinary link.
	if strings.Contains(body, `<a href="/services/epicerie-sociale-cluny" class="lien-rouge"`) {
		t.Error("link to an existing page is red")
	}

	// Following the red link: a 404 that offers to create the page.
	r := f.get("/pages/manquante")
	if r.status != http.StatusNotFound {
		t.Fatalf("GET /pages/manquante: status %d, want 404", r.status)
	}
	contains(t, "missing page", r.body, "<h1>Page introuvable</h1>", "La page « pages/manquante » n&#39;existe pas encore.")

	// Once the page exists, the link turns blue and the page lists its backlink.
	f.commit("Créer la page manquante", map[string]string{
		"pages/manquante.md": "---\ntitre: \"Page enfin écrite\"\n---\nLe contenu.\n",
	})
	f.refresh()
	body = f.page("/pages/aide-alimentaire")
	if redLink.MatchString(body) || strings.Contains(body, "lien-rouge") {
		t.Error("link still red after the page was created")
	}
	target := f.page("/pages/manquante")
	contains(t, "created page", target, `<h1 id="titre-page">Page enfin écrite</h1>`,
		`<h2 id="retroliens-titre">Pages qui mènent ici</h2>`,
		`<li><a href="/pages/aide-alimentaire">Aide alimentaire dans le Clunisois</a></li>`)
}

// A file that does not validate is not published: its URL says so.
func TestInvalidPageNotPublished(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})
	r := f.get("/services/invalide")
	if r.status != http.StatusNotFound {
		t.Fatalf("status %d, want 404", r.status)
	}
	contains(t, "invalid page", r.body, "<h1>Page non publiée</h1>", "contient des erreurs de format")
	lacks(t, "invalid page", r.body, "Service <b>invalide</b>")
}

func TestHealth(t *testing.T) {
	t.Parallel()
	f := newFixture(t, options{})
	var h struct {
		Status   string `json:"status"`
		Revision string `json:"revision"`
		Indexed  bool   `json:"indexed"`
		Services int    `json:"services"`
	}
	if status := f.json("/healthz", &h); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	head, err := f.store.Head(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if h.Status != "ok" || h.Revision != string(head) || !h.Indexed || h.Services != 4 {
		t.Errorf("healthz = %+v, want ok at %s, indexed, 4 services", h, head)
	}
}
