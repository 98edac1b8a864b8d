package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzParseExpiries: any input either fails with an error or yields
// statuses sorted by expiry with a known state; never a panic.
func FuzzParseExpiries(f *testing.F) {
	for _, name := range []string{"stack-output.json", "stack-output-show-secrets.json", "not-outputs.json"} {
		if raw, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(raw, int64(336))
		}
	}
	f.Add([]byte(`{"orgs":{"a":{"secretExpiresAt":"2026-13-01T00:00:00Z"}}}`), int64(-1))
	f.Fuzz(func(t *testing.T, raw []byte, windowHours int64) {
		statuses, err := ParseExpiries(bytes.NewReader(raw), now, time.Duration(windowHours)*time.Hour)
		if err != nil {
			return
		}
		for i, s := range statuses {
			if s.State != "ok" && s.State != "expiring" && s.State != "expired" {
				t.Fatalf("unknown state %q", s.State)
			}
			if i > 0 && s.ExpiresAt.Before(statuses[i-1].ExpiresAt) {
				t.Fatal("not sorted by expiry")
			}
		}
	})
}

// FuzzParseStackOutputOrgs: any input either fails or yields IDs and keys.
func FuzzParseStackOutputOrgs(f *testing.F) {
	if raw, err := os.ReadFile(filepath.Join("testdata", "stack-output.json")); err == nil {
		f.Add(raw)
	}
	f.Add([]byte(`{"orgs":{"a":{"orgId":5}}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		ids, keys, err := ParseStackOutputOrgs(raw)
		if err == nil && (ids == nil || keys == nil) {
			t.Fatal("success without results")
		}
	})
}
