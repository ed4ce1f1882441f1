package server

import (
	"fmt"
	"html/template"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/territory"
)

// card is a page in a list: its title, a one-line summary, where.
type card struct {
	Title, URL, Summary, Commune string
	Statut                       *badge
}

type badge struct{ Class, Label string }

type labelled struct{ Value, Label string }

// place is where and when a service or structure receives people.
type place struct {
	content.Address
	content.Contact
	HoursRaw string
	Week     []dayHours
	OpenNow  *badge
	MapURL   string
	until    time.Time // when OpenNow may change; zero if unknown
}

type alert struct{ Class, Title, Text string }

type serviceView struct {
	Service                                    *content.Service
	Page                                       link
	Structure                                  *link
	Crumbs                                     []crumb
	HTML                                       template.HTML
	Thematiques                                []labelled
	Types, Publics, ModesAccueil               []string
	ModesMobilisation, MobilisablePar, Langues []string
	Zone                                       []string
	Frais, Ages                                string
	Place                                      place
	StatusAlert                                *alert
	Infos                                      []alert
	Problems                                   []content.Problem
	Backlinks                                  []link
	Pro                                        *content.Pro // nil unless the reader may see it (CanReadPro)
	Updated, Verified                          string
	Stale                                      bool
	Share                                      share
	Map                                        *mapData    // nil without coordinates
	JSONLD                                     template.JS // schema.org structured data, public fields only
}

// serviceView is the service page; public is its public URL, for the
// texts sent by e-mail or SMS.
func (s *Server) serviceView(c *fiber.Ctx, cat *snapshot, doc *content.Document, public string) (view, error) {
	data, err := s.serviceData(cat, doc)
	if err != nil {
		return view{}, err
	}
	data.Pro = s.proFor(c, doc)
	data.Share = s.share(doc.Title(), data.StatusAlert, data.Place, public)
	data.Map = s.newMap(cat.Config(), placePoint(data.Place, doc.Title(), ""))
	st, _ := cat.StructureOf(doc)
	stURL := ""
	if st != nil {
		stURL = s.publicURL(c, cat.Config(), st.Path.URL())
	}
	var categories []string
	for _, th := range data.Thematiques {
		categories = append(categories, th.Label)
	}
	data.JSONLD = ldScript(serviceLD(doc, st, public, stURL, s.summary(doc, 300), data.Place, categories))
	v := s.viewAt(c, cat, doc.Title(), data)
	v.Description = s.summary(doc, 160)
	v.expires = data.Place.until
	return v, nil
}

// serviceData is what the service page and its printable sheet show.
func (s *Server) serviceData(cat *snapshot, doc *content.Document) (serviceView, error) {
	svc := doc.Service
	html, err := s.renderBody(cat.Catalog, doc)
	if err != nil {
		return serviceView{}, err
	}
	refs := s.cfg.Refs
	data := serviceView{
		Service:           svc,
		Page:              link{Title: doc.Title(), URL: doc.Path.URL()},
		HTML:              html,
		Types:             labels(refs.Types, svc.Types),
		Publics:           labels(refs.Publics, svc.Publics),
		ModesAccueil:      labels(refs.ModesAccueil, svc.ModesAccueil),
		ModesMobilisation: labels(refs.ModesMobilisation, svc.ModesMobilisation),
		MobilisablePar:    labels(refs.MobilisablePar, svc.MobilisablePar),
		Langues:           s.languageNames(svc.Langues),
		Zone:              s.zoneLabels(svc.ZoneEligibilite),
		Ages:              s.ages(svc.AgeMin, svc.AgeMax),
		Problems:          s.publicProblems(cat.FileProblems(doc.Path.File())),
		Backlinks:         backlinks(cat.Catalog, doc.Path),
		Updated:           svc.DateMaj.String(),
		Verified:          svc.VerifieLe.String(),
		Stale:             s.stale(cat.Config(), svc.VerifieLe),
	}
	if svc.Frais != "" {
		data.Frais = refs.Frais.Label(svc.Frais)
	}
	for _, th := range svc.Thematiques {
		data.Thematiques = append(data.Thematiques, labelled{Value: th, Label: refs.Thematiques.Label(th)})
	}
	data.Crumbs = []crumb{kindCrumb(s, content.KindService)}
	var fallbackHours string
	var structAddr content.Address
	if st, ok := cat.StructureOf(doc); ok {
		data.Structure = &link{Title: st.Title(), URL: st.Path.URL()}
		data.Crumbs = append(data.Crumbs, crumb{Label: st.Title(), URL: st.Path.URL()})
		fallbackHours = st.Structure.HorairesAccueil
		structAddr = st.Structure.Address
	}
	data.Crumbs = append(data.Crumbs, crumb{Label: doc.Title()})
	data.Place = s.servicePlace(svc, structAddr, fallbackHours)
	data.StatusAlert = s.statusAlert(svc)
	data.Infos = s.infoAlerts(svc)
	return data, nil
}

