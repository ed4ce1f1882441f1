package server

import (
	"html/template"

	"github.com/gofiber/fiber/v2"
)

// sheetSummaryRunes bounds the description on the sheet, which must fit on
// one A4 page with everything else.
const sheetSummaryRunes = 450

// sheetView is a service's printable sheet, to hand to the person
// oriented: what the service page says that matters to them, on one A4
// page, with a QR code of the page's public address.
type sheetView struct {
	serviceView
	Summary   string
	PublicURL string
	QR        template.HTML
}

// showSheet serves /services/:slug/fiche.
func (s *Server) showSheet(c *fiber.Ctx) error {
	p, err := pathParam(c)
	if err != nil {
		return err
	}
	cat := s.live.catalog()
	doc, ok := cat.Doc(p)
	if !ok {
		return s.missingPage(c, cat.Catalog, p)
	}
	public := s.publicURL(c, cat.Config(), p.URL())
	return s.renderCachedKey(c, cat, public+"/fiche", "sheet", func() (view, error) {
		data, err := s.serviceData(cat, doc)
		if err != nil {
			return view{}, err
		}
		data.Place.OpenNow = nil // true when printed, wrong when read
		data.Pro = s.proFor(c, doc)
		qr, err := qrSVG(public, s.t("sheet.qr.label", public))
		if err != nil {
			return view{}, err
		}
		sheet := sheetView{serviceView: data, Summary: s.summary(doc, sheetSummaryRunes), PublicURL: public, QR: qr}
		v := s.viewAt(c, cat, s.t("sheet.title", doc.Title()), sheet)
		v.Description = s.summary(doc, 160)
		v.NoIndex = true // the service page is the one to find
		return v, nil
	})
}
