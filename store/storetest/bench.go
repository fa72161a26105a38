package storetest

import (
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// BenchRows is the row count a benchmark works on: CONTACTD_BENCH_ROWS, or
// def when it is unset. The bench command measures the 1M-row cases; Go
// benchmarks are for profiling a path at a size of one's choosing.
func BenchRows(def int) int {
	if v, err := strconv.Atoi(os.Getenv("CONTACTD_BENCH_ROWS")); err == nil && v > 0 {
		return v
	}
	return def
}

// Meter measures a stretch of a benchmark's work in wall time and in CPU
// time of this process (the SQLite engine runs inside it; PostgreSQL's work
// is not counted). CPU per row is steadier than wall time on a shared
// machine.
type Meter struct {
	start time.Time
	cpu   time.Duration
}

// StartMeter starts measuring.
func StartMeter() Meter { return Meter{start: time.Now(), cpu: cpuTime()} }

// Report adds rows/s and cpu-µs/row for rows handled since the meter started.
func (m Meter) Report(b *testing.B, rows float64) {
	b.ReportMetric(rows/time.Since(m.start).Seconds(), "rows/s")
	b.ReportMetric(float64((cpuTime()-m.cpu).Microseconds())/rows, "cpu-µs/row")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
