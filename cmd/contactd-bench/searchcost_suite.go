package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/contactgen"
	"github.com/contactd/contactd/store"
)

// searchCostRows is the size of the two scratch loads of the search-cost
// suite: enough for the indexes to outgrow the caches' easy part, small
// enough to run beside the main load.
const searchCostRows = 100_000

var searchCostSuite = suite{
	name:  "searchcost",
	title: "What the search index costs a bulk load",
	about: fmt.Sprintf("The same %d generated rows are loaded through CreateContacts (1,500 rows a call) into two "+
		"scratch databases of the engine: one as contactd makes it, one with the substring-search index removed "+
		"(SQLite: the FTS5 triggers dropped; PostgreSQL: the pg_trgm GIN index dropped). Everything else (phone "+
		"parsing, the other indexes, tags, audit events, match keys) is the same, so the difference is what keeping "+
		"search index-backed costs every import. CPU is this process's user+system time (on SQLite it includes the "+
		"engine; PostgreSQL's own work runs in its server process and is not in it).", searchCostRows),
	run: runSearchCost,
}

func init() { suites = append(suites, searchCostSuite) }

func runSearchCost(t *target) (*table, error) {
	tbl := &table{}
	var with float64
	for _, index := range []bool{true, false} {
		rate, cpu, err := scratchLoad(t, index)
		if err != nil {
			return nil, err
		}
		name := "load with the search index"
		if !index {
			name = "load without the search index"
		}
		tbl.add(name, fmt.Sprintf("%.0f rows/s, %.0f µs CPU per row in the bench process", rate, cpu))
		if index {
			with = rate
		} else if with > 0 {
			tbl.add("search index share of load time", fmt.Sprintf("%.0f%%", 100*(1-with/rate)))
		}
	}
	return tbl, nil
}

// scratchLoad loads searchCostRows rows into a fresh database of t's
// engine, with or without the search index, and reports rows/s and CPU
// microseconds per row.
func scratchLoad(t *target, index bool) (float64, float64, error) {
	ctx := context.Background()
	dsn, drop, cleanup, err := scratchDatabase(ctx, t, index)
	if err != nil {
		return 0, 0, err
	}
	defer cleanup()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	if !index {
		if err := drop(); err != nil {
			return 0, 0, fmt.Errorf("drop the search index: %w", err)
		}
	}
	ws, err := db.CreateWorkspace(ctx, "scratch", "IN")
	if err != nil {
		return 0, 0, err
	}
	wctx := contactd.WithActor(ctx, contactd.Actor{WorkspaceID: ws.ID, Role: contactd.RoleAdmin})
	gen := contactgen.New(t.seed + 5000)
	start, cpu0 := time.Now(), processCPU()
	analyzed := 0
	for done := 0; done < searchCostRows; {
		batch := make([]contactd.ContactInput, 0, 1500)
		for len(batch) < cap(batch) && done+len(batch) < searchCostRows {
			batch = append(batch, gen.Next().Input())
		}
		if _, err := db.CreateContacts(wctx, batch); err != nil {
			return 0, 0, err
		}
		done += len(batch)
		// Statistics when autovacuum would gather them (see load): without
		// them PostgreSQL plans every lookup for an empty table.
		if done-analyzed >= 50+analyzed/10 {
			if err := db.RefreshStatistics(wctx); err != nil {
				return 0, 0, err
			}
			analyzed = done
		}
	}
	wall, cpu := time.Since(start), processCPU()-cpu0
	return searchCostRows / wall.Seconds(), float64(cpu.Microseconds()) / searchCostRows, nil
}

// scratchDatabase is an empty database of t's engine beside the bench's
// own, and a function that removes its search index once migrated.
func scratchDatabase(ctx context.Context, t *target, index bool) (dsn string, drop func() error, cleanup func(), err error) {
	name := fmt.Sprintf("searchcost_%v", index)
	if t.engine == engineSQLite {
		dsn = filepath.Join(benchConfig.dir, name+".db")
		cleanup = func() {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(dsn + suffix)
			}
		}
		cleanup()
		drop = func() error {
			raw, err := sql.Open("sqlite", dsn)
			if err != nil {
				return err
			}
			defer raw.Close()
			for _, trig := range []string{"contacts_search_insert", "contacts_search_update", "contacts_search_delete"} {
				if _, err := raw.ExecContext(ctx, `DROP TRIGGER `+trig); err != nil {
					return err
				}
			}
			return nil
		}
		return dsn, drop, cleanup, nil
	}
	admin, err := sql.Open("pgx", t.dsn)
	if err != nil {
		return "", nil, nil, err
	}
	if _, err := admin.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+name+` CASCADE; CREATE SCHEMA `+name); err != nil {
		admin.Close()
		return "", nil, nil, err
	}
	u, err := url.Parse(t.dsn)
	if err != nil {
		admin.Close()
		return "", nil, nil, err
	}
	q := u.Query()
	q.Set("search_path", name+",public")
	u.RawQuery = q.Encode()
	drop = func() error {
		_, err := admin.ExecContext(ctx, `DROP INDEX `+name+`.contacts_search`)
		return err
	}
	cleanup = func() {
		admin.ExecContext(context.WithoutCancel(ctx), `DROP SCHEMA IF EXISTS `+name+` CASCADE`)
		admin.Close()
	}
	return u.String(), drop, cleanup, nil
}

// processCPU is this process's user and system CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
