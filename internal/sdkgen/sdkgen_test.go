package sdkgen

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorgpkg"
)

// sdkDir is the committed SDKs' folder.
var sdkDir = filepath.Join("..", "..", "sdk")

// TestCommittedSDKsAreUpToDate fails when the schema changed and the SDKs
// under sdk/ were not regenerated (make sdk), or were edited by hand.
func TestCommittedSDKsAreUpToDate(t *testing.T) {
	schema, err := multiorgpkg.Schema()
	require.NoError(t, err)
	committed, err := os.ReadFile(filepath.Join(sdkDir, "schema.json"))
	require.NoError(t, err)
	assert.Equal(t, string(schema)+"\n", string(committed), "sdk/schema.json is stale: run make sdk")

	files, err := Generate(schema)
	require.NoError(t, err)
	for path, want := range files {
		got, err := os.ReadFile(filepath.Join(sdkDir, path))
		if !assert.NoError(t, err, "sdk/%s is missing: run make sdk", path) {
			continue
		}
		assert.Equal(t, string(want), string(got), "sdk/%s is stale: run make sdk", path)
	}
	for _, language := range Languages {
		err := filepath.WalkDir(filepath.Join(sdkDir, language), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(sdkDir, path)
			if d.IsDir() {
				// What installing or building the SDK leaves behind.
				if name := d.Name(); name == "node_modules" || name == "bin" || name == "__pycache__" || strings.HasSuffix(name, ".egg-info") {
					return filepath.SkipDir
				}
				return nil
			}
			assert.Contains(t, files, rel, "sdk/%s is no longer generated: run make sdk", rel)
			return nil
		})
		require.NoError(t, err)
	}
}

func TestGeneratedSDKsCarryTheSchema(t *testing.T) {
	schema, err := multiorgpkg.Schema()
	require.NoError(t, err)
	files, err := Generate(schema)
	require.NoError(t, err)
	component := string(files["nodejs/multiOrg.ts"])
	assert.Contains(t, component, "'atlas-multiorg:index:MultiOrg'")
	assert.Contains(t, component, `additionalSecretOutputs: ["credentials"]`, "credentials are a secret in TypeScript")
	assert.Contains(t, component, "payingOrgId: pulumi.Input<string>;", "a required input is required")
	assert.Contains(t, string(files["nodejs/package.json"]), `"version": "`+multiorgpkg.Version+`"`)
	python := string(files["python/atlas_multiorg/multi_org.py"])
	assert.Contains(t, python, `"atlas-multiorg:index:MultiOrg"`)
	assert.Contains(t, python, `additional_secret_outputs=["credentials"]`)
	assert.Contains(t, python, "paying_org_id: pulumi.Input[_builtins.str]")
	pyproject := string(files["python/pyproject.toml"])
	assert.Contains(t, pyproject, "  license = \"Apache-2.0\"\n  [project.urls]", "the license is an SPDX expression, in [project]")
	assert.NotContains(t, pyproject, "[project.license]", "no deprecated license table")
	assert.Contains(t, pyproject, `requires = ["setuptools>=77.0"]`, "the setuptools that reads PEP 639 licenses")
}

// TestPythonSDKCompiles byte-compiles the generated Python SDK. (make e2e
// installs it with pip and runs it.)
func TestPythonSDKCompiles(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	// The bytecode goes to a scratch folder, not into the committed SDK.
	cmd := exec.CommandContext(t.Context(), python, "-X", "pycache_prefix="+t.TempDir(), "-m", "compileall", "-q", //nolint:gosec // G204: python3 from PATH, on the repository's own SDK
		filepath.Join(sdkDir, "python"))
	out, err := cmd.CombinedOutput()
	assert.NoError(t, err, "%s", out)
}
