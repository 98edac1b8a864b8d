//go:build !linux

package deploy

import "time"

// Reaper ends the plugin processes a stack's run leaves behind; only Linux
// lets a process adopt its orphaned descendants, so elsewhere it does
// nothing.
type Reaper struct{}

// NewReaper returns a Reaper that does nothing on this system.
func NewReaper() *Reaper { return &Reaper{} }

// Sweep does nothing here and returns 0.
func (r *Reaper) Sweep(func(string) bool, time.Duration) int { return 0 }