// servicePlace is where the service receives people: its own address, else
// its structure's; its own hours, else its structure's.
func (s *Server) servicePlace(svc *content.Service, structAddr content.Address, fallbackHours string) place {
	addr := svc.Address
	if addr.Adresse == "" && addr.Commune == "" {
		addr = structAddr
	}
	if addr.Latitude == nil {
		addr.Latitude, addr.Longitude = structAddr.Latitude, structAddr.Longitude
	}
	hours := svc.HorairesAccueil
	if hours == "" {
		hours = fallbackHours
	}
	p := s.place(addr, svc.Contact, hours)
	now := s.now().In(s.paris)
	state, _ := svc.StateAt(now, fallbackHours)
	p.OpenNow = s.openBadge(state)
	if effective, _ := svc.Hours(content.DateOf(now), fallbackHours); effective != "" {
		p.until = nextChange(effective, now)
	}
	return p
}

// nextChange is when hours next open or close after now, zero when they
// never do or cannot be read.
func nextChange(hours string, now time.Time) time.Time {
	h, err := content.ParseOpeningHours(hours)
	if err != nil {
		return time.Time{}
	}
	at, _, ok := h.NextChange(now, content.IsFrenchHoliday)
	if !ok {
		return time.Time{}
	}
	return at
}

func (s *Server) place(addr content.Address, contact content.Contact, hours string) place {
	p := place{Address: addr, Contact: contact, HoursRaw: hours, Week: s.week(hours)}
	if addr.Latitude != nil && addr.Longitude != nil {
		p.MapURL = fmt.Sprintf("https://www.openstreetmap.org/directions?to=%f%%2C%f", *addr.Latitude, *addr.Longitude)
	} else if addr.Adresse != "" {
		p.MapURL = "https://www.openstreetmap.org/search?query=" + url.QueryEscape(addr.Adresse+" "+addr.CodePostal+" "+addr.Commune)
	}
	return p
}

func (s *Server) openBadge(state content.OpenState) *badge {
	switch state {
	case content.Open:
		return &badge{Class: "ok", Label: s.t("open.open")}
	case content.Closed:
		return &badge{Class: "ferme", Label: s.t("open.closed")}
	}
	return &badge{Class: "inconnu", Label: s.t("open.unknown")}
}

func (s *Server) statusAlert(svc *content.Service) *alert {
	switch {
	case svc.Statut == content.StatutSuspendu:
		return &alert{Class: "attention", Title: s.t("status.suspendu"), Text: s.t("status.suspendu.text")}
	case svc.Statut == content.StatutFerme:
		return &alert{Class: "erreur", Title: s.t("status.ferme"), Text: s.t("status.ferme.text")}
	case svc.Complet:
		return &alert{Class: "attention", Title: s.t("status.complet"), Text: s.t("status.complet.text")}
	}
	return nil
}

