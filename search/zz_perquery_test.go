package search

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func BenchmarkZZPerQuery(b *testing.B) {
	ix := benchIndex(b)
	defer ix.Close()
	ctx := context.Background()
	for _, q := range deskQueries() {
		ix.Search(ctx, q)
		var ms []match
		c, _ := ix.resolveCommune(q.Commune)
		st := ix.state.Load()
		p := ix.parseText(q.Text, st)
		ms, _, _ = ix.matches(ctx, st, p, &c, q.RayonKm, ms)
		start := time.Now()
		var res *Results
		for i := 0; i < 20; i++ {
			res, _ = ix.Search(ctx, q)
		}
		fmt.Printf("%-22s %s %2.0f matches=%5d total=%5d %6.0f us\n", q.Text, q.Commune, q.RayonKm, len(ms), res.Total, float64(time.Since(start).Microseconds())/20)
	}
}
