package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/contactgen"
	"github.com/contactd/contactd/store"
)

// sampleSize is how many loaded contacts the suites draw their queries from.
const sampleSize = 4000

// dataset is what the load left in the database.
type dataset struct {
	rows                        int
	created, conflicts, invalid int
	other                       int            // errors of any other code: a store bug
	kinds                       map[string]int // generator row kinds, to check the counts against
	wall                        time.Duration
	ids                         []int64   // every created contact
	sample                      []sampled // a uniform sample of created contacts
}

// sampled is a created contact and the row it came from.
type sampled struct {
	id  int64
	row contactgen.Row
}

func (d *dataset) rowsPerSecond() float64 { return float64(d.rows) / d.wall.Seconds() }

// load writes cfg.n generated rows through CreateContacts, the bulk path an
// import uses, and keeps a reservoir sample of what was created. analyze,
// when not nil, runs when PostgreSQL's default autovacuum would analyze
// (50 rows + 10% of the table changed) and at the end, inside the timed load.
func load(ctx context.Context, db *store.DB, cfg *config, analyze func(context.Context) error) (*dataset, error) {
	d := &dataset{kinds: map[string]int{}, ids: make([]int64, 0, cfg.n)}
	gen := contactgen.New(cfg.seed)
	pick := rand.New(rand.NewPCG(cfg.seed, 0x5A3D))
	rows := make([]contactgen.Row, 0, cfg.batch)
	inputs := make([]contactd.ContactInput, 0, cfg.batch)
	start := time.Now()
	nextReport := 100_000
	analyzed := 0 // rows when statistics were last refreshed
	for d.rows < cfg.n {
		rows, inputs = rows[:0], inputs[:0]
		for len(rows) < cfg.batch && d.rows+len(rows) < cfg.n {
			r := gen.Next()
			rows = append(rows, r)
			inputs = append(inputs, r.Input())
		}
		results, err := db.CreateContacts(ctx, inputs)
		if err != nil {
			return nil, fmt.Errorf("load rows %d-%d: %w", d.rows, d.rows+len(rows), err)
		}
		for i, res := range results {
			d.kinds[rows[i].Kind]++
			switch code := contactd.ErrorCode(res.Err); {
			case res.Err == nil:
				d.created++
				d.ids = append(d.ids, res.ID)
				// Reservoir sampling: every created contact is equally
				// likely to be in the sample, early or late.
				if len(d.sample) < sampleSize {
					d.sample = append(d.sample, sampled{res.ID, rows[i]})
				} else if j := pick.IntN(d.created); j < sampleSize {
					d.sample[j] = sampled{res.ID, rows[i]}
				}
			case code == contactd.EConflict:
				d.conflicts++
			case code == contactd.EInvalid || code == contactd.EInvalidPhone || code == contactd.EInvalidEmail:
				d.invalid++
			default:
				d.other++
				if d.other <= 5 {
					progress("row %d: unexpected error: %v", d.rows+i, res.Err)
				}
			}
		}
		d.rows += len(rows)
		if analyze != nil && (d.rows-analyzed >= 50+analyzed/10 || d.rows == cfg.n) {
			if err := analyze(ctx); err != nil {
				return nil, fmt.Errorf("analyze: %w", err)
			}
			analyzed = d.rows
		}
		if d.rows >= nextReport || d.rows == cfg.n {
			el := time.Since(start)
			progress("  %d rows in %s, %.0f rows/s", d.rows, el.Round(time.Second), float64(d.rows)/el.Seconds())
			nextReport += 100_000
		}
	}
	d.wall = time.Since(start)
	return d, nil
}

// matchesGenerator reports whether the store sorted the rows as the
// generator made them: every ok row created, every dup a conflict, every
// bad row refused.
func (d *dataset) matchesGenerator() bool {
	return d.created == d.kinds[contactgen.KindOK] && d.conflicts == d.kinds[contactgen.KindDup] &&
		d.invalid == d.kinds[contactgen.KindBad] && d.other == 0
}
