package territory_test

import (
	"testing"

	"github.com/aiguillage/aiguillage/territory"
)

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := territory.Load(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSuggest(b *testing.B) {
	d := directory(b)
	for _, q := range []string{"cluny", "st jean", "chalon sur", "s", "l", "712", "71250", "evian"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				d.Suggest(q, 10)
			}
		})
	}
}

func BenchmarkResolve(b *testing.B) {
	d := directory(b)
	for _, q := range []string{"71137", "71250", "Cluny", "Cluny (71250)"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				d.Resolve(q)
			}
		})
	}
}
