// Package jobs runs contactd's durable background work (imports, exports)
// from the jobs table. Jobs survive restarts: a job is claimed with a lease
// that the runner renews while the work goes on; a server killed mid-job
// stops renewing, the lease lapses, and the next runner to poll (the same
// server restarted, or another) takes the job over. Work must therefore be
// resumable, which each kind guarantees by committing its progress together
// with its effects.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
)

// Handler does one kind of work.
type Handler interface {
	// Run does (or resumes) the work of job. A returned *contactd.Error is
	// final; any other error is retried with backoff.
	Run(ctx context.Context, job *contactd.Job) error
	// GiveUp records that job failed for good with err.
	GiveUp(ctx context.Context, job *contactd.Job, err error)
}

// Options tune a Runner.
type Options struct {
	Workers     int           // jobs run at once (default 1)
	Lease       time.Duration // how long a claim holds without renewal (default 15s)
	Poll        time.Duration // how often to look for work (default 500ms)
	MaxAttempts int           // tries before giving up, a server's death included (default 8)
}

// Runner polls for jobs and runs them.
type Runner struct {
	db       *store.DB
	log      *slog.Logger
	opts     Options
	handlers map[string]Handler
	owner    string
	wake     chan struct{}
}

// New returns a runner; register handlers before Run.
func New(db *store.DB, log *slog.Logger, opts Options) *Runner {
	if opts.Workers <= 0 {
		opts.Workers = 1
	}
	if opts.Lease <= 0 {
		opts.Lease = 15 * time.Second
	}
	if opts.Poll <= 0 {
		opts.Poll = 500 * time.Millisecond
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 8
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return &Runner{db: db, log: log, opts: opts, handlers: map[string]Handler{},
		owner: "runner-" + hex.EncodeToString(b), wake: make(chan struct{}, 1)}
}

// Handle registers h for kind.
func (r *Runner) Handle(kind string, h Handler) { r.handlers[kind] = h }

// Wake makes an idle runner look for work now (after an enqueue in this
// process) instead of at its next poll.
func (r *Runner) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run works until ctx ends, then waits for running jobs to stop at their
// next safe point.
func (r *Runner) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for i := 0; i < r.opts.Workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.loop(ctx)
		}()
	}
	wg.Wait()
}

func (r *Runner) loop(ctx context.Context) {
	for ctx.Err() == nil {
		job, err := r.db.ClaimJob(ctx, r.owner, r.opts.Lease)
		if err != nil && ctx.Err() == nil {
			r.log.Error("claim job", "error", err)
		}
		if job == nil {
			select {
			case <-ctx.Done():
			case <-r.wake:
			case <-time.After(r.opts.Poll):
			}
			continue
		}
		r.run(ctx, job)
	}
}

func (r *Runner) run(ctx context.Context, job *contactd.Job) {
	log := r.log.With("job_id", job.ID, "kind", job.Kind, "ref_id", job.RefID, "workspace_id", job.WorkspaceID, "attempt", job.Attempts)
	h := r.handlers[job.Kind]
	// A job whose earlier runs all died with their server (out of memory on
	// some file, say) would otherwise be taken over for ever: past the
	// attempts it fails for good, and says so.
	if job.Attempts > r.opts.MaxAttempts {
		err := fmt.Errorf("the job was started %d times without finishing; its server stopped each time", job.Attempts-1)
		log.Error("job failed", "error", err)
		if h != nil {
			h.GiveUp(contactd.WithActor(context.WithoutCancel(ctx), contactd.Actor{WorkspaceID: job.WorkspaceID, Role: contactd.RoleAdmin}), job, err)
		}
		r.finish(context.WithoutCancel(ctx), job, true, err.Error())
		return
	}
	// The job's work acts in its workspace; the handler sets the key.
	jobCtx, cancel := context.WithCancel(contactd.WithActor(ctx, contactd.Actor{WorkspaceID: job.WorkspaceID, Role: contactd.RoleAdmin}))
	defer cancel()
	lost := make(chan struct{})
	go r.renew(jobCtx, job, cancel, lost)

	start := time.Now()
	err := r.safeRun(jobCtx, h, job)
	cancel()
	select {
	case <-lost:
		log.Warn("lease lost; another runner has the job")
		return
	default:
	}
	bg := context.WithoutCancel(ctx)
	var final *contactd.Error
	switch {
	case err == nil:
		log.Info("job done", "duration", time.Since(start))
		r.finish(bg, job, false, "")
	case ctx.Err() != nil:
		// Shutting down: leave the job to the next runner without counting
		// it as a failure; its progress is committed.
		log.Info("job paused for shutdown")
		_ = r.db.RetryJob(bg, job, r.owner, 0, "paused for shutdown")
	case errors.As(err, &final) || job.Attempts >= r.opts.MaxAttempts:
		log.Error("job failed", "error", err)
		if h != nil {
			h.GiveUp(contactd.WithActor(bg, contactd.Actor{WorkspaceID: job.WorkspaceID, Role: contactd.RoleAdmin}), job, err)
		}
		r.finish(bg, job, true, err.Error())
	default:
		delay := time.Duration(1<<min(job.Attempts, 6)) * time.Second
		log.Warn("job will retry", "error", err, "delay", delay)
		_ = r.db.RetryJob(bg, job, r.owner, delay, err.Error())
	}
}

func (r *Runner) safeRun(ctx context.Context, h Handler, job *contactd.Job) (err error) {
	if h == nil {
		return contactd.Errorf(contactd.EInternal, "no handler for job kind %q", job.Kind)
	}
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v\n%s", v, debug.Stack())
		}
	}()
	return h.Run(ctx, job)
}

func (r *Runner) finish(ctx context.Context, job *contactd.Job, failed bool, msg string) {
	if err := r.db.FinishJob(ctx, job, r.owner, failed, msg); err != nil {
		r.log.Error("finish job", "job_id", job.ID, "error", err)
	}
}

// renew keeps the lease while the job runs, at a third of its length so a
// slow transaction does not cost it.
func (r *Runner) renew(ctx context.Context, job *contactd.Job, cancel func(), lost chan struct{}) {
	t := time.NewTicker(r.opts.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			err := r.db.RenewLease(context.WithoutCancel(ctx), job, r.owner, r.opts.Lease)
			if errors.Is(err, store.ErrLeaseLost) {
				close(lost)
				cancel()
				return
			}
			if err != nil {
				r.log.Warn("renew lease", "job_id", job.ID, "error", err)
			}
		}
	}
}
