package atlasmock

import (
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Log records what a program logs through ctx.Log; the mock engine drops it.
// Install it with ctx.Log = log.Wrap(ctx.Log) at the start of the program.
type Log struct {
	mu      sync.Mutex
	entries []LogEntry
}

// LogEntry is one recorded message.
type LogEntry struct {
	Severity string
	Message  string
}

// Wrap returns a pulumi.Log that records every message, then passes it on.
func (l *Log) Wrap(inner pulumi.Log) pulumi.Log { return &recordingLog{log: l, inner: inner} }

// Entries returns every recorded message, in order.
func (l *Log) Entries() []LogEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]LogEntry(nil), l.entries...)
}

// Warnings returns the warning messages.
func (l *Log) Warnings() []string {
	var warnings []string
	for _, e := range l.Entries() {
		if e.Severity == "warning" {
			warnings = append(warnings, e.Message)
		}
	}
	return warnings
}

func (l *Log) add(severity, msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, LogEntry{Severity: severity, Message: msg})
}

type recordingLog struct {
	log   *Log
	inner pulumi.Log
}

func (r *recordingLog) Debug(msg string, args *pulumi.LogArgs) error {
	r.log.add("debug", msg)
	return r.inner.Debug(msg, args)
}

func (r *recordingLog) Info(msg string, args *pulumi.LogArgs) error {
	r.log.add("info", msg)
	return r.inner.Info(msg, args)
}

func (r *recordingLog) Warn(msg string, args *pulumi.LogArgs) error {
	r.log.add("warning", msg)
	return r.inner.Warn(msg, args)
}

func (r *recordingLog) Error(msg string, args *pulumi.LogArgs) error {
	r.log.add("error", msg)
	return r.inner.Error(msg, args)
}
