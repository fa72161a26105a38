package main

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/contactgen"
)

// Import targets (issue 3): rows per second end to end on each engine, the
// server's peak memory, and search latency while the import runs.
var importTargets = map[string]float64{engineSQLite: 100_000, enginePostgres: 80_000}

const (
	importRSSTarget    = 150 << 20
	importSearchTarget = 50 * time.Millisecond
)

var importsSuite = suite{
	name:  "imports",
	title: "Imports: a generated file into the loaded workspace",
	about: "A CSV written by the bench's generator (the rows after the loaded ones: new people, about 5% " +
		"repeats of recent people, loaded contacts among them, and 1% bad rows) is uploaded with POST /api/v1/contacts/import to a real `contactd` server process " +
		"started on the loaded database (built from this checkout; rate limiting off), with the suggested mapping and " +
		"mode create_or_update, and followed until it completes. Rows/s is file rows over the time from the start of " +
		"the upload to `completed`. Peak RSS is the server process's VmHWM. While the import runs, one client searches " +
		"the server for contacts of the loaded sample (name substrings, phone digits) ten times a second.",
	run:       runImports,
	bulkWrite: func(cfg *config) bool { return importRows(cfg)*5 >= cfg.n },
}

// importRows is how many rows the imports suite's file holds.
func importRows(cfg *config) int {
	if cfg.importRows > 0 {
		return cfg.importRows
	}
	return cfg.n
}

func init() { suites = append(suites, importsSuite) }

func runImports(t *target) (*table, error) {
	cfg := benchConfig
	rows := importRows(cfg)
	file := filepath.Join(cfg.dir, "bench-import.csv")
	if err := writeImportFile(file, t.seed, cfg.n, rows); err != nil {
		return nil, err
	}
	defer os.Remove(file)
	actor, _ := contactd.ActorFrom(t.ctx)
	key, err := t.db.CreateAPIKey(t.ctx, actor.WorkspaceID, "import-bench", contactd.RoleWrite, nil)
	if err != nil {
		return nil, err
	}
	proc, err := startProcess(t.ctx, cfg, t.dsn, key.Secret)
	if err != nil {
		return nil, err
	}
	defer proc.stop()

	searching, stopSearch := context.WithCancel(t.ctx)
	lats := make(chan searchOutcome, 1)
	go func() { lats <- searchWhile(searching, proc.srv, t.data.sample, t.seed) }()
	start := time.Now()
	imp, err := proc.importFile(t.ctx, file)
	stopSearch()
	searched := <-lats
	searchLat := searched.lat
	if err != nil {
		return nil, err
	}
	wall := time.Since(start)
	tbl := &table{}
	rate := float64(rows) / wall.Seconds()
	verdict := "FAIL"
	if rate >= importTargets[t.engine] {
		verdict = "PASS"
	}
	tbl.add("file rows", fmt.Sprintf("%d (%s)", rows, mib(fileSize(file))))
	tbl.add("outcome", fmt.Sprintf("%s: %d created, %d updated, %d failed, %d skipped, %d warnings",
		imp.Status, imp.Created, imp.Updated, imp.Failed, imp.Skipped, imp.Warnings))
	tbl.add("wall time", wall.Round(10*time.Millisecond).String())
	tbl.addTarget("rows/s end to end", fmt.Sprintf("%.0f", rate), fmt.Sprintf("≥ %.0f", importTargets[t.engine]), verdict)
	rss := proc.peakRSS()
	rssVerdict := "FAIL"
	if rss > 0 && rss < importRSSTarget {
		rssVerdict = "PASS"
	}
	tbl.addTarget("server peak RSS", mib(rss), "< "+mib(importRSSTarget), rssVerdict)
	if len(searchLat) > 0 {
		p95 := searchLat.pct(95)
		target, v := atMost(p95, importSearchTarget)
		tbl.add("searches during the import", fmt.Sprintf("%d, p50 %s, %d refused or failed", len(searchLat), ms(searchLat.pct(50)), searched.errors))
		tbl.addTarget("search p95 during the import", ms(p95), target, v)
	}
	if imp.Status != contactd.JobCompleted {
		tbl.notes = append(tbl.notes, "the import did not complete: "+imp.Error)
	}
	return tbl, nil
}

// writeImportFile writes as CSV the rows generated rows that follow the
// first skip (the loaded ones) of the generator of seed: the next list of
// the same population, new people with about 5% repeats of recent people
// (loaded contacts among them). Another seed is no new population: its
// phone plans walk the same number ranges, and a file of seed+1000 was 98%
// people already loaded, which measured re-imports, not imports. It is
// written through a buffer: the bench never holds a file in memory either.
func writeImportFile(path string, seed uint64, skip, rows int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	g := contactgen.New(seed)
	for i := 0; i < skip; i++ {
		g.Next()
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := g.WriteCSV(w, rows); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

type searchOutcome struct {
	lat    latencies
	errors int
}

// searchEvery paces the searches during an import: ten a second is a busy
// team of operators. Searching back to back instead gave one client a whole
// core of the two, and the import's rows/s measured the contention.
const searchEvery = 100 * time.Millisecond

// searchWhile searches srv for sampled contacts every searchEvery until ctx
// ends, and returns the latencies of the searches that finished.
func searchWhile(ctx context.Context, srv *server, sample []sampled, seed uint64) searchOutcome {
	var out searchOutcome
	if len(sample) == 0 {
		return out
	}
	qs := drawQueries(rand.New(rand.NewPCG(seed, 0x1A2B)), sample, 200)
	tick := time.NewTicker(searchEvery)
	defer tick.Stop()
	for i := 0; ctx.Err() == nil; i++ {
		select {
		case <-ctx.Done():
			return out
		case <-tick.C:
		}
		d, err := srv.getCtx(ctx, searchPath(qs[i%len(qs)].text), nil)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			out.errors++
			continue
		}
		out.lat = append(out.lat, d)
	}
	return out
}
