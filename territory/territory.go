// Package territory is the directory of French communes shipped inside the
// binary: lookup by INSEE code, autocomplete for the reception desk,
// resolution of what a person typed into one commune, and the eligibility
// zones (commune, EPCI, département) services declare.
//
// The data comes from communes-fr.csv.gz, embedded at build time; see
// SOURCE.md for its origin and licences. No function makes a network call.
package territory

import (
	"math"
	"strings"
)

// Commune is one current French commune. Values returned by a Directory share
// CodesPostaux with it: callers must not modify that slice.
type Commune struct {
	Code           string   // INSEE code, 5 chars ("71137", "2A004")
	Nom            string   // official name, "Chalon-sur-Saône"
	CodesPostaux   []string // postal codes, most often one; may be empty
	Departement    string   // département code: "71", "2A", "974"
	NomDepartement string   // département name: "Saône-et-Loire"
	EPCI           string   // SIREN (9 digits) of the intercommunality; may be empty
	NomEPCI        string   // name of the intercommunality; may be empty
	Population     int      // municipal population; 0 when unknown
	Lat, Lon       float64  // centre in degrees; both 0 when unknown (see Located)
}

// Label returns the display form used by the autocomplete, "Cluny (71250)",
// which Directory.Resolve accepts back. Communes without a postal code are
// qualified by their département instead.
func (c Commune) Label() string {
	switch {
	case len(c.CodesPostaux) > 0:
		return c.Nom + " (" + c.CodesPostaux[0] + ")"
	case c.Departement != "":
		return c.Nom + " (" + c.Departement + ")"
	}
	return c.Nom
}

// Located reports whether the commune's centre is known. The 106 communes
// created after 2021 have no coordinates in the source data.
func (c Commune) Located() bool {
	return c.Lat != 0 || c.Lon != 0
}

// InZone reports whether any code in zone designates the commune: its INSEE
// code (5 chars), its EPCI's SIREN (9 digits) or its département ("71",
// "2A", "974"). Codes are compared without regard to case, so "2a" works.
func (c Commune) InZone(zone []string) bool {
	for _, z := range zone {
		z = strings.TrimSpace(z)
		if z == "" {
			continue
		}
		if strings.EqualFold(z, c.Code) ||
			(c.EPCI != "" && z == c.EPCI) ||
			(c.Departement != "" && strings.EqualFold(z, c.Departement)) {
			return true
		}
	}
	return false
}

// earthRadius is the mean Earth radius in km (IUGG).
const earthRadius = 6371.0088

// Distance returns the great-circle distance in km between two points given
// in degrees, by the haversine formula.
func Distance(lat1, lon1, lat2, lon2 float64) float64 {
	φ1, φ2 := lat1*math.Pi/180, lat2*math.Pi/180
	dφ := φ2 - φ1
	dλ := (lon2 - lon1) * math.Pi / 180
	h := sq(math.Sin(dφ/2)) + math.Cos(φ1)*math.Cos(φ2)*sq(math.Sin(dλ/2))
	return 2 * earthRadius * math.Asin(math.Sqrt(min(h, 1)))
}

func sq(x float64) float64 { return x * x }
