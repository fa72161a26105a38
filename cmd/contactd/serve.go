package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/api"
	"github.com/contactd/contactd/importer"
	"github.com/contactd/contactd/jobs"
	"github.com/contactd/contactd/store"
)

func serve(ctx context.Context, cfg config) error {
	log := cfg.logger(os.Stderr)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	db, err := store.Open(ctx, cfg.dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := bootstrap(ctx, cfg, db, log); err != nil {
		return err
	}

	runner := jobs.New(db, log, jobs.Options{Workers: cfg.jobWorkers})
	importOpts := importer.Options{TempDir: cfg.tempDir}
	runner.Handle(contactd.JobKindImport, importer.NewHandler(db, log, importOpts))
	runCtx, stopRunner := context.WithCancel(context.WithoutCancel(ctx))
	runnerDone := make(chan struct{})
	go func() {
		defer close(runnerDone)
		runner.Run(runCtx)
	}()
	defer func() {
		// Jobs stop at their next batch; what they committed stays, and the
		// next start resumes them.
		stopRunner()
		<-runnerDone
	}()

	srv := &http.Server{
		Handler: api.New(db, log, api.Options{
			MaxUploadBytes: cfg.maxImportBytes, TempDir: cfg.tempDir, Import: importOpts, OnEnqueue: runner.Wake,
		}).Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (set CONTACTD_ADDR)", cfg.addr, err)
	}
	log.Info("contactd serving", "addr", ln.Addr().String(), "engine", db.Engine())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// SIGTERM: stop taking connections and let requests in flight finish.
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// bootstrap gives an empty database its first workspace and admin key, so a
// fresh install can be used at once. Several servers starting together on
// one empty PostgreSQL database agree: only one creates the workspace.
func bootstrap(ctx context.Context, cfg config, db *store.DB, log *slog.Logger) error {
	n, err := db.CountWorkspaces(ctx)
	if err != nil || n > 0 {
		return err
	}
	ws, err := db.CreateWorkspace(ctx, "default", cfg.defaultRegion)
	if contactd.ErrorCode(err) == contactd.EConflict {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create the first workspace: %w", err)
	}
	if cfg.bootstrapKey != "" {
		if _, err := db.StoreAPIKey(ctx, ws.ID, "bootstrap", contactd.RoleAdmin, cfg.bootstrapKey); err != nil {
			return fmt.Errorf("store CONTACTD_BOOTSTRAP_KEY: %w", err)
		}
		log.Info("created workspace \"default\" with the admin key from CONTACTD_BOOTSTRAP_KEY", "workspace_id", ws.ID)
		return nil
	}
	k, err := db.CreateAPIKey(ctx, ws.ID, "bootstrap", contactd.RoleAdmin, nil)
	if err != nil {
		return fmt.Errorf("create the first admin key: %w", err)
	}
	fmt.Fprintf(os.Stderr, "\nCreated workspace \"default\" and its admin API key (shown only now, keep it):\n\n    %s\n\n", k.Secret)
	return nil
}
