package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/contactd/contactd/api"
	"github.com/contactd/contactd/store"
)

// server is the real API handler on a loopback port, and a keep-alive
// client for it: requests go through the kernel's TCP stack as a client's
// would, not through a recorder.
type server struct {
	http   *http.Server
	base   string
	key    string
	client *http.Client
}

func startServer(db *store.DB, key string) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := newClient("http://"+ln.Addr().String(), key)
	s.http = &http.Server{Handler: api.New(db, log, api.Options{}).Handler(), ReadHeaderTimeout: 10 * time.Second}
	go s.http.Serve(ln)
	return s, nil
}

// newClient is a keep-alive client of the server at base; http is left
// nil for a server of another process.
func newClient(base, key string) *server {
	return &server{
		base: base,
		key:  key,
		client: &http.Client{
			Timeout:   60 * time.Second,
			Transport: &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64, IdleConnTimeout: time.Minute},
		},
	}
}

func (s *server) close() {
	if s.http == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.http.Shutdown(ctx)
}

// get requests path and returns how long the whole answer took to arrive.
// Decoding into out (when non-nil) happens after the clock stops: a client's
// JSON parsing is not the server's latency.
func (s *server) get(path string, out any) (time.Duration, error) {
	return s.getCtx(context.Background(), path, out)
}

// getCtx is get bounded by ctx; a request it cuts short returns an error
// that wraps context.DeadlineExceeded.
func (s *server) getCtx(ctx context.Context, path string, out any) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+path, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("X-Api-Key", s.key)
	start := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	if err != nil {
		return d, err
	}
	if resp.StatusCode != http.StatusOK {
		return d, fmt.Errorf("GET %s: %s: %.300s", path, resp.Status, body)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			return d, fmt.Errorf("GET %s: %w", path, err)
		}
	}
	return d, nil
}
