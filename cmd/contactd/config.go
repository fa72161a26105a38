package main

import (
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"
)

type config struct {
	addr           string
	dsn            string
	bootstrapKey   string
	defaultRegion  string
	logFormat      string
	logLevel       string
	maxImportBytes int64
	tempDir        string
	jobWorkers     int
	jobLease       time.Duration
	rateLimit      float64       // requests per second per API key (and per anonymous address); 0: off
	rateBurst      int           // requests at once
	requestTimeout time.Duration // deadline of every handler but uploads and streams
	maxImports     int           // imports queued or running per workspace; 0: no cap
}

func configFromEnv() config {
	get := func(name, def string) string {
		if v := strings.TrimSpace(os.Getenv(name)); v != "" {
			return v
		}
		return def
	}
	return config{
		addr:           get("CONTACTD_ADDR", "127.0.0.1:8080"),
		dsn:            get("CONTACTD_DB", "contactd-data/contactd.db"),
		bootstrapKey:   os.Getenv("CONTACTD_BOOTSTRAP_KEY"),
		defaultRegion:  get("CONTACTD_DEFAULT_REGION", "IN"),
		logFormat:      get("CONTACTD_LOG_FORMAT", "text"),
		logLevel:       get("CONTACTD_LOG_LEVEL", "info"),
		maxImportBytes: getInt("CONTACTD_MAX_IMPORT_BYTES", 512<<20),
		tempDir:        os.Getenv("CONTACTD_TEMP_DIR"),
		jobWorkers:     int(getInt("CONTACTD_JOB_WORKERS", 1)),
		jobLease:       getDuration("CONTACTD_JOB_LEASE", 15*time.Second),
		rateLimit:      getFloatOrZero("CONTACTD_RATE_LIMIT", 50),
		rateBurst:      int(getInt("CONTACTD_RATE_BURST", 200)),
		requestTimeout: getDuration("CONTACTD_REQUEST_TIMEOUT", 30*time.Second),
		maxImports:     int(getFloatOrZero("CONTACTD_MAX_ACTIVE_IMPORTS", 3)),
	}
}

// getFloatOrZero reads a number where 0 means "off"; unset, unparsable or
// negative gives def.
func getFloatOrZero(name string, def float64) float64 {
	v, err := strconv.ParseFloat(strings.TrimSpace(os.Getenv(name)), 64)
	if err != nil || v < 0 || v != v {
		return def
	}
	return v
}

func getInt(name string, def int64) int64 {
	v, err := strconv.ParseInt(strings.TrimSpace(os.Getenv(name)), 10, 64)
	if err != nil || v <= 0 {
		return def
	}
	return v
}

// getDuration reads a Go duration ("15s", "2m"); unset, unparsable or not
// positive gives def.
func getDuration(name string, def time.Duration) time.Duration {
	d, err := time.ParseDuration(strings.TrimSpace(os.Getenv(name)))
	if err != nil || d <= 0 {
		return def
	}
	return d
}

func (c config) logger(w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
