package deploy

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sizedRunner is a fakeRunner whose stacks each declare a number of
// organizations.
type sizedRunner struct {
	*fakeRunner
	orgs map[string]int
}

func (s *sizedRunner) Orgs(_ context.Context, stack string) (int, error) { return s.orgs[stack], nil }

// TestMemoryBudgetBoundsTheStacksRunningAtOnce: with --parallel 8, stacks
// of 100 organizations (10,250 MB each by StackMemoryMB) run two at a time
// within 24,000 MB; a stack larger than the whole budget still runs, alone.
func TestMemoryBudgetBoundsTheStacksRunningAtOnce(t *testing.T) {
	tests := map[string]struct {
		orgs     []int
		budgetMB int
		running  int32 // at once, while the first ones are held
		peak     int32 // at most, over the whole run
	}{
		"two shards of 100 fit at once":          {[]int{100, 100, 100, 100, 100}, 24000, 2, 2},
		"small shards fill the parallel limit":   {[]int{10, 10, 10, 10, 10, 10, 10, 10, 10, 10}, 24000, 8, 8},
		"a stack over the budget runs alone":     {[]int{500, 10, 10}, 24000, 1, 2},
		"no budget: only --parallel bounds them": {[]int{100, 100, 100, 100, 100}, 0, 5, 5},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			runner := &sizedRunner{fakeRunner: &fakeRunner{envs: map[string]string{}, gate: make(chan struct{})}, orgs: map[string]int{}}
			var shards []string
			for i, n := range tc.orgs {
				shard := fmt.Sprintf("prod-%d", i)
				runner.envs[shard], runner.orgs[shard] = "prod", n
				shards = append(shards, shard)
			}
			done := make(chan []Result)
			go func() {
				done <- Run(t.Context(), runner, []Stage{{"prod", shards}}, Options{Operation: Up, Parallel: 8, MaxMemoryMB: tc.budgetMB})
			}()
			require.Eventually(t, func() bool { return runner.running.Load() == tc.running }, 5*time.Second, time.Millisecond)
			time.Sleep(20 * time.Millisecond) // one more would have started by now
			assert.Equal(t, tc.running, runner.running.Load())
			close(runner.gate)
			results := <-done
			assert.LessOrEqual(t, runner.peak.Load(), tc.peak, "never more at once")
			for _, r := range results {
				assert.Equal(t, Succeeded, r.Status, r.Stack)
			}
		})
	}
}

func TestMemoryBudgetGivesUpWhenInterrupted(t *testing.T) {
	b := newMemoryBudget(1000)
	require.True(t, b.acquire(t.Context(), 800))
	ctx, cancel := context.WithCancel(t.Context())
	got := make(chan bool)
	go func() { got <- b.acquire(ctx, 800) }()
	time.Sleep(10 * time.Millisecond)
	cancel()
	assert.False(t, <-got, "an interrupted wait takes nothing")
	b.release(800)
	assert.True(t, b.acquire(t.Context(), 1000), "the whole budget is free again")
}

func TestParseMemoryMB(t *testing.T) {
	tests := map[string]struct {
		in   string
		mb   int
		fail bool
	}{
		"plain MB":      {"8000", 8000, false},
		"MB":            {"8000MB", 8000, false},
		"GiB":           {"16GiB", 16384, false},
		"fractional GB": {"1.5GB", 1536, false},
		"a word":        {"lots", 0, true},
		"negative":      {"-1GB", 0, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			mb, err := ParseMemoryMB(tc.in)
			if tc.fail {
				assert.ErrorContains(t, err, "is not a memory size")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.mb, mb)
		})
	}
}
