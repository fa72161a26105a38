package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
)

// report is BENCHMARKS.md: the machine, the load, a summary of targets, then
// one section per suite with a table per engine.
type report struct {
	cfg               *config
	started, finished time.Time
	machine           machine
	engines           []*engineResult
	results           map[string]map[string]*table // suite -> engine -> table
}

func (r *report) write(out io.Writer) error {
	w := bufio.NewWriter(out)
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("# contactd benchmarks")
	p("")
	p("Written by `contactd-bench`; do not edit by hand. Produced by:")
	p("")
	p("```sh")
	p("%s", r.cfg.command)
	p("```")
	p("")
	p("on %s (took %s). N = %d generated rows, seed %d, %d rows per CreateContacts call.",
		r.started.UTC().Format("2006-01-02 15:04 MST"), r.finished.Sub(r.started).Round(time.Second), r.cfg.n, r.cfg.seed, r.cfg.batch)
	p("The generator (package contactgen) makes Indian, US and UK contacts with phones in mixed written forms,")
	p("about 5%% duplicates of earlier people and about 1%% invalid rows; the same seed loads the same data.")
	p("")
	r.writeMachine(p)
	r.writeTargets(p)
	r.writeLoad(p)
	for _, s := range r.cfg.suites {
		p("## %s", s.title)
		p("")
		p("%s", s.about)
		p("")
		for _, e := range r.engines {
			t := r.results[s.name][e.name]
			if t == nil {
				continue
			}
			p("### %s", e.name)
			p("")
			p("| measure | value | target | result |")
			p("|---|---|---|---|")
			for _, m := range t.rows {
				p("| %s | %s | %s | %s |", m.name, cell(m.value), cell(m.target), m.verdict)
			}
			p("")
			for _, n := range t.notes {
				p("- %s", n)
			}
			if len(t.notes) > 0 {
				p("")
			}
		}
	}
	return w.Flush()
}

func (r *report) writeMachine(p func(string, ...any)) {
	p("## Machine")
	p("")
	p("| | |")
	p("|---|---|")
	p("| CPU | %s, %d cores |", r.machine.cpu, r.machine.cores)
	p("| memory | %s |", gib(r.machine.memBytes))
	p("| OS | %s, Linux %s |", r.machine.os, r.machine.kernel)
	p("| Go | %s |", r.machine.goVersion)
	for _, e := range r.engines {
		p("| %s | %s |", e.name, e.version)
	}
	p("")
	p("The server, its SQLite database and the load-generating client share this machine's cores;")
	p("PostgreSQL runs on the same machine with the buffer cache the engine line names (the README says how")
	p("to size it) and otherwise its default configuration; where the server's autovacuum is off, the bench")
	p("runs what autovacuum would (see the engine line above).")
	p("")
}

// writeTargets repeats every figure that answers to a target, so that a
// reader sees at once what passes.
func (r *report) writeTargets(p func(string, ...any)) {
	p("## Targets")
	p("")
	p("| suite | engine | measure | value | target | result |")
	p("|---|---|---|---|---|---|")
	for _, s := range r.cfg.suites {
		for _, e := range r.engines {
			t := r.results[s.name][e.name]
			if t == nil {
				continue
			}
			for _, m := range t.rows {
				if m.verdict != "" {
					p("| %s | %s | %s | %s | %s | **%s** |", s.name, e.name, m.name, cell(m.value), cell(m.target), m.verdict)
				}
			}
		}
	}
	p("")
}

func (r *report) writeLoad(p func(string, ...any)) {
	p("## Load")
	p("")
	p("Every suite runs on a database loaded through `store.CreateContacts`, the bulk path imports use:")
	p("a fresh workspace (region IN), %d rows per call, each call one transaction.", r.cfg.batch)
	p("")
	p("| engine | rows | wall | rows/s | created | conflicts | invalid | as generated | database size | bench peak RSS | load average mean / peak |")
	p("|---|---|---|---|---|---|---|---|---|---|---|")
	for _, e := range r.engines {
		d := e.load
		as := "yes"
		if !d.matchesGenerator() {
			as = fmt.Sprintf("**no**: ok %d, dup %d, bad %d, other errors %d", d.kinds["ok"], d.kinds["dup"], d.kinds["bad"], d.other)
		}
		p("| %s | %d | %s | %.0f | %d | %d | %d | %s | %s | %s | %.1f / %.1f |", e.name, d.rows, d.wall.Round(100*time.Millisecond),
			d.rowsPerSecond(), d.created, d.conflicts, d.invalid, as, mib(e.dbBytes), mib(e.peakRSS), e.loadMean, e.loadPeak)
	}
	p("")
	p("\"as generated\": every generated ok row was created, every duplicate refused as a conflict and every")
	p("bad row refused as invalid. Peak RSS is the bench process's VmHWM after that engine's run (it only")
	p("grows, so a later engine's figure includes the earlier ones'). PostgreSQL's size is pg_database_size.")
	p("The load average, sampled every 5 s over the engine's whole run (load and suites), is the machine's:")
	p("the bench itself keeps about %d cores busy at most, so a higher figure means other work competed", r.machine.cores)
	p("for the CPU and every figure of that engine is slower than the code alone would be.")
	p("")
}

// cell keeps a value from breaking the table.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func mib(b int64) string {
	if b < 0 {
		return "unknown"
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}

func gib(b int64) string { return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30)) }
