package main

// The invariants every crash test checks after its last restart, and a
// request that may fail (it races a kill) without failing the test.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/contactd/contactd/invariants"
)

// checkInvariants runs the shared checker of package invariants on the
// database at dsn and fails t with every violation it finds.
func checkInvariants(t *testing.T, dsn string, opts invariants.Options) {
	t.Helper()
	db, err := invariants.Open(dsn)
	if err != nil {
		t.Fatalf("open the database to check invariants: %v", err)
	}
	defer db.Close()
	if opts.Lease == 0 {
		opts.Lease, _ = time.ParseDuration(crashLease)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	found, err := invariants.Check(ctx, db, opts)
	for _, v := range found {
		t.Errorf("invariant broken: %s", v)
	}
	if err != nil {
		t.Fatalf("check invariants: %v", err)
	}
}

// try sends a request like server.do, but returns a failed connection (the
// server was killed under it) as an error instead of failing the test, so
// that it can run in a goroutine racing a kill.
func (s *server) try(method, path, key string, body any) (response, error) {
	var rd io.Reader
	if body != nil {
		buf, err := json.Marshal(body)
		if err != nil {
			return response{}, err
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, s.url+path, rd)
	if err != nil {
		return response{}, err
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("X-Api-Key", key)
	res, err := s.client.Do(req)
	if err != nil {
		return response{}, fmt.Errorf("%s %s on contactd %s: %w", method, path, s.name, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return response{}, fmt.Errorf("%s %s on contactd %s: read body: %w", method, path, s.name, err)
	}
	return response{method: method, path: path, status: res.StatusCode, header: res.Header, body: b}, nil
}
