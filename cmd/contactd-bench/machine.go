package main

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// machine describes where the figures were taken; they mean little without it.
type machine struct {
	cpu, os, kernel, goVersion string
	cores                      int
	memBytes                   int64
}

func readMachine() machine {
	m := machine{cpu: "unknown", os: runtime.GOOS, cores: runtime.NumCPU(), goVersion: runtime.Version()}
	if v := procField("/proc/cpuinfo", "model name"); v != "" {
		m.cpu = v
	}
	if v := procField("/proc/meminfo", "MemTotal"); v != "" {
		m.memBytes = kib(v)
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.kernel = strings.TrimSpace(string(b))
	}
	if v := procField("/etc/os-release", "PRETTY_NAME"); v != "" {
		m.os = strings.Trim(v, `"`)
	}
	return m
}

// peakRSS is the bench process's resident-set high-water mark (VmHWM): the
// server, the SQLite page cache and the client all live in it.
func peakRSS() int64 { return kib(procField("/proc/self/status", "VmHWM")) }

// procField returns the value of the first "key: value" or "key=value" line.
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			k, v, ok = strings.Cut(sc.Text(), "=")
		}
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// kib parses "123456 kB" into bytes.
func kib(v string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(v, "kB")), 10, 64)
	if err != nil {
		return 0
	}
	return n * 1024
}

// loadSampler samples the 1-minute load average while an engine is
// measured. The machine may be shared: figures taken while other work
// competes for the cores are slower than the code, and the report says so.
type loadSampler struct {
	mu      sync.Mutex
	samples []float64
	done    chan struct{}
}

func sampleLoad(every time.Duration) *loadSampler {
	s := &loadSampler{done: make(chan struct{})}
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-s.done:
				return
			case <-t.C:
				if v, ok := loadAvg(); ok {
					s.mu.Lock()
					s.samples = append(s.samples, v)
					s.mu.Unlock()
				}
			}
		}
	}()
	return s
}

// stop ends the sampling and returns the mean and highest load seen.
func (s *loadSampler) stop() (mean, peak float64) {
	close(s.done)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range s.samples {
		mean += v
		peak = max(peak, v)
	}
	if len(s.samples) > 0 {
		mean /= float64(len(s.samples))
	}
	return mean, peak
}

func loadAvg() (float64, bool) {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0, false
	}
	v, err := strconv.ParseFloat(f[0], 64)
	return v, err == nil
}
