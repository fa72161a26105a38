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
	"github.com/contactd/contactd/dncimport"
	"github.com/contactd/contactd/exporter"
	"github.com/contactd/contactd/importer"
	"github.com/contactd/contactd/jobs"
	"github.com/contactd/contactd/phone"
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

	// Build the phone fast path's tables now rather than in the first
	// request or import that needs them.
	phone.Warm()
	runner := jobs.New(db, log, jobs.Options{Workers: cfg.jobWorkers, Lease: cfg.jobLease})
	importOpts := importer.Options{TempDir: cfg.tempDir}
	runner.Handle(contactd.JobKindImport, importer.NewHandler(db, log, importOpts))
	runner.Handle(contactd.JobKindExport, exporter.NewHandler(db, log, exporter.Options{TempDir: cfg.tempDir}))
	runner.Handle(contactd.JobKindExportExpiry, exporter.NewExpiryHandler(db, log))
	runner.Handle(contactd.JobKindUploadSweep, jobs.Func(log, func(ctx context.Context, job *contactd.Job) error {
		return db.SweepUpload(ctx, job.RefID)
	}))
	runner.Handle(contactd.JobKindDNCImport, dncimport.NewHandler(db, log, dncimport.Options{TempDir: cfg.tempDir}))
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
			RateLimit:      api.RateLimit{Rate: cfg.rateLimit, Burst: cfg.rateBurst},
			RequestTimeout: cfg.requestTimeout, MaxActiveImports: cfg.maxImports,
		}).Handler(),
		// No ReadTimeout or WriteTimeout: one value for the whole server
		// would either cut a 512 MB upload or a long export download, or be
		// long enough for slowloris clients to hold connections all that
		// time. The API sets each request's deadlines instead (see
		// api/timeouts.go): the request timeout for ordinary requests, a
		// minimum pace for uploads and streamed answers. Headers must come
		// within ReadHeaderTimeout; an idle connection closes after
		// IdleTimeout.
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

// bootstrap gives a database without any API key its first workspace and
// admin key, so a fresh install can be used at once. It keys on "no key
// yet" rather than "no workspace yet" so that a start that died between the
// two steps, or a workspace made with the CLI first, still gets its key.
// Several servers starting together on one empty PostgreSQL database agree:
// only one creates the workspace.
func bootstrap(ctx context.Context, cfg config, db *store.DB, log *slog.Logger) error {
	n, err := db.CountAPIKeys(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		if cfg.bootstrapKey != "" {
			if _, err := db.Authenticate(ctx, cfg.bootstrapKey); err != nil {
				log.Warn("CONTACTD_BOOTSTRAP_KEY is ignored: the database already has API keys, and this is not one of them; create keys with contactd key create")
			}
		}
		return nil
	}
	ws, err := db.FindWorkspaceByName(ctx, "default")
	if contactd.ErrorCode(err) == contactd.ENotFound {
		ws, err = db.CreateWorkspace(ctx, "default", cfg.defaultRegion)
		if contactd.ErrorCode(err) == contactd.EConflict {
			ws, err = db.FindWorkspaceByName(ctx, "default") // another server won the race
		}
	}
	if err != nil {
		return fmt.Errorf("create the first workspace: %w", err)
	}
	if cfg.bootstrapKey != "" {
		if _, err := db.StoreAPIKey(ctx, ws.ID, "bootstrap", contactd.RoleAdmin, cfg.bootstrapKey); err != nil {
			if contactd.ErrorCode(err) == contactd.EConflict {
				return nil
			}
			return fmt.Errorf("store CONTACTD_BOOTSTRAP_KEY: %w", err)
		}
		log.Info("created the admin key from CONTACTD_BOOTSTRAP_KEY", "workspace", ws.Name, "workspace_id", ws.ID)
		return nil
	}
	k, err := db.CreateAPIKey(ctx, ws.ID, "bootstrap", contactd.RoleAdmin, nil)
	if err != nil {
		return fmt.Errorf("create the first admin key: %w", err)
	}
	fmt.Fprintf(os.Stderr, "\nCreated the admin API key of workspace %q (shown only now, keep it):\n\n    %s\n\n", ws.Name, k.Secret)
	return nil
}
