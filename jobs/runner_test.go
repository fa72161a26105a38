package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/jobs"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// recorder is a handler whose behaviour a test scripts.
type recorder struct {
	mu      sync.Mutex
	runs    int
	gaveUp  error
	outcome func(run int) error
	done    chan struct{}
}

func (h *recorder) Run(ctx context.Context, job *contactd.Job) error {
	h.mu.Lock()
	h.runs++
	n := h.runs
	h.mu.Unlock()
	err := h.outcome(n)
	if err == nil {
		close(h.done)
	}
	return err
}

func (h *recorder) GiveUp(ctx context.Context, job *contactd.Job, err error) {
	h.mu.Lock()
	h.gaveUp = err
	h.mu.Unlock()
	close(h.done)
}

func enqueue(t *testing.T, db *store.DB, ctx context.Context) {
	t.Helper()
	f, err := db.StoreFile(ctx, "a.csv", strings.NewReader("Phone\n"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateImport(ctx, f.ID, "a.csv", contactd.ImportOptions{Mode: "create_or_update", MatchOn: "phone_e164"}); err != nil {
		t.Fatal(err)
	}
}

func runUntil(t *testing.T, db *store.DB, h *recorder, opts jobs.Options) {
	t.Helper()
	r := jobs.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), opts)
	r.Handle(contactd.JobKindImport, h)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { r.Run(ctx); close(stopped) }()
	select {
	case <-h.done:
	case <-time.After(20 * time.Second):
		t.Fatal("the job did not end")
	}
	cancel()
	<-stopped
}

func TestTransientErrorsRetryThenSucceed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		enqueue(t, db, ctx)
		now := time.Now()
		db.SetNow(func() time.Time { now = now.Add(time.Minute); return now }) // every backoff has passed
		h := &recorder{done: make(chan struct{}), outcome: func(n int) error {
			if n < 3 {
				return errors.New("database went away")
			}
			return nil
		}}
		runUntil(t, db, h, jobs.Options{Poll: 5 * time.Millisecond})
		if h.runs != 3 || h.gaveUp != nil {
			t.Fatalf("runs %d, gave up %v", h.runs, h.gaveUp)
		}
	})
}

func TestFinalErrorsGiveUpAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		enqueue(t, db, ctx)
		h := &recorder{done: make(chan struct{}), outcome: func(int) error {
			return contactd.Errorf(contactd.EInvalid, "the file is not a contact file")
		}}
		runUntil(t, db, h, jobs.Options{Poll: 5 * time.Millisecond})
		if h.runs != 1 || contactd.ErrorCode(h.gaveUp) != contactd.EInvalid {
			t.Fatalf("runs %d, gave up %v", h.runs, h.gaveUp)
		}
	})
}

// A job whose server died on every attempt is failed for good instead of
// being taken over for ever.
func TestJobThatKillsItsServerEndsFailed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		enqueue(t, db, ctx)
		now := time.Now()
		db.SetNow(func() time.Time { return now })
		for i := 0; i < 3; i++ { // three servers claim it and die
			if j, err := db.ClaimJob(ctx, "dead", time.Second); err != nil || j == nil {
				t.Fatalf("claim %d: %v %v", i, j, err)
			}
			now = now.Add(2 * time.Second)
		}
		h := &recorder{done: make(chan struct{}), outcome: func(int) error { return nil }}
		runUntil(t, db, h, jobs.Options{Poll: 5 * time.Millisecond, MaxAttempts: 3})
		if h.runs != 0 || h.gaveUp == nil {
			t.Fatalf("runs %d, gave up %v", h.runs, h.gaveUp)
		}
	})
}
