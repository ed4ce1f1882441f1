package search

import (
	"math"
	"strconv"

	"github.com/aiguillage/aiguillage/territory"
)

// Location is matched in memory, before any text is scored: a search's
// docTable lists the documents of each grid cell and of each eligibility
// zone code, so the documents within the radius (exact great-circle
// distance), in the zone of the commune, its EPCI or its département, and
// the free pages make a bit set of document numbers that the text
// searcher leapfrogs through (see docTable.locate and collect). The cells
// are also indexed as keyword terms (field cell), which the tests use to
// check this against bleve's own filtering.
//
// Two grids: fine cells of 0.1° (about 11 × 7.5 km in France) and coarse
// cells of 1°, used when the fine cells would be too many.
const (
	maxFineCells   = 120
	maxCoarseCells = 300
)

// cellsOf returns the fine and coarse cells of a point.
func cellsOf(lat, lon float64) []string {
	return []string{
		cellName('f', math.Floor(lat*10), math.Floor(lon*10)),
		cellName('c', math.Floor(lat), math.Floor(lon)),
	}
}

func cellName(grid byte, y, x float64) string {
	b := make([]byte, 0, 16)
	b = append(b, grid)
	b = strconv.AppendInt(b, int64(y), 10)
	b = append(b, '_')
	b = strconv.AppendInt(b, int64(x), 10)
	return string(b)
}

// cellRange returns the grid ('f' or 'c') and the cells covering the
// bounding box of the circle of radius km around the commune's centre, as
// inclusive ranges of cell rows and columns; ok is false when there would
// be too many cells (every document must then be checked).
func cellRange(c territory.Commune, km float64) (grid byte, y0, y1, x0, x1 float64, ok bool) {
	dLat := km / 111.0
	cos := math.Cos(c.Lat * math.Pi / 180)
	if cos < 0.01 {
		return 0, 0, 0, 0, 0, false
	}
	dLon := km / (111.0 * cos)
	for _, g := range []struct {
		name  byte
		scale float64
		max   int
	}{{'f', 10, maxFineCells}, {'c', 1, maxCoarseCells}} {
		y0, y1 := math.Floor((c.Lat-dLat)*g.scale), math.Floor((c.Lat+dLat)*g.scale)
		x0, x1 := math.Floor((c.Lon-dLon)*g.scale), math.Floor((c.Lon+dLon)*g.scale)
		if n := (y1 - y0 + 1) * (x1 - x0 + 1); n <= float64(g.max) {
			return g.name, y0, y1, x0, x1, true
		}
	}
	return 0, 0, 0, 0, 0, false
}

// inLocation is the exact location check of a candidate.
func inLocation(m *meta, dist, rayon float64, c *territory.Commune) bool {
	if m.Kind == "pages" || (dist >= 0 && dist <= rayon) {
		return true
	}
	return len(m.Zone) > 0 && c.InZone(m.Zone)
}
