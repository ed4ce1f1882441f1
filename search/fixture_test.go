package search

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/territory"
)

var (
	terrOnce sync.Once
	terrDir  *territory.Directory
	terrErr  error
)

func testTerritory(t testing.TB) *territory.Directory {
	t.Helper()
	terrOnce.Do(func() { terrDir, terrErr = territory.Load() })
	if terrErr != nil {
		t.Fatal(terrErr)
	}
	return terrDir
}

// fakeCatalog is a hand-made catalogue for small fixtures.
type fakeCatalog struct {
	rev  content.Revision
	docs []*content.Document
	syn  [][]string
}

func (c *fakeCatalog) Revision() content.Revision { return c.rev }
func (c *fakeCatalog) Synonyms() [][]string       { return c.syn }
func (c *fakeCatalog) Docs(k content.Kind) []*content.Document {
	var out []*content.Document
	for _, d := range c.docs {
		if d.Path.Kind() == k {
			out = append(out, d)
		}
	}
	return out
}

func (c *fakeCatalog) Doc(p content.Path) (*content.Document, bool) {
	for _, d := range c.docs {
		if d.Path == p {
			return d, true
		}
	}
	return nil, false
}

func (c *fakeCatalog) StructureOf(svc *content.Document) (*content.Document, bool) {
	if svc.Service == nil {
		return nil, false
	}
	return c.Doc(content.Path("structures/" + svc.Service.Structure))
}

func (c *fakeCatalog) ServicesOf(slug string) []*content.Document {
	var out []*content.Document
	for _, d := range c.docs {
		if d.Service != nil && d.Service.Structure == slug {
			out = append(out, d)
		}
	}
	return out
}

func (c *fakeCatalog) set(d *content.Document) {
	for i, e := range c.docs {
		if e.Path == d.Path {
			c.docs[i] = d
			return
		}
	}
	c.docs = append(c.docs, d)
}

func (c *fakeCatalog) remove(p content.Path) {
	for i, e := range c.docs {
		if e.Path == p {
			c.docs = append(c.docs[:i], c.docs[i+1:]...)
			return
		}
	}
}

func ptr[T any](v T) *T { return &v }

func structure(slug, nom, insee string, lat, lon float64, reseaux ...string) *content.Document {
	return &content.Document{
		Path: content.Path("structures/" + slug),
		Structure: &content.Structure{Nom: nom, ReseauxPorteurs: reseaux, Address: content.Address{
			CodeInsee: insee, Latitude: ptr(lat), Longitude: ptr(lon)}, HorairesAccueil: "Mo-Fr 09:00-17:00"},
		Body: nom + " accueille le public.",
	}
}

// service makes a service; edit sets the rest.
func service(slug, nom, st string, them []string, body string, edit func(*content.Service)) *content.Document {
	s := &content.Service{Nom: nom, Structure: st, Thematiques: them, Frais: "gratuit",
		Publics: []string{"tous-publics"}, Types: []string{"accompagnement"}, ModesAccueil: []string{"en-presentiel"},
		VerifieLe: content.Date{Year: 2026, Month: 9, Day: 1}}
	if edit != nil {
		edit(s)
	}
	return &content.Document{Path: content.Path("services/" + slug), Service: s, Body: body}
}

const (
	themAlim  = "equipement-et-alimentation--alimentation"
	themDroit = "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits"
	themDette = "difficultes-financieres--situation-dendettement-surendettement"
	themHeb   = "logement-hebergement--rechercher-une-solution-dhebergement-temporaire"
	themPMI   = "famille--soutien-a-la-parentalite-et-a-leducation"
)

