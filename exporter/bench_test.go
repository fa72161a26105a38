package exporter_test

import (
	"testing"

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
	n := storetest.BenchRows(50000)
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
				meter := storetest.StartMeter()
				if err := h.Run(ctx, &contactd.Job{WorkspaceID: exp.WorkspaceID, Kind: contactd.JobKindExport, RefID: exp.ID, Attempts: 1}); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				got, err := db.FindExportByID(ctx, exp.ID)
				if err != nil || got.Status != contactd.JobCompleted {
					b.Fatalf("export ended %+v, %v", got, err)
				}
				rows := float64(got.TotalRows)
				meter.Report(b, rows)
				b.ReportMetric(float64(got.SizeBytes)/rows, "bytes/row")
			}
		})
	}
}
