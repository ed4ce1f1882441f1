package territory

import (
	"regexp"
	"slices"
	"strings"
)

// labelRe matches a name qualified by a postal code, an INSEE code or a
// département: "Cluny (71250)", "Cluny 71250", "Cluny (71)", "Ajaccio (2A)".
var labelRe = regexp.MustCompile(`(?i)^\s*(.*?\S)\s*(?:\(\s*([0-9]{2,5}|2[AB])\s*\)|\s([0-9]{5}|[0-9]{2,3}|2[AB]))\s*$`)

// Resolve returns the commune meant by q, the value of the search API's
// commune= parameter:
//   - an INSEE code, "71137" or "2A004";
//   - a postal code, "71250", for the most populous commune that has it;
//   - a name, compared folded ("cluny", "Saint-Malo", "st malo"), for the
//     most populous commune of that name;
//   - a name qualified as the autocomplete displays it: "Cluny (71250)",
//     "Cluny 71250", "Cluny (71)".
//
// A five-digit q that is some commune's postal code is read as a postal
// code: 3,003 such strings are also the INSEE code of another commune, and
// people type postal codes. Programs holding an INSEE code call ByCode.
func (d *Directory) Resolve(q string) (Commune, bool) {
	q = strings.TrimSpace(q)
	if len(q) == 5 {
		if isDigits(q) {
			if c, ok := d.byPostal(q); ok {
				return c, true
			}
		}
		if c, ok := d.ByCode(strings.ToUpper(q)); ok {
			return c, true
		}
	}
	if c, ok := d.byName(Fold(q), ""); ok {
		return c, true
	}
	return d.resolveLabel(q)
}

// resolveLabel resolves a qualified name, "Cluny (71250)".
func (d *Directory) resolveLabel(q string) (Commune, bool) {
	m := labelRe.FindStringSubmatch(q)
	if m == nil {
		return Commune{}, false
	}
	return d.byName(Fold(m[1]), strings.ToUpper(m[2]+m[3]))
}

// byPostal returns the most populous commune with the postal code.
func (d *Directory) byPostal(code string) (Commune, bool) {
	best := -1
	for _, e := range prefixRange(d.postal, code) {
		if e.key == code && (best < 0 || d.communes[e.idx].Population > d.communes[best].Population) {
			best = int(e.idx)
		}
	}
	if best < 0 {
		return Commune{}, false
	}
	return d.communes[best], true
}

// byName returns the most populous commune whose folded name is name and
// that qual, if not empty, designates; see qualRank.
func (d *Directory) byName(name, qual string) (Commune, bool) {
	if name == "" {
		return Commune{}, false
	}
	best, bestRank := -1, 0
	for _, v := range variants(name) {
		for _, e := range prefixRange(d.names, v) {
			if len(e.key) != len(v) {
				continue
			}
			c := d.communes[e.idx]
			rank := qualRank(c, qual)
			if rank > bestRank || rank == bestRank && rank > 0 && c.Population > d.communes[best].Population {
				best, bestRank = int(e.idx), rank
			}
		}
	}
	if best < 0 {
		return Commune{}, false
	}
	return d.communes[best], true
}

// qualRank says how well qual designates c, 0 meaning not at all. A commune's
// first postal code, the one Label shows, beats its other postal codes so
// that every label resolves back to its own commune.
func qualRank(c Commune, qual string) int {
	switch {
	case qual == "":
		return 1
	case len(qual) == 5 && len(c.CodesPostaux) > 0 && c.CodesPostaux[0] == qual:
		return 3
	case len(qual) == 5 && (slices.Contains(c.CodesPostaux, qual) || c.Code == qual):
		return 2
	case len(qual) < 5 && qual == c.Departement:
		return 1
	}
	return 0
}
