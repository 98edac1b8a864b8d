//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAReleaseInstallsLikeAPulumiPackage builds a release for linux/amd64,
// installs its plugin archive into a PULUMI_HOME of its own with `pulumi
// plugin install --file` (no download), and runs the YAML example with no
// packages: path to this checkout: the CLI finds the released plugin by
// its name and version alone.
func TestAReleaseInstallsLikeAPulumiPackage(t *testing.T) {
	requireRealTools(t)
	if _, err := exec.LookPath("pulumi-language-yaml"); err != nil {
		t.Skip("pulumi-language-yaml is not on PATH")
	}
	w := newBuiltWorkspace(t)
	_, baseURL, seed := w.seededLocalAPI(t)
	const version = "0.2.0"
	w.run("", "make", "release", "VERSION="+version, "RELEASE_TARGETS=linux/amd64")
	archive := filepath.Join(w.repo, "dist", "pulumi-resource-atlas-multiorg-v"+version+"-linux-amd64.tar.gz")
	for _, file := range []string{archive, "dist/schema.json", "dist/atlas-multiorg-atlas-multiorg-" + version + ".tgz",
		"dist/atlas_multiorg-" + version + "-py3-none-any.whl", "dist/atlas_multiorg-" + version + ".tar.gz"} {
		if !filepath.IsAbs(file) {
			file = filepath.Join(w.repo, file)
		}
		_, err := os.Stat(file)
		assert.NoError(t, err, "make release wrote %s", filepath.Base(file))
	}
	schema := w.read(filepath.Join(w.repo, "dist", "schema.json"))
	assert.Contains(t, schema, `"version": "`+version+`"`)
	assert.Contains(t, schema, `"pluginDownloadURL": "github://api.github.com/atlas-multiorg/atlas-multiorg"`)

	home := filepath.Join(t.TempDir(), "pulumi-home")
	env := append(append(slices.Clone(w.backend()), credentialEnv(seed, baseURL)...), "PULUMI_HOME="+home)
	w.runEnv(env, "pulumi", "plugin", "install", "resource", "atlas-multiorg", version, "--file", archive)
	assert.Contains(t, w.runEnv(env, "pulumi", "plugin", "ls"), version, "the released plugin is installed")

	// The YAML example as a user of the release has it: no packages: entry.
	example := filepath.Join(w.repo, "examples", "yaml")
	program := w.read(filepath.Join(example, "Pulumi.yaml"))
	start := strings.Index(program, "packages:")
	end := strings.Index(program, "config:")
	require.True(t, start > 0 && end > start, "the example has a packages: entry before its config")
	project := filepath.Join(w.repo, "examples", "yaml-release")
	require.NoError(t, os.MkdirAll(project, 0o750))
	released := strings.Replace(program[:start]+program[end:], "name: atlas-multiorg-yaml", "name: atlas-multiorg-yaml-release", 1)
	require.NoError(t, os.WriteFile(filepath.Join(project, "Pulumi.yaml"), []byte(released), 0o600))
	in := func(args ...string) string {
		return w.runIn(project, env, "pulumi", append(args, "--stack", "release", "--non-interactive")...)
	}
	in("stack", "init")
	in("config", "set", "mongodbatlas:baseUrl", baseURL)
	in("config", "set", "payingOrgId", seed["payingOrgId"])
	in("config", "set", "orgOwnerId", seed["orgOwnerId"])
	out := in("up", "--yes")
	assert.Contains(t, out, "5 created")
	assert.NotContains(t, out, filepath.Join(w.repo, "bin"), "nothing runs from the checkout's bin/")
	in("preview", "--expect-no-changes")
	in("destroy", "--yes")
}
