package exporter_test

import (
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/contactgen"
	"github.com/contactd/contactd/exporter"
	"github.com/contactd/contactd/store/storetest"
)

// BenchmarkExportCSV loads CONTACTD_BENCH_ROWS generated contacts (default
// 50,000) and exports them as CSV (default columns) through the real job
// handler, reporting rows/s and CPU per row. The bench command measures the
// 1M-row case through a server; this is for profiling (-cpuprofile) the
// export path.
func BenchmarkExportCSV(b *testing.B) {
	n := 50000
	if v, err := strconv.Atoi(os.Getenv("CONTACTD_BENCH_ROWS")); err == nil && v > 0 {
		n = v
	}
	for _, engine := range storetest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			db := storetest.Open(b, engine)
			ctx := storetest.Workspace(b, db, "bench")
			gen := contactgen.New(7)
			const batch = 1000
			inputs := make([]contactd.ContactInput, 0, batch)
			for i := 0; i < n; i++ {
				inputs = append(inputs, gen.Next().Input())
				if len(inputs) == batch || i == n-1 {
					if _, err := db.CreateContacts(ctx, inputs); err != nil {
						b.Fatal(err)
					}
					inputs = inputs[:0]
				}
			}
			h := exporter.NewHandler(db, quiet, exporter.Options{})
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				exp, err := db.CreateExport(ctx, contactd.ExportInput{Format: contactd.ExportCSV})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start, cpu0 := time.Now(), cpuTime()
				if err := h.Run(ctx, &contactd.Job{WorkspaceID: exp.WorkspaceID, Kind: contactd.JobKindExport, RefID: exp.ID, Attempts: 1}); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				got, err := db.FindExportByID(ctx, exp.ID)
				if err != nil || got.Status != contactd.JobCompleted {
					b.Fatalf("export ended %+v, %v", got, err)
				}
				rows := float64(got.TotalRows)
				b.ReportMetric(rows/time.Since(start).Seconds(), "rows/s")
				// CPU per row is steadier than wall time on a shared machine.
				b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/rows, "cpu-µs/row")
				b.ReportMetric(float64(got.SizeBytes)/rows, "bytes/row")
			}
		})
	}
}

// cpuTime is the user and system CPU time of this process so far (the
// SQLite engine runs inside it; PostgreSQL's work is not counted).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
