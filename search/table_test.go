package search

import (
	"math/rand/v2"
	"testing"

	"github.com/aiguillage/aiguillage/territory"
)

// TestCircleHoldsEveryPointWithin checks that the cheap location test never
// drops a point that the exact distance keeps, over France's latitudes and
// every radius a query may ask.
func TestCircleHoldsEveryPointWithin(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	kept := 0
	for i := 0; i < 200000; i++ {
		c := territory.Commune{Lat: 41 + 10*rng.Float64(), Lon: -5 + 15*rng.Float64()}
		km := 1 + float64(rng.IntN(MaxRayonKm))
		lat := c.Lat + (rng.Float64()*2-1)*km/100
		lon := c.Lon + (rng.Float64()*2-1)*km/70
		if territory.Distance(c.Lat, c.Lon, lat, lon) > km {
			continue
		}
		kept++
		if !newCircle(c, km).mayHold(lat, lon) {
			t.Fatalf("(%v, %v) is within %v km of (%v, %v) but the circle drops it", lat, lon, km, c.Lat, c.Lon)
		}
	}
	if kept < 1000 {
		t.Fatalf("only %d points tested", kept)
	}
}

func TestBitset(t *testing.T) {
	b := getBitset(300)
	for _, n := range []uint32{0, 5, 63, 64, 200, 299} {
		b.add(n)
	}
	var got []int
	for n := b.next(0); n >= 0; n = b.next(uint32(n) + 1) {
		got = append(got, n)
	}
	if want := []int{0, 5, 63, 64, 200, 299}; len(got) != len(want) {
		t.Fatalf("members %v, want %v", got, want)
	}
	if !b.has(64) || b.has(65) || b.next(300) != -1 || b.next(201) != 299 {
		t.Fatal("has/next wrong")
	}
	bitsets.Put(b)
	if b = getBitset(100); b.next(0) != -1 {
		t.Fatal("a reused set is not empty")
	}
}
