package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/contactd/contactd"
)

// Targets of exports at a million contacts on this machine (PostgreSQL's
// own COPY TO writes 1.34M rows/s here): a CSV of every contact at 300k
// rows/s or better, in constant memory: the whole server under 100 MB.
const (
	exportCSVTarget = 300_000 // rows/s
	exportMemTarget = 100 << 20
	exportTimeout   = 30 * time.Minute
)

var exportsSuite = suite{
	name:  "exports",
	title: "Exports: every contact as CSV, JSON Lines and XLSX",
	about: "A real contactd server process (built from this checkout, serving the loaded database with its own job " +
		"runner) is asked for each export with POST /api/v1/contact-exports (default columns, every active contact); " +
		"rows/s is total_rows over the job's own started_at..finished_at (reading the snapshot, formatting, and storing " +
		"the file in the database in chunks). The file is then downloaded and its lines counted as they stream by, to " +
		"check that every contact is in it. Memory is the server process's: its VmHWM is reset (/proc/PID/clear_refs) " +
		"before each export and read after it, so the peak is the whole server's (Go runtime, connection pools, the " +
		"engine's caches) while it exports.",
	run: runExports,
}

// exportAnswer is the part of an export the bench reads.
type exportAnswer struct {
	ID            int64      `json:"id"`
	Status        string     `json:"status"`
	Error         string     `json:"error"`
	TotalRows     int64      `json:"total_rows"`
	ProcessedRows int64      `json:"processed_rows"`
	SizeBytes     int64      `json:"size_bytes"`
	StartedAt     *time.Time `json:"started_at"`
	FinishedAt    *time.Time `json:"finished_at"`
}

func runExports(t *target) (*table, error) {
	actor, _ := contactd.ActorFrom(t.ctx)
	key, err := t.db.CreateAPIKey(t.ctx, actor.WorkspaceID, "export-bench", contactd.RoleWrite, nil)
	if err != nil {
		return nil, err
	}
	proc, err := startProcess(t.ctx, benchConfig, t.dsn, key.Secret)
	if err != nil {
		return nil, err
	}
	defer proc.stop()
	srv := proc.srv

	tbl := &table{}
	for _, format := range []string{contactd.ExportCSV, contactd.ExportJSONL, contactd.ExportXLSX} {
		idle := proc.resetPeakRSS()
		exp, err := runExport(srv, format)
		if err != nil {
			return nil, fmt.Errorf("%s export: %w", format, err)
		}
		peak := proc.peakRSS()
		wall := exp.FinishedAt.Sub(*exp.StartedAt)
		rate := float64(exp.TotalRows) / wall.Seconds()
		value := fmt.Sprintf("%.0f rows/s (%d rows, %s in %s)", rate, exp.TotalRows, mib(exp.SizeBytes), wall.Round(time.Millisecond))
		mem := fmt.Sprintf("%s peak (%s before)", mib(peak), mib(idle))
		if format == contactd.ExportCSV {
			verdict := "PASS"
			if rate < exportCSVTarget {
				verdict = "FAIL"
			}
			tbl.addTarget("CSV export: rows/s", value, fmt.Sprintf("≥ %d rows/s", exportCSVTarget), verdict)
			verdict = "PASS"
			if peak >= exportMemTarget {
				verdict = "FAIL"
			}
			tbl.addTarget("CSV export: server peak RSS", mem, "< "+mib(exportMemTarget), verdict)
		} else {
			tbl.add(format+" export: rows/s", value)
			tbl.add(format+" export: server peak RSS", mem)
		}
		if want := int64(t.data.created); exp.TotalRows != want {
			tbl.notes = append(tbl.notes, fmt.Sprintf("**%s export has %d rows, but %d contacts were loaded**", format, exp.TotalRows, want))
		}
		if format != contactd.ExportXLSX {
			lines, err := downloadLines(srv, exp.ID)
			if err != nil {
				return nil, fmt.Errorf("%s download: %w", format, err)
			}
			if format == contactd.ExportCSV {
				lines-- // the header
			}
			if lines != exp.TotalRows {
				tbl.notes = append(tbl.notes, fmt.Sprintf("**the %s file has %d rows, the export says %d**", format, lines, exp.TotalRows))
			}
		}
	}
	return tbl, nil
}

// resetPeakRSS resets the server's resident-set high-water mark (writing 5
// to /proc/PID/clear_refs, Linux 4.0+) and returns its RSS now.
func (p *process) resetPeakRSS() int64 {
	status := fmt.Sprintf("/proc/%d/", p.cmd.Process.Pid)
	os.WriteFile(status+"clear_refs", []byte("5"), 0) // best effort: else the peak is the process's so far
	return kib(procField(status+"status", "VmRSS"))
}

// runExport creates an export of every contact in format and waits for
// the runner to finish it.
func runExport(srv *server, format string) (*exportAnswer, error) {
	ctx, cancel := context.WithTimeout(context.Background(), exportTimeout)
	defer cancel()
	var exp exportAnswer
	if _, err := srv.postJSON(ctx, "/api/v1/contact-exports", map[string]any{"format": format}, &exp); err != nil {
		return nil, err
	}
	lastReport := time.Now()
	for {
		if _, err := srv.getCtx(ctx, "/api/v1/contact-exports/"+strconv.FormatInt(exp.ID, 10), &exp); err != nil {
			return nil, err
		}
		switch exp.Status {
		case contactd.JobCompleted:
			if exp.StartedAt == nil || exp.FinishedAt == nil {
				return nil, fmt.Errorf("export %d completed without started_at and finished_at", exp.ID)
			}
			return &exp, nil
		case contactd.JobFailed, contactd.JobCancelled:
			return nil, fmt.Errorf("export %d %s: %s", exp.ID, exp.Status, exp.Error)
		}
		if time.Since(lastReport) > 10*time.Second {
			progress("  %s export %d: %d of %d rows", format, exp.ID, exp.ProcessedRows, exp.TotalRows)
			lastReport = time.Now()
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// downloadLines streams an export's file and counts its lines.
func downloadLines(srv *server, id int64) (int64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), exportTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.base+"/api/v1/contact-exports/"+strconv.FormatInt(id, 10)+"/download", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("X-Api-Key", srv.key)
	resp, err := (&http.Client{}).Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET download: %s", resp.Status)
	}
	return countLines(resp.Body)
}
