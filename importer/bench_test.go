package importer_test

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

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
	n := 50000
	if v, err := strconv.Atoi(os.Getenv("CONTACTD_BENCH_ROWS")); err == nil && v > 0 {
		n = v
	}
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
				start, cpu0 := time.Now(), cpuTime()
				if err := h.Run(ctx, &contactd.Job{WorkspaceID: imp.WorkspaceID, Kind: contactd.JobKindImport, RefID: imp.ID, Attempts: 1}); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(n)/time.Since(start).Seconds(), "rows/s")
				// CPU per row is steadier than wall time on a shared machine.
				b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(n), "cpu-µs/row")
				b.StopTimer()
				got, err := db.FindImportByID(ctx, imp.ID)
				if err != nil || got.Status != contactd.JobCompleted {
					b.Fatalf("import ended %v, %v", got, err)
				}
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
