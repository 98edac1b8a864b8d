package stacks

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
)

// orgStackProject is the org stack's Pulumi.yaml as far as the plugin
// search reads it.
const orgStackProject = "name: atlas-multiorg\nruntime: go\nplugins:\n  providers:\n    - name: atlas-multiorg\n      path: ./bin\n"

func TestRequirePluginFindsThePluginWhereTheEngineLooks(t *testing.T) {
	writeExecutable := func(t *testing.T, path string) {
		t.Helper()
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o750))
		require.NoError(t, os.WriteFile(path, []byte("#!/bin/sh\n"), 0o700)) //nolint:gosec // G306: a plugin is executable
	}
	tests := []struct {
		name    string
		project string
		// setup places plugins under root, pathDir and pulumiHome.
		setup         func(t *testing.T, root, pathDir, pulumiHome string)
		ignoreAmbient bool
		// wantLine is the one line's telling part; empty: found.
		wantLine []string
	}{
		{
			name: "built into the bin/ Pulumi.yaml names", project: orgStackProject,
			setup: func(t *testing.T, root, _, _ string) { writeExecutable(t, filepath.Join(root, "bin", pluginBinary)) },
		},
		{
			name: "Pulumi.yaml names bin/, which lacks it: the make target, even with it on PATH", project: orgStackProject,
			setup: func(t *testing.T, _, pathDir, _ string) { writeExecutable(t, filepath.Join(pathDir, pluginBinary)) },
			wantLine: []string{"organization analytics states settings", "bin/pulumi-resource-atlas-multiorg is not built",
				"run `make build` (or `make bin/pulumi-resource-atlas-multiorg`) in "},
		},
		{
			name: "no Pulumi.yaml entry, on PATH", project: "name: mine\nruntime: go\n",
			setup: func(t *testing.T, _, pathDir, _ string) { writeExecutable(t, filepath.Join(pathDir, pluginBinary)) },
		},
		{
			name: "no Pulumi.yaml entry, installed in the plugin cache", project: "name: mine\nruntime: go\n",
			setup: func(t *testing.T, _, _, pulumiHome string) {
				writeExecutable(t, filepath.Join(pulumiHome, "plugins", "resource-atlas-multiorg-v0.2.0", pluginBinary))
			},
		},
		{
			name: "on PATH only, which the engine is told to ignore", project: "name: mine\nruntime: go\n", ignoreAmbient: true,
			setup: func(t *testing.T, _, pathDir, _ string) { writeExecutable(t, filepath.Join(pathDir, pluginBinary)) },
			wantLine: []string{"neither Pulumi.yaml (plugins.providers), PATH nor the plugin cache has pulumi-resource-atlas-multiorg",
				"`pulumi plugin install resource atlas-multiorg <version> --file"},
		},
		{
			name: "nowhere", project: "name: mine\nruntime: go\n",
			setup:    func(*testing.T, string, string, string) {},
			wantLine: []string{"run `make build` and name its bin/ in Pulumi.yaml's plugins.providers"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, pathDir, pulumiHome := t.TempDir(), t.TempDir(), t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(root, "Pulumi.yaml"), []byte(tt.project), 0o600))
			tt.setup(t, root, pathDir, pulumiHome)
			env := map[string]string{"PATH": pathDir, "PULUMI_HOME": pulumiHome}
			if tt.ignoreAmbient {
				env["PULUMI_IGNORE_AMBIENT_PLUGINS"] = "true"
			}
			places := pluginPlaces{projectRoot: root, getenv: func(k string) string { return env[k] }, home: os.UserHomeDir}
			err := places.require([]string{"analytics"})
			if len(tt.wantLine) == 0 {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrPluginMissing)
			assert.NotContains(t, err.Error(), "\n", "one line")
			for _, part := range tt.wantLine {
				assert.Contains(t, err.Error(), part)
			}
		})
	}
}

func TestRequirePluginOnlyWhenAnOrganizationStatesAPluginSetting(t *testing.T) {
	// A project whose bin/ lacks the plugin: only a spec that registers an
	// OrganizationSettings needs it.
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "Pulumi.yaml"), []byte(orgStackProject), 0o600))
	specOf := func(t *testing.T, orgs string) multiorg.Spec {
		t.Helper()
		config := stackConfig(orgs)
		config["atlas-multiorg:environment"] = "dev"
		spec, err := multiorg.SpecFromConfig(config, "dev")
		require.NoError(t, err)
		return spec
	}
	assert.NoError(t, RequirePlugin(root, specOf(t, "")), "no organization states a plugin setting")
	err := RequirePlugin(root, specOf(t, `{"b": {"name": "acme-b", "absoluteSessionTimeoutInSeconds": 28800},
		"a": {"name": "acme-a", "idleSessionTimeoutInSeconds": 900}}`))
	require.ErrorIs(t, err, ErrPluginMissing)
	assert.NoError(t, RequirePlugin("", specOf(t, `{"a": {"name": "acme-a", "idleSessionTimeoutInSeconds": 900}}`)),
		"a run with mocks has no project, and its engine loads no plugin")
	assert.Contains(t, err.Error(), "organizations a, b state settings")
}
