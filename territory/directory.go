package territory

import (
	"bytes"
	"cmp"
	"compress/gzip"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

//go:embed communes-fr.csv.gz
var communesCSVGz []byte

// Directory is the set of communes with the indexes Suggest and Resolve
// search. It is immutable once built, so one Directory may be shared by any
// number of goroutines.
type Directory struct {
	communes []Commune // sorted by Code
	names    []entry   // folded name → commune
	words    []entry   // folded name from its 2nd, 3rd… word → commune
	postal   []entry   // postal code → commune

	departements map[string]string // code → name
	epcis        map[string]string // SIREN → name
}

// entry maps a search key to an index in Directory.communes. Keys of names
// and words are substrings of the same folded name, so they cost no copy.
type entry struct {
	key string
	idx int32
}

// Load returns the directory of all current French communes, read from the
// file embedded in the binary. It takes a few tens of milliseconds: call it
// once at start-up and share the result.
func Load() (*Directory, error) {
	zr, err := gzip.NewReader(bytes.NewReader(communesCSVGz))
	if err != nil {
		return nil, fmt.Errorf("territory: load: %w", err)
	}
	d, err := parse(zr, 35000)
	if err != nil {
		return nil, err
	}
	if err := zr.Close(); err != nil {
		return nil, fmt.Errorf("territory: load: %w", err)
	}
	return d, nil
}

// columnNames lists the CSV header fields Parse requires, in any order;
// others are ignored. parseCommune reads them by their position here.
const (
	columnNames = "code_insee nom codes_postaux departement nom_departement " +
		"epci_siren nom_epci population latitude longitude"
	nColumns = 10
)

// Parse reads communes from CSV with a header line naming at least the
// columns of communes-fr.csv (code_insee, nom, codes_postaux — space
// separated —, departement, nom_departement, epci_siren, nom_epci,
// population, latitude, longitude). Empty population and coordinates read
// as 0. Load uses it on the embedded file; tests use it on small samples.
func Parse(r io.Reader) (*Directory, error) {
	return parse(r, 0)
}

// parse is Parse with room for n communes reserved up front, which saves
// Load a few milliseconds of slice growth.
func parse(r io.Reader, n int) (*Directory, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("territory: parse header: %w", err)
	}
	col, err := columnIndexes(header)
	if err != nil {
		return nil, err
	}
	communes := make([]Commune, 0, n)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("territory: parse: %w", err)
		}
		c, err := parseCommune(rec, col)
		if err != nil {
			line, _ := cr.FieldPos(0)
			return nil, fmt.Errorf("territory: parse line %d: %w", line, err)
		}
		communes = append(communes, c)
	}
	return newDirectory(communes)
}

func columnIndexes(header []string) ([nColumns]int, error) {
	var col [nColumns]int
	for i, name := range strings.Fields(columnNames) {
		col[i] = slices.Index(header, name)
		if col[i] < 0 {
			return col, fmt.Errorf("territory: parse header: missing column %q", name)
		}
	}
	return col, nil
}

func parseCommune(rec []string, col [nColumns]int) (Commune, error) {
	f := func(i int) string { return strings.TrimSpace(rec[col[i]]) }
	c := Commune{
		Code:           strings.ToUpper(f(0)),
		Nom:            f(1),
		CodesPostaux:   slices.Clip(strings.Fields(f(2))),
		Departement:    strings.ToUpper(f(3)),
		NomDepartement: f(4),
		EPCI:           f(5),
		NomEPCI:        f(6),
	}
	if len(c.Code) != 5 {
		return c, fmt.Errorf("invalid INSEE code %q", c.Code)
	}
	if Fold(c.Nom) == "" {
		return c, fmt.Errorf("commune %s: empty name", c.Code)
	}
	var err error
	if s := f(7); s != "" {
		if c.Population, err = strconv.Atoi(s); err != nil {
			return c, fmt.Errorf("commune %s: population: %w", c.Code, err)
		}
	}
	if s := f(8); s != "" {
		if c.Lat, err = strconv.ParseFloat(s, 64); err != nil {
			return c, fmt.Errorf("commune %s: latitude: %w", c.Code, err)
		}
	}
	if s := f(9); s != "" {
		if c.Lon, err = strconv.ParseFloat(s, 64); err != nil {
			return c, fmt.Errorf("commune %s: longitude: %w", c.Code, err)
		}
	}
	return c, nil
}

// newDirectory sorts communes by code and builds the indexes.
func newDirectory(communes []Commune) (*Directory, error) {
	slices.SortFunc(communes, func(a, b Commune) int { return strings.Compare(a.Code, b.Code) })
	for i := 1; i < len(communes); i++ {
		if communes[i].Code == communes[i-1].Code {
			return nil, fmt.Errorf("territory: parse: duplicate INSEE code %s", communes[i].Code)
		}
	}
	d := &Directory{
		communes:     communes,
		names:        make([]entry, 0, len(communes)),
		words:        make([]entry, 0, 2*len(communes)),
		postal:       make([]entry, 0, len(communes)+len(communes)/8),
		departements: make(map[string]string),
		epcis:        make(map[string]string),
	}
	for i, c := range communes {
		idx := int32(i)
		folded := Fold(c.Nom)
		d.names = append(d.names, entry{folded, idx})
		for j := 1; j < len(folded); j++ {
			if folded[j-1] == ' ' {
				d.words = append(d.words, entry{folded[j:], idx})
			}
		}
		for _, pc := range c.CodesPostaux {
			d.postal = append(d.postal, entry{pc, idx})
		}
		if c.Departement != "" {
			d.departements[c.Departement] = c.NomDepartement
		}
		if c.EPCI != "" {
			d.epcis[c.EPCI] = c.NomEPCI
		}
	}
	for _, s := range [][]entry{d.names, d.words, d.postal} {
		slices.SortFunc(s, func(a, b entry) int {
			return cmp.Or(strings.Compare(a.key, b.key), cmp.Compare(a.idx, b.idx))
		})
	}
	return d, nil
}

// Len returns the number of communes.
func (d *Directory) Len() int { return len(d.communes) }

// ByCode returns the commune with the INSEE code, "71137" or "2A004".
func (d *Directory) ByCode(code string) (Commune, bool) {
	i, ok := slices.BinarySearchFunc(d.communes, code, func(c Commune, code string) int {
		return strings.Compare(c.Code, code)
	})
	if !ok {
		return Commune{}, false
	}
	return d.communes[i], true
}

// Departement returns the name of the département with the code ("71",
// "2A", "974"), to label a zone_eligibilite code.
func (d *Directory) Departement(code string) (name string, ok bool) {
	name, ok = d.departements[strings.ToUpper(strings.TrimSpace(code))]
	return name, ok
}

// EPCIName returns the name of the intercommunality (EPCI) with the SIREN,
// to label a zone_eligibilite code.
func (d *Directory) EPCIName(siren string) (string, bool) {
	name, ok := d.epcis[strings.TrimSpace(siren)]
	return name, ok
}
