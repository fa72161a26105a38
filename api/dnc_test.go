package api_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/dncimport"
	"github.com/contactd/contactd/importer"
	"github.com/contactd/contactd/jobs"
)

// uploadDNC posts a multipart DNC import with fields and one file.
func (e *env) uploadDNC(key string, fields map[string]string, filename, content string) response {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if filename != "" {
		fw, _ := mw.CreateFormFile("file", filename)
		io.WriteString(fw, content)
	}
	mw.Close()
	return e.do("POST", "/api/v1/dnc/import", key, buf.Bytes(), "Content-Type", mw.FormDataContentType())
}

// startJobs works contact and DNC imports in the background.
func (e *env) startJobs() {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	r := jobs.New(e.db, log, jobs.Options{Poll: 20 * time.Millisecond})
	r.Handle(contactd.JobKindImport, importer.NewHandler(e.db, log, importer.Options{}))
	r.Handle(contactd.JobKindDNCImport, dncimport.NewHandler(e.db, log, dncimport.Options{BatchSize: 3}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	e.t.Cleanup(func() { cancel(); <-done })
}

func (e *env) waitDNCImport(id int64) map[string]any {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		imp := e.do("GET", fmt.Sprintf("/api/v1/dnc/imports/%d", id), e.read, nil).json(e.t)
		switch imp["status"] {
		case "completed", "failed", "cancelled":
			return imp
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.t.Fatalf("dnc import %d did not end", id)
	return nil
}

func id(t *testing.T, r response) int64 {
	t.Helper()
	v, ok := r.json(t)["id"].(float64)
	if !ok {
		t.Fatalf("no id in %s", r.body)
	}
	return int64(v)
}

var _ = strings.Contains
