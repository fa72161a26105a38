package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/contactd/contactd"
)

// process is a real contactd server started from this checkout on the
// bench's database, for measurements that must see the server alone (its
// memory) and the whole path of a request (upload, job, progress).
type process struct {
	cmd *exec.Cmd
	srv *server
}

// startProcess builds cmd/contactd and serves dsn with it.
func startProcess(ctx context.Context, cfg *config, dsn, key string) (*process, error) {
	bin := filepath.Join(cfg.dir, "contactd-bench-server")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/contactd")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		return nil, fmt.Errorf("build contactd (run the bench from the repository root): %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"CONTACTD_DB="+dsn, "CONTACTD_ADDR="+addr, "CONTACTD_LOG_LEVEL=warn",
		"CONTACTD_RATE_LIMIT=0", "CONTACTD_TEMP_DIR="+cfg.dir, "CONTACTD_MAX_IMPORT_BYTES="+strconv.Itoa(4<<30))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, srv: newClient("http://"+addr, key)}
	for deadline := time.Now().Add(60 * time.Second); ; {
		if _, err := p.srv.get("/healthz", nil); err == nil {
			return p, nil
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("contactd did not answer /healthz on %s within a minute", addr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (p *process) stop() {
	p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
}

// peakRSS is the server's resident-set high-water mark so far.
func (p *process) peakRSS() int64 {
	return kib(procField(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid), "VmHWM"))
}

// importFile uploads path (streamed, never read whole) and follows the
// import until it ends.
func (p *process) importFile(ctx context.Context, path string) (*contactd.ContactImport, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile("file", filepath.Base(path))
		if err == nil {
			_, err = io.Copy(part, f)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.srv.base+"/api/v1/contacts/import", pr)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-Api-Key", p.srv.key)
	resp, err := (&http.Client{}).Do(req)
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return nil, fmt.Errorf("upload: %s: %.300s", resp.Status, body)
	}
	var imp contactd.ContactImport
	if err := json.Unmarshal(body, &imp); err != nil {
		return nil, err
	}
	lastReport := time.Now()
	for {
		if _, err := p.srv.getCtx(ctx, fmt.Sprintf("/api/v1/contact-imports/%d", imp.ID), &imp); err != nil {
			return nil, err
		}
		switch imp.Status {
		case contactd.JobCompleted, contactd.JobFailed, contactd.JobCancelled:
			return &imp, nil
		}
		if time.Since(lastReport) > 10*time.Second {
			progress("  import %d: %d of %d rows", imp.ID, imp.ProcessedRows, imp.TotalRows)
			lastReport = time.Now()
		}
		time.Sleep(200 * time.Millisecond)
	}
}
