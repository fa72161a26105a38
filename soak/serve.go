package soak

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/api"
	"github.com/contactd/contactd/exporter"
	"github.com/contactd/contactd/importer"
	"github.com/contactd/contactd/jobs"
	"github.com/contactd/contactd/store"
)

// Serve runs what contactd serve runs, in this process: the real API
// handler on a loopback port and a job runner for imports and exports, on
// db, logging to log. stop shuts both down and waits for them.
func Serve(db *store.DB, log *slog.Logger) (baseURL string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	runner := jobs.New(db, log, jobs.Options{Poll: 100 * time.Millisecond})
	runner.Handle(contactd.JobKindImport, importer.NewHandler(db, log, importer.Options{}))
	runner.Handle(contactd.JobKindExport, exporter.NewHandler(db, log, exporter.Options{}))
	runCtx, stopRunner := context.WithCancel(context.Background())
	runnerDone := make(chan struct{})
	go func() {
		defer close(runnerDone)
		runner.Run(runCtx)
	}()
	srv := &http.Server{
		Handler:           api.New(db, log, api.Options{OnEnqueue: runner.Wake}).Handler(),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		stopRunner()
		<-runnerDone
	}, nil
}
