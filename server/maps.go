package server

import (
	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/search"
)

// mapData is what map.js needs to draw a map, written into the page as
// JSON: the tiles of config.yaml and the points to mark. Pages without a
// point have no map, and do not load Leaflet.
type mapData struct {
	Tiles           string     `json:"tuiles"`
	Attribution     string     `json:"attribution"`
	AttributionLink string     `json:"lien_attribution,omitempty"`
	ZoomIn          string     `json:"zoom_avant"` // titles of Leaflet's zoom buttons
	ZoomOut         string     `json:"zoom_arriere"`
	Points          []mapPoint `json:"points"`
}

type mapPoint struct {
	Lat  float64 `json:"lat"`
	Lon  float64 `json:"lon"`
	Name string  `json:"nom"`
	URL  string  `json:"url,omitempty"` // the page, for a marker among others
}

func (s *Server) newMap(cfg content.SiteConfig, points []mapPoint) *mapData {
	if len(points) == 0 {
		return nil
	}
	return &mapData{Tiles: cfg.Carte.Tuiles, Attribution: cfg.Carte.Attribution,
		AttributionLink: cfg.Carte.AttributionLien, ZoomIn: s.t("map.zoom_in"), ZoomOut: s.t("map.zoom_out"), Points: points}
}

// placePoint is the point of a place, none without coordinates.
func placePoint(p place, name, url string) []mapPoint {
	if p.Latitude == nil || p.Longitude == nil {
		return nil
	}
	return []mapPoint{{Lat: *p.Latitude, Lon: *p.Longitude, Name: name, URL: url}}
}

// hitPoints are the points of the search hits that have coordinates: a
// service's own, else its structure's.
func hitPoints(cat *content.Catalog, hits []search.Hit) []mapPoint {
	var out []mapPoint
	for _, h := range hits {
		p, err := content.ParsePath(h.Path)
		if err != nil {
			continue
		}
		doc, ok := cat.Doc(p)
		if !ok {
			continue
		}
		addr, ok := docAddress(cat, doc)
		if ok {
			out = append(out, mapPoint{Lat: *addr.Latitude, Lon: *addr.Longitude, Name: h.Nom, URL: p.URL()})
		}
	}
	return out
}

func docAddress(cat *content.Catalog, doc *content.Document) (content.Address, bool) {
	var a content.Address
	switch {
	case doc.Service != nil:
		a = doc.Service.Address
		if a.Latitude == nil || a.Longitude == nil {
			if st, ok := cat.StructureOf(doc); ok {
				a = st.Structure.Address
			}
		}
	case doc.Structure != nil:
		a = doc.Structure.Address
	}
	return a, a.Latitude != nil && a.Longitude != nil
}
