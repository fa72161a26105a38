package importer_test

import (
	"bytes"
	"testing"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/contactgen"
	"github.com/contactd/contactd/importer"
	"github.com/contactd/contactd/store/storetest"
)

// BenchmarkImport imports a generated file (CONTACTD_BENCH_ROWS rows,
// default 50,000) through the real job handler into an empty workspace and
// reports rows/s. The bench command measures the 1M-row case; this is for
// profiling (-cpuprofile) the write path.
func BenchmarkImport(b *testing.B) {
	n := storetest.BenchRows(50000)
	var file bytes.Buffer
	if err := contactgen.New(7).WriteCSV(&file, n); err != nil {
		b.Fatal(err)
	}
	for _, engine := range storetest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db := storetest.Open(b, engine)
				ctx := storetest.Workspace(b, db, "bench")
				f, err := db.StoreFile(ctx, "contacts.csv", bytes.NewReader(file.Bytes()), 1<<30)
				if err != nil {
					b.Fatal(err)
				}
				imp, err := db.CreateImport(ctx, f.ID, "contacts.csv", contactd.ImportOptions{Mode: contactd.ModeCreateOrUpdate, MatchOn: contactd.MatchOnPhone})
				if err != nil {
					b.Fatal(err)
				}
				h := importer.NewHandler(db, quiet, importer.Options{})
				b.StartTimer()
				meter := storetest.StartMeter()
				if err := h.Run(ctx, &contactd.Job{WorkspaceID: imp.WorkspaceID, Kind: contactd.JobKindImport, RefID: imp.ID, Attempts: 1}); err != nil {
					b.Fatal(err)
				}
				meter.Report(b, float64(n))
				b.StopTimer()
				got, err := db.FindImportByID(ctx, imp.ID)
				if err != nil || got.Status != contactd.JobCompleted {
					b.Fatalf("import ended %v, %v", got, err)
				}
			}
		})
	}
}
