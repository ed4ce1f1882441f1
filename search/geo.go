package search

import (
	"math"
	"strconv"

	"github.com/aiguillage/aiguillage/territory"
)

// Location is matched in two steps. bleve selects a superset cheaply: the
// documents in the grid cells that the circle's bounding box touches, or
// whose zone_eligibilite names the commune, its EPCI or its département.
// Then Go keeps those within the exact great-circle distance (from the
// meta in memory) or in the zone. Indexed as keyword terms, cells cost one
// term lookup each, where bleve's geo-distance query expands into
// hundreds of geohash terms per search.
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

// cellsAround returns the cells covering the bounding box of the circle of
// radius km around the commune's centre, nil when there are too many (the
// Go check alone then applies).
func cellsAround(c territory.Commune, km float64) []string {
	dLat := km / 111.0
	cos := math.Cos(c.Lat * math.Pi / 180)
	if cos < 0.01 {
		return nil
	}
	dLon := km / (111.0 * cos)
	for _, g := range []struct {
		name  byte
		scale float64
		max   int
	}{{'f', 10, maxFineCells}, {'c', 1, maxCoarseCells}} {
		y0, y1 := math.Floor((c.Lat-dLat)*g.scale), math.Floor((c.Lat+dLat)*g.scale)
		x0, x1 := math.Floor((c.Lon-dLon)*g.scale), math.Floor((c.Lon+dLon)*g.scale)
		if n := (y1 - y0 + 1) * (x1 - x0 + 1); n > float64(g.max) {
			continue
		}
		var out []string
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				out = append(out, cellName(g.name, y, x))
			}
		}
		return out
	}
	return nil
}

// inLocation is the exact location check of a candidate.
func inLocation(m *meta, dist, rayon float64, c *territory.Commune) bool {
	if m.Kind == "pages" || (dist >= 0 && dist <= rayon) {
		return true
	}
	return len(m.Zone) > 0 && c.InZone(m.Zone)
}
