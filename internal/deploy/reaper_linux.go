package deploy

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// prSetChildSubreaper is Linux's PR_SET_CHILD_SUBREAPER (prctl(2)).
const prSetChildSubreaper = 36

// Reaper ends the plugin processes a stack's run leaves behind. The engine
// starts each language host and provider plugin in a process group of its
// own, so when the pulumi CLI dies before it has shut them down (killed
// after the Automation API's grace period, or by the OOM killer) they live
// on, re-parented to init, about 100 MB each (measured: 178 after one
// killed prod run). As a child subreaper, deploy becomes their parent
// instead, and can end them.
type Reaper struct {
	enabled bool
}

// NewReaper makes the calling process a child subreaper. Where the kernel
// refuses, the Reaper does nothing.
func NewReaper() *Reaper {
	_, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0)
	return &Reaper{enabled: errno == 0}
}

// Sweep ends this process's children that match leftover: SIGTERM, then,
// after grace, SIGKILL for any still there, and waits for each. It returns
// how many it ended.
func (r *Reaper) Sweep(leftover func(executable string) bool, grace time.Duration) int {
	if r == nil || !r.enabled {
		return 0
	}
	var pids []int
	for _, pid := range childrenOf(os.Getpid()) {
		if leftover(executableOf(pid)) {
			pids = append(pids, pid)
		}
	}
	for _, pid := range pids {
		_ = syscall.Kill(pid, syscall.SIGTERM)
	}
	deadline := time.Now().Add(grace)
	for _, pid := range pids {
		for {
			var status syscall.WaitStatus
			if done, err := syscall.Wait4(pid, &status, syscall.WNOHANG, nil); done == pid || err != nil {
				break
			}
			if time.Now().After(deadline) {
				_ = syscall.Kill(pid, syscall.SIGKILL)
				_, _ = syscall.Wait4(pid, &status, 0, nil)
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return len(pids)
}

// childrenOf lists the processes whose parent is ppid, from /proc.
func childrenOf(ppid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var children []int
	for _, e := range entries {
		if pid, err := strconv.Atoi(e.Name()); err == nil && parentOf(pid) == ppid {
			children = append(children, pid)
		}
	}
	return children
}

// parentOf is the process's parent ID; 0 when it cannot be read.
func parentOf(pid int) int {
	raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0
	}
	// pid (comm) state ppid ...: comm may hold spaces, so read after its
	// closing parenthesis.
	fields := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
	if len(fields) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(fields[1])
	return ppid
}

// executableOf is the base name of the process's executable; "" when it
// cannot be read.
func executableOf(pid int) string {
	raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	if err != nil {
		return ""
	}
	argv0, _, _ := strings.Cut(string(raw), "\x00")
	return filepath.Base(argv0)
}