// infoAlerts are the banners of current and coming temporary information.
func (s *Server) infoAlerts(svc *content.Service) []alert {
	today := content.DateOf(s.now().In(s.paris))
	var out []alert
	for _, info := range svc.CurrentInfos(today) {
		title := s.t("info." + info.Type)
		period := s.t("info.from", s.cfg.Theme.Messages().LongDate(info.Du.String()))
		if !info.Au.IsZero() {
			period = s.t("info.period", s.cfg.Theme.Messages().LongDate(info.Du.String()), s.cfg.Theme.Messages().LongDate(info.Au.String()))
		}
		text := strings.TrimSpace(period + " : " + info.Message)
		if info.Type == content.InfoHoraires && info.Horaires != "" {
			text += " (" + info.Horaires + ")"
		}
		out = append(out, alert{Class: "info", Title: title, Text: text})
	}
	return out
}

type structureView struct {
	Structure         *content.Structure
	Page              link
	Crumbs            []crumb
	HTML              template.HTML
	Reseaux           []string
	Services          []card
	Place             place
	Problems          []content.Problem
	Backlinks         []link
	Pro               *content.Pro
	Updated, Verified string
	Stale             bool
	JSONLD            template.JS // schema.org structured data, public fields only
}

func (s *Server) structureView(c *fiber.Ctx, cat *snapshot, doc *content.Document) (view, error) {
	st := doc.Structure
	html, err := s.renderBody(cat.Catalog, doc)
	if err != nil {
		return view{}, err
	}
	data := structureView{
		Structure: st,
		Page:      link{Title: doc.Title(), URL: doc.Path.URL()},
		Crumbs:    []crumb{kindCrumb(s, content.KindStructure), {Label: doc.Title()}},
		HTML:      html,
		Reseaux:   labels(s.cfg.Refs.ReseauxPorteurs, st.ReseauxPorteurs),
		Place:     s.place(st.Address, st.Contact, st.HorairesAccueil),
		Problems:  s.publicProblems(cat.FileProblems(doc.Path.File())),
		Backlinks: backlinks(cat.Catalog, doc.Path),
		Updated:   st.DateMaj.String(),
		Verified:  st.VerifieLe.String(),
		Stale:     s.stale(cat.Config(), st.VerifieLe),
	}
	if h, err := content.ParseOpeningHours(st.HorairesAccueil); err == nil && st.HorairesAccueil != "" {
		now := s.now().In(s.paris)
		data.Place.OpenNow = s.openBadge(h.StateAt(now, content.IsFrenchHoliday))
		data.Place.until = nextChange(st.HorairesAccueil, now)
	}
	data.Pro = s.proFor(c, doc)
	for _, svc := range cat.ServicesOf(doc.Path.Slug()) {
		data.Services = append(data.Services, s.card(cat.Catalog, svc))
	}
	data.JSONLD = ldScript(structureLD(doc, s.publicURL(c, cat.Config(), doc.Path.URL()), s.summary(doc, 300)))
	v := s.viewAt(c, cat, doc.Title(), data)
	v.Description = s.summary(doc, 160)
	v.expires = data.Place.until
	return v, nil
}

type wikiView struct {
	Page      link
	Crumbs    []crumb
	HTML      template.HTML
	Tags      []string
	Problems  []content.Problem
	Backlinks []link
	Updated   string
}

func (s *Server) wikiView(c *fiber.Ctx, cat *snapshot, doc *content.Document) (view, error) {
	html, err := s.renderBody(cat.Catalog, doc)
	if err != nil {
		return view{}, err
	}
	data := wikiView{
		Page:      link{Title: doc.Title(), URL: doc.Path.URL()},
		Crumbs:    []crumb{kindCrumb(s, content.KindPage), {Label: doc.Title()}},
		HTML:      html,
		Tags:      doc.Page.Tags,
		Problems:  s.publicProblems(cat.FileProblems(doc.Path.File())),
		Backlinks: backlinks(cat.Catalog, doc.Path),
		Updated:   doc.Page.DateMaj.String(),
	}
	v := s.viewAt(c, cat, doc.Title(), data)
	v.Description = s.summary(doc, 160)
	return v, nil
}

// renderBody renders a page's Markdown; the renderer sanitises its output,
// which is what makes the template.HTML conversion safe.
func (s *Server) renderBody(cat *content.Catalog, doc *content.Document) (template.HTML, error) {
	html, err := s.renderer.Render(doc.Body, func(p content.Path) bool { _, ok := cat.Doc(p); return ok })
	if err != nil {
		return "", fmt.Errorf("server: render %s: %w", doc.Path, err)
	}
	return template.HTML(html), nil
}

