package pulumiversion

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheck(t *testing.T) {
	cases := map[string]struct {
		printed string
		refused string // "" when accepted
	}{
		"the minimum":                {printed: "v" + Minimum + "\n"},
		"the tests' CLI":             {printed: "v3.259.0"},
		"a dev build of a newer one": {printed: "v3.260.0-alpha.1234"},
		"a major version later":      {printed: "v4.0.0"},
		"before replacementTrigger":  {printed: "v3.207.0", refused: "the pulumi on PATH is v3.207.0: install a newer one"},
		"without the version RPC":    {printed: "v3.216.0", refused: "needs the Pulumi CLI " + Minimum + " or later"},
		"a release candidate of it":  {printed: "v" + Minimum + "-rc.1", refused: "install a newer one (https://www.pulumi.com/docs/install/)"},
		"not a version":              {printed: "warning: something\n", refused: "cannot read the Pulumi CLI's version"},
		"nothing printed":            {printed: "", refused: "cannot read the Pulumi CLI's version"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			err := Check(c.printed)
			if c.refused == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.refused)
			assert.NotContains(t, err.Error(), "\n", "one line")
		})
	}
}

type engineAnswer struct {
	err   error
	asked string
}

func (e *engineAnswer) RequirePulumiVersion(versionRange string) error {
	e.asked = versionRange
	return e.err
}

func TestRequireEngine(t *testing.T) {
	cases := map[string]struct {
		answer  error
		refused string
	}{
		"a new enough engine": {},
		"an older engine": {
			answer:  errors.New("Pulumi CLI version 3.216.9 does not satisfy the version range \">=3.217.0\""),
			refused: "the CLI running this program is older (Pulumi CLI version 3.216.9 does not satisfy",
		},
		"an engine without the question": {
			answer:  errors.New("The installed version of the CLI does not support the `RequirePulumiVersion` RPC. Please upgrade the Pulumi CLI."),
			refused: "atlas-multiorg needs the Pulumi CLI " + Minimum + " or later",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			engine := &engineAnswer{err: c.answer}
			err := RequireEngine(engine)
			assert.Equal(t, ">="+Minimum, engine.asked)
			if c.refused == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.refused)
			assert.Contains(t, err.Error(), Install)
		})
	}
}

// fakePulumi puts a pulumi on PATH that prints version.
func fakePulumi(t *testing.T, version string) {
	t.Helper()
	dir := t.TempDir()
	script := "#!/bin/sh\n[ \"$1\" = version ] && echo " + version + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pulumi"), []byte(script), 0o755)) //nolint:gosec // G306: a script to run
	t.Setenv("PATH", dir)
}

func TestCheckOnPath(t *testing.T) {
	t.Run("new enough", func(t *testing.T) {
		fakePulumi(t, "v3.259.0")
		assert.NoError(t, CheckOnPath(t.Context()))
	})
	t.Run("too old", func(t *testing.T) {
		fakePulumi(t, "v3.200.0")
		err := CheckOnPath(t.Context())
		require.Error(t, err)
		assert.Equal(t, needs+"; the pulumi on PATH is v3.200.0: install a newer one ("+Install+")", err.Error())
	})
	t.Run("none on PATH", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		err := CheckOnPath(t.Context())
		require.Error(t, err)
		assert.Contains(t, err.Error(), "running `pulumi version`: exec: \"pulumi\": executable file not found in $PATH")
	})
}
