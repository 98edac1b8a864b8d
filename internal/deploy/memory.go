package deploy

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
)

// The memory a running org stack holds, measured with the real CLI 3.259 and
// provider 4.14.0 on 2 cores (issue 25: summed VmRSS of the run's process
// tree, prod profile): about 250 MB for the CLI, its language host and the
// paying organization's provider, and about 100 MB more for every
// organization, whose own provider plugin process the engine keeps alive
// to the end of the run. RSS counts the plugin's shared pages once per
// process (40 MB of the 100 are private), so the estimate is an upper bound.
const (
	StackBaseMB = 250
	PerOrgMB    = 100
)

// StackMemoryMB is the estimated peak memory of one stack's run with orgs
// organizations.
func StackMemoryMB(orgs int) int { return StackBaseMB + PerOrgMB*orgs }

// Sizer is a Runner that can say how many organizations a stack declares,
// so that Run can keep the stacks running at once within a memory budget.
type Sizer interface {
	Orgs(ctx context.Context, stack string) (int, error)
}

// memoryBudget admits stacks while their estimated memory fits. A stack
// larger than the whole budget runs alone rather than never.
type memoryBudget struct {
	mu    sync.Mutex
	freed *sync.Cond
	total int
	used  int
}

func newMemoryBudget(totalMB int) *memoryBudget {
	b := &memoryBudget{total: totalMB}
	b.freed = sync.NewCond(&b.mu)
	return b
}

// acquire waits until mb fits (or nothing else runs) and takes it; it gives
// up, taking nothing, when ctx is done.
func (b *memoryBudget) acquire(ctx context.Context, mb int) bool {
	stop := context.AfterFunc(ctx, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.freed.Broadcast()
	})
	defer stop()
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.used > 0 && b.used+mb > b.total {
		if ctx.Err() != nil {
			return false
		}
		b.freed.Wait()
	}
	b.used += mb
	return true
}

func (b *memoryBudget) release(mb int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used -= mb
	b.freed.Broadcast()
}

// AvailableMemoryMB is the machine's MemAvailable (/proc/meminfo), in MB;
// 0 where it cannot be read.
func AvailableMemoryMB() int {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer func() { _ = f.Close() }()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "MemAvailable:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err != nil {
				return 0
			}
			return kb / 1024
		}
	}
	return 0
}

// ParseMemoryMB reads a memory size: a number of MB, or with a unit (MB,
// GB, MiB, GiB; 1 GB is 1024 MB here, as the OS reports memory).
func ParseMemoryMB(s string) (int, error) {
	v := strings.TrimSpace(s)
	factor := 1
	for _, u := range []struct {
		suffix string
		factor int
	}{{"GiB", 1024}, {"GB", 1024}, {"G", 1024}, {"MiB", 1}, {"MB", 1}, {"M", 1}} {
		if rest, ok := strings.CutSuffix(v, u.suffix); ok {
			v, factor = strings.TrimSpace(rest), u.factor
			break
		}
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a memory size: use a number of MB or a size like 16GiB", s)
	}
	return int(n * float64(factor)), nil
}