func (s *Server) summary(doc *content.Document, max int) string {
	return s.renderer.PlainText(doc.Body, max)
}

func (s *Server) card(cat *content.Catalog, doc *content.Document) card {
	c := card{Title: doc.Title(), URL: doc.Path.URL(), Summary: s.summary(doc, 140)}
	switch {
	case doc.Service != nil:
		c.Commune = doc.Service.Commune
		if st, ok := cat.StructureOf(doc); ok {
			if c.Commune == "" {
				c.Commune = st.Structure.Commune
			}
			c.Commune = st.Title() + " · " + c.Commune
		}
		if a := s.statusAlert(doc.Service); a != nil {
			c.Statut = &badge{Class: a.Class, Label: a.Title}
		}
	case doc.Structure != nil:
		c.Commune = doc.Structure.Commune
	}
	return c
}

func sortCards(cards []card) {
	sort.SliceStable(cards, func(i, j int) bool {
		return territory.Fold(cards[i].Title) < territory.Fold(cards[j].Title)
	})
}

func backlinks(cat *content.Catalog, p content.Path) []link {
	var out []link
	for _, from := range cat.Backlinks(p) {
		if d, ok := cat.Doc(from); ok {
			out = append(out, link{Title: d.Title(), URL: from.URL()})
		}
	}
	return out
}

func labels(ref *content.Referential, values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = ref.Label(v)
	}
	return out
}

// zoneLabels names the codes of zone_eligibilite: communes, EPCI, départements.
func (s *Server) zoneLabels(codes []string) []string {
	out := make([]string, 0, len(codes))
	for _, code := range codes {
		out = append(out, s.zoneLabel(code))
	}
	return out
}

func (s *Server) zoneLabel(code string) string {
	if s.cfg.Territory == nil {
		return code
	}
	if c, ok := s.cfg.Territory.ByCode(code); ok && len(code) == 5 {
		return c.Label()
	}
	if name, ok := s.cfg.Territory.EPCIName(code); ok {
		return name
	}
	if name, ok := s.cfg.Territory.Departement(code); ok {
		return name + " (" + code + ")"
	}
	return code
}

func (s *Server) ages(min, max *int) string {
	switch {
	case min != nil && max != nil:
		return s.t("service.ages.range", *min, *max)
	case min != nil:
		return s.t("service.ages.min", *min)
	case max != nil:
		return s.t("service.ages.max", *max)
	}
	return ""
}

// stale reports whether a page was last verified longer ago than the
// site's freshness period, or never.
func (s *Server) stale(cfg content.SiteConfig, verified content.Date) bool {
	return cfg.Stale(verified, s.today())
}

// today is the current day in Paris.
func (s *Server) today() content.Date { return content.DateOf(s.now().In(s.paris)) }

// languageNames names the languages of a service from the catalogue
// (language.<code>), or shows the code the catalogue does not know.
func (s *Server) languageNames(codes []string) []string {
	out := make([]string, len(codes))
	for i, code := range codes {
		if name := s.optional("language." + code); name != "" {
			out[i] = name
		} else {
			out[i] = code
		}
	}
	return out
}

// dayHours is one line of the opening-hours table; Open when it has hours.
type dayHours struct {
	Day, Hours string
	Open       bool
}

// week lays out opening hours day by day; nil when there are none or they
// cannot be read (the page then shows them as written).
func (s *Server) week(hours string) []dayHours {
	if hours == "" {
		return nil
	}
	h, err := content.ParseOpeningHours(hours)
	if err != nil {
		return nil
	}
	var out []dayHours
	for _, d := range h.Week() {
		text := strings.Join(d.Ranges, ", ")
		switch {
		case text == "" && d.State == content.Unknown:
			text = s.t("open.unknown")
		case text == "":
			text = s.t("hours.closed")
		}
		if d.Comment != "" {
			text += " (" + d.Comment + ")"
		}
		out = append(out, dayHours{Day: d.Label, Hours: text, Open: len(d.Ranges) > 0})
	}
	return out
}