// fixture is a small directory around Cluny (71137) and Mâcon (71270).
func fixture() *fakeCatalog {
	c := &fakeCatalog{rev: "rev1"}
	c.docs = []*content.Document{
		structure("ccas-cluny", "CCAS de Cluny", "71137", 46.434, 4.659, "ccas-cias"),
		structure("ccas-macon", "CCAS de Mâcon", "71270", 46.306, 4.832, "ccas-cias"),
		structure("restos-macon", "Restos du cœur de Mâcon", "71270", 46.31, 4.83, "restos-du-coeur"),
		structure("pcb-chalon", "Point conseil budget de Chalon", "71076", 46.78, 4.85, "points-conseil-budget"),
		service("epicerie-cluny", "Épicerie sociale et solidaire de Cluny", "ccas-cluny", []string{themAlim},
			"Produits alimentaires et d'hygiène à petit prix, sur orientation d'un travailleur social.", func(s *content.Service) {
				s.Frais = "payant"
				s.Publics = []string{"familles"}
				s.HorairesAccueil = "Tu,Th 14:00-17:30; PH off"
				s.Pro = &content.Pro{Notes: "Code portail zorglubette", Telephone: "03 99 00 00 01"}
			}),
		service("domiciliation-cluny", "Domiciliation administrative", "ccas-cluny", []string{themDroit},
			"Élection de domicile pour les personnes sans domicile stable : réception du courrier.", func(s *content.Service) {
				s.HorairesAccueil = "Mo-Fr 09:00-12:00"
			}),
		service("colis-macon", "Distribution de colis", "restos-macon", []string{themAlim},
			"Colis de denrées alimentaires gratuits pendant la campagne d'hiver.", func(s *content.Service) {
				s.HorairesAccueil = "Mo-Su 19:00-02:00"
				s.ModesAccueil = []string{"en-presentiel", "a-distance"}
			}),
		service("hebergement-macon", "Hébergement d'urgence", "ccas-macon", []string{themHeb},
			"Mise à l'abri pour la nuit via le 115.", func(s *content.Service) {
				s.HorairesAccueil = "24/7"
				s.Publics = []string{"personnes-en-situation-durgence"}
			}),
		service("surendettement-chalon", "Conseil budgétaire et surendettement", "pcb-chalon", []string{themDette},
			"Monter un dossier de surendettement à la Banque de France.", func(s *content.Service) {
				s.ZoneEligibilite = []string{"71"}
				s.HorairesAccueil = "n'importe quand sauf les jours de pluie"
			}),
		service("pmi-suspendue", "Protection maternelle et infantile", "ccas-macon", []string{themPMI},
			"Consultations pour les enfants de moins de 6 ans.", func(s *content.Service) {
				s.Statut = content.StatutSuspendu
			}),
		service("ete-cluny", "Sorties d'été en famille", "ccas-cluny", []string{"remobilisation--activites-sportives-et-culturelles"},
			"Des journées à la mer pendant l'été.", func(s *content.Service) {
				s.HorairesAccueil = "Mo-Fr 09:00-12:00"
				s.InfosTemporaires = []content.InfoTemporaire{{Du: content.Date{Year: 2026, Month: 11, Day: 20},
					Au: content.Date{Year: 2026, Month: 11, Day: 30}, Type: content.InfoFermeture}}
			}),
		{Path: "pages/aide-alimentaire", Page: &content.WikiPage{Titre: "Aide alimentaire : où orienter", Tags: []string{"alimentation"}},
			Body: "Colis, épiceries solidaires, repas : [[services/epicerie-cluny|l'épicerie de Cluny]]."},
	}
	return c
}

// openTest opens an index in dir with a fixed clock.
func openTest(t testing.TB, dir string, now time.Time) *Index {
	t.Helper()
	ix, err := Open(context.Background(), Config{
		Dir: dir, Territory: testTerritory(t), Refs: testRefs(t),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// fixtureIndex returns an index of fixture() synced in full.
func fixtureIndex(t testing.TB, now time.Time) (*Index, *fakeCatalog, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index")
	ix := openTest(t, dir, now)
	t.Cleanup(func() { ix.Close() })
	cat := fixture()
	if err := ix.sync(context.Background(), cat, nil); err != nil {
		t.Fatal(err)
	}
	return ix, cat, dir
}

func paths(r *Results) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.Path)
	}
	return out
}

func mustSearch(t testing.TB, ix *Index, q Query) *Results {
	t.Helper()
	r, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return r
}
