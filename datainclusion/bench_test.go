package datainclusion

import (
	"context"
	"io"
	"testing"
	"time"
)

// BenchmarkExport measures the export of the 10,000-service corpus: the
// records, checked against the schemas, and the four files.
func BenchmarkExport(b *testing.B) {
	cat := corpusCatalog(b)
	ex, err := NewExporter()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		x, err := ex.Export(cat, testConfig)
		if err != nil {
			b.Fatal(err)
		}
		for _, name := range FileNames {
			if err := x.WriteFile(io.Discard, name); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(cat.Len("services")), "services")
}

// BenchmarkImport measures the import of the corpus's export (about 14,000
// rows) into an empty repository: reading, planning and the one commit.
func BenchmarkImport(b *testing.B) {
	x := testExport(b, corpusCatalog(b))
	files := exportFiles(b, x)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		s := newStore(b, nil)
		b.StartTimer()
		start := time.Now()
		var sheets []Sheet
		for _, n := range []string{"structures.json", "services.json"} {
			sh, err := Read(Input{Name: n, Data: files[n]}, DefaultMapping())
			if err != nil {
				b.Fatal(err)
			}
			sheets = append(sheets, sh...)
		}
		plan, err := importer(b).Plan(context.Background(), headCatalog(b, s), s, sheets)
		if err != nil {
			b.Fatal(err)
		}
		planned := time.Since(start)
		if _, err := Apply(context.Background(), s, plan, importer1, "import"); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(planned.Seconds(), "plan-s")
		b.ReportMetric(time.Since(start).Seconds()-planned.Seconds(), "commit-s")
		b.ReportMetric(float64(len(x.Structures)+len(x.Services)), "rows")
	}
}
