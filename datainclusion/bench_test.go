package datainclusion

import (
	"context"
	"io"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user and system CPU time: on a loaded machine
// wall time says more about the neighbours than about the code.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkExport measures the export of the 10,000-service corpus: the
// records, checked against the schemas, and the four files.
func BenchmarkExport(b *testing.B) {
	cat := corpusCatalog(b)
	ex, err := NewExporter()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu := cpuTime()
	defer func() { b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op") }()
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
		start, cpu := time.Now(), cpuTime()
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
		b.ReportMetric((cpuTime() - cpu).Seconds(), "cpu-s")
		b.ReportMetric(float64(len(x.Structures)+len(x.Services)), "rows")
	}
}
