package main

import (
	"io"
	"log/slog"
	"os"
	"strings"
)

type config struct {
	addr          string
	dsn           string
	bootstrapKey  string
	defaultRegion string
	logFormat     string
	logLevel      string
}

func configFromEnv() config {
	get := func(name, def string) string {
		if v := strings.TrimSpace(os.Getenv(name)); v != "" {
			return v
		}
		return def
	}
	return config{
		addr:          get("CONTACTD_ADDR", "127.0.0.1:8080"),
		dsn:           get("CONTACTD_DB", "contactd-data/contactd.db"),
		bootstrapKey:  os.Getenv("CONTACTD_BOOTSTRAP_KEY"),
		defaultRegion: get("CONTACTD_DEFAULT_REGION", "IN"),
		logFormat:     get("CONTACTD_LOG_FORMAT", "text"),
		logLevel:      get("CONTACTD_LOG_LEVEL", "info"),
	}
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
