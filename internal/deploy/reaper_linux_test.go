package deploy

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReaperEndsWhatARunLeftBehind: a process whose parent died (as a
// plugin does when its pulumi CLI is killed) becomes this process's child,
// and Sweep ends it; what leftover does not match is left alone.
func TestReaperEndsWhatARunLeftBehind(t *testing.T) {
	reaper := NewReaper()
	require.True(t, reaper.enabled, "prctl(PR_SET_CHILD_SUBREAPER) is refused here")
	orphan := func() int {
		// The shell starts sleep in the background and exits: sleep is
		// orphaned, as a plugin is when its CLI dies.
		out, err := exec.CommandContext(t.Context(), "sh", "-c", "sleep 300 >/dev/null 2>&1 & echo $!").Output()
		require.NoError(t, err)
		pid, err := strconv.Atoi(strings.TrimSpace(string(out)))
		require.NoError(t, err)
		require.Eventually(t, func() bool { return parentOf(pid) == os.Getpid() }, 5*time.Second, 10*time.Millisecond,
			"the orphan is re-parented to the subreaper")
		return pid
	}
	pid := orphan()
	assert.Zero(t, reaper.Sweep(func(e string) bool { return e == "not-sleep" }, time.Second), "only what matches")
	assert.Equal(t, os.Getpid(), parentOf(pid), "still running")
	assert.Equal(t, 1, reaper.Sweep(func(e string) bool { return e == "sleep" }, time.Second))
	_, err := os.Stat("/proc/" + strconv.Itoa(pid))
	assert.True(t, os.IsNotExist(err), "ended and reaped")
}

func TestIsPlugin(t *testing.T) {
	for exe, want := range map[string]bool{
		"pulumi-resource-mongodbatlas": true, "pulumi-language-go": true, "pulumi": false, "sh": false, "": false,
	} {
		assert.Equal(t, want, IsPlugin(exe), exe)
	}
}
