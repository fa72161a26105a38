package jobs

import (
	"context"
	"log/slog"

	"github.com/contactd/contactd"
)

// Func makes a Handler of run, for jobs whose work is one store call and
// whose final failure needs only a log line (housekeeping: sweeps,
// expiries).
func Func(log *slog.Logger, run func(ctx context.Context, job *contactd.Job) error) Handler {
	return funcHandler{log: log, run: run}
}

type funcHandler struct {
	log *slog.Logger
	run func(ctx context.Context, job *contactd.Job) error
}

func (h funcHandler) Run(ctx context.Context, job *contactd.Job) error { return h.run(ctx, job) }

func (h funcHandler) GiveUp(_ context.Context, job *contactd.Job, err error) {
	h.log.Error("job failed for good", "kind", job.Kind, "ref_id", job.RefID, "workspace_id", job.WorkspaceID, "error", err)
}
