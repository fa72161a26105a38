// Command contactd-bench loads generated contacts into a fresh database of
// each engine, serves them with the real HTTP handler and measures what
// users wait for, then writes BENCHMARKS.md.
//
//	go run ./cmd/contactd-bench -engines sqlite,postgres -n 1000000
//
// Every suite runs on the same loaded database, through HTTP on loopback,
// so the figures include routing, authentication and JSON, as a client
// would see them.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"time"
)

type config struct {
	engines []string
	suites  []suite
	n       int
	seed    uint64
	batch   int
	pgURL   string
	out     string
	dir     string
	keep    bool
	cpuProf string
	command string // as typed, for the report
	// importRows is the size of the file the imports suite imports
	// (default: n, a file as big as the loaded workspace).
	importRows int
}

// benchConfig is the run's configuration, for suites that need more than
// their target (the imports suite's file size and folder).
var benchConfig *config

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "contactd-bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "contactd-bench:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (*config, error) {
	fs := flag.NewFlagSet("contactd-bench", flag.ContinueOnError)
	engines := fs.String("engines", "sqlite,postgres", "engines to measure, comma-separated")
	suites := fs.String("suites", suiteNames(), "suites to run, comma-separated")
	cfg := &config{}
	fs.IntVar(&cfg.n, "n", 1_000_000, "generated rows to load (about 94% become contacts)")
	fs.Uint64Var(&cfg.seed, "seed", 1, "generator seed; the same seed loads the same data")
	fs.IntVar(&cfg.batch, "batch", 1000, "rows per CreateContacts call")
	fs.StringVar(&cfg.pgURL, "pg", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "PostgreSQL server; the bench creates and drops the database contactd_bench there")
	fs.StringVar(&cfg.out, "out", "BENCHMARKS.md", "report to write")
	fs.StringVar(&cfg.dir, "dir", "./bench-data", "folder for the SQLite database")
	fs.BoolVar(&cfg.keep, "keep", false, "keep the databases afterwards, to inspect query plans")
	fs.StringVar(&cfg.cpuProf, "cpuprofile", "", "write a CPU profile of the whole run to this file")
	fs.IntVar(&cfg.importRows, "import-rows", 0, "rows of the file the imports suite imports (default: -n)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if cfg.n <= 0 || cfg.batch <= 0 {
		return nil, fmt.Errorf("-n and -batch must be positive")
	}
	for _, e := range strings.Split(*engines, ",") {
		e = strings.TrimSpace(e)
		if e != engineSQLite && e != enginePostgres {
			return nil, fmt.Errorf("unknown engine %q (want sqlite or postgres)", e)
		}
		cfg.engines = append(cfg.engines, e)
	}
	for _, name := range strings.Split(*suites, ",") {
		s, ok := findSuite(strings.TrimSpace(name))
		if !ok {
			return nil, fmt.Errorf("unknown suite %q (have %s)", name, suiteNames())
		}
		cfg.suites = append(cfg.suites, s)
	}
	cfg.command = "go run ./cmd/contactd-bench " + strings.Join(args, " ")
	return cfg, nil
}

// run measures every engine in turn and writes the report only when all of
// them finished: a report with a missing engine would read as complete.
func run(ctx context.Context, cfg *config) error {
	benchConfig = cfg
	if cfg.cpuProf != "" {
		f, err := os.Create(cfg.cpuProf)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	rep := &report{cfg: cfg, started: time.Now(), machine: readMachine(), results: map[string]map[string]*table{}}
	for _, name := range cfg.engines {
		res, err := measureEngine(ctx, cfg, name)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		rep.engines = append(rep.engines, res)
		for suite, t := range res.tables {
			if rep.results[suite] == nil {
				rep.results[suite] = map[string]*table{}
			}
			rep.results[suite][name] = t
		}
	}
	rep.finished = time.Now()
	f, err := os.Create(cfg.out)
	if err != nil {
		return err
	}
	if err := rep.write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	progress("wrote %s", cfg.out)
	return nil
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05")+" "+format+"\n", args...)
}
