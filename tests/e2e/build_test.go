//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// theBuild is the run's one `make build` of the working tree, made by the
// first test that needs it: each built workspace copies its bin/ instead of
// building again (about 22 s on 2 cores each time: without -trimpath, the Go
// build cache keys each package of the module on its folder, which is new
// in every copy).
var theBuild struct {
	once    sync.Once
	scratch string // the build's copy of the tree; TestMain removes it
	err     error
}

// TestMain removes the run's build after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if theBuild.scratch != "" {
		_ = os.RemoveAll(theBuild.scratch)
	}
	os.Exit(code)
}

// sharedBin is the bin/ folder of the run's build of the working tree,
// built on first use.
func sharedBin(t testing.TB) string {
	t.Helper()
	theBuild.once.Do(func() { theBuild.scratch, theBuild.err = buildOnce(repoRoot(t)) })
	if theBuild.err != nil {
		t.Fatalf("building the tree for the run: %v", theBuild.err)
	}
	return filepath.Join(theBuild.scratch, "atlas-multiorg", "bin")
}

// trimpath is GOFLAGS with -trimpath, for the builds make runs without it:
// without -trimpath the Go build cache keys each package of the module on
// its folder, new in every scratch copy, so every package compiles again;
// with it, what did not change since the last run comes from the cache.
// The binaries behave the same either way.
func trimpath() string {
	return "GOFLAGS=" + strings.TrimSpace(os.Getenv("GOFLAGS")+" -trimpath")
}

// buildOnce runs make build in a copy of the working tree, in a scratch
// folder of its own, and returns that folder.
func buildOnce(root string) (string, error) {
	scratch, err := os.MkdirTemp("", "atlas-multiorg-e2e-build-")
	if err != nil {
		return "", fmt.Errorf("making the build's folder: %w", err)
	}
	repo := filepath.Join(scratch, "atlas-multiorg")
	ctx := context.Background()
	if err := copyWorkingTree(ctx, root, repo); err != nil {
		return scratch, err
	}
	build := exec.CommandContext(ctx, "make", "build")
	build.Dir, build.Env = repo, append(scratchEnv(filepath.Join(scratch, "pulumi-home")), trimpath())
	if out, err := build.CombinedOutput(); err != nil {
		return scratch, fmt.Errorf("make build: %w\n%s", err, out)
	}
	return scratch, nil
}
