package tests

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
	"github.com/atlas-multiorg/atlas-multiorg/internal/cli"
	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi/localapitest"
	"github.com/atlas-multiorg/atlas-multiorg/internal/stackconfig"
	"github.com/atlas-multiorg/atlas-multiorg/stacks"
	"github.com/atlas-multiorg/atlas-multiorg/stacks/projects"
)

// secretMark is in every secret value the mocks and localapitest's caller hand out.
const secretMark = "SECRET"

// leaks lists every place in v where a secret value stands in plain text:
// a string holding secretMark that is not inside a Pulumi secret.
func leaks(where string, v resource.PropertyValue) []string {
	switch {
	case v.IsSecret():
		return nil
	case v.IsString():
		if strings.Contains(v.StringValue(), secretMark) {
			return []string{where}
		}
	case v.IsArray():
		var found []string
		for i, e := range v.ArrayValue() {
			found = append(found, leaks(fmt.Sprintf("%s[%d]", where, i), e)...)
		}
		return found
	case v.IsObject():
		var found []string
		for k, e := range v.ObjectValue() {
			found = append(found, leaks(where+"."+string(k), e)...)
		}
		return found
	case v.IsOutput():
		if o := v.OutputValue(); o.Known && !o.Secret {
			return leaks(where, o.Element)
		}
	}
	return nil
}

// plainLeaks walks a resolved, non-secret Go value the same way.
func plainLeaks(where string, v any) []string {
	switch x := v.(type) {
	case string:
		if strings.Contains(x, secretMark) {
			return []string{where}
		}
	case map[string]any:
		var found []string
		for k, e := range x {
			found = append(found, plainLeaks(where+"."+k, e)...)
		}
		return found
	case []any:
		var found []string
		for i, e := range x {
			found = append(found, plainLeaks(fmt.Sprintf("%s[%d]", where, i), e)...)
		}
		return found
	}
	return nil
}

// checkRun runs a program and reports every plain-text secret in what it
// registered, exported or logged, and in its error.
func checkRun(t *testing.T, mon *atlasmock.Monitor, config map[string]string, program pulumi.RunFunc) (leaked []string, secretsSeen int) {
	t.Helper()
	logs := &atlasmock.Log{}
	err := atlasmock.Run(t, mon, config, func(ctx *pulumi.Context) error {
		ctx.Log = logs.Wrap(ctx.Log)
		if err := program(ctx); err != nil {
			return err
		}
		for name, value := range ctx.GetCurrentExportMap() {
			r, err := atlasmock.Await(pulumi.ToOutput(value))
			require.NoError(t, err)
			if r.Secret {
				secretsSeen++
				continue
			}
			leaked = append(leaked, plainLeaks("export "+name, r.Value)...)
		}
		return nil
	})
	if err != nil {
		assert.NotContains(t, err.Error(), secretMark, "error message")
	}
	for _, reg := range mon.Registrations() {
		for key, v := range reg.Inputs {
			if v.IsSecret() {
				secretsSeen++
			}
			leaked = append(leaked, leaks(fmt.Sprintf("%s %s input %s", reg.TypeToken, reg.Name, key), v)...)
		}
	}
	for _, e := range logs.Entries() {
		if strings.Contains(e.Message, secretMark) {
			leaked = append(leaked, "log: "+e.Message)
		}
	}
	return leaked, secretsSeen
}

// TestNoSecretInPlainText runs the org program over every shipped config,
// then the consumer program over the dev org stack's exports, and finds no
// secret value anywhere in plain text: not in an export, a log line, an error,
// or a provider input that is not marked secret. The engine's own secret
// marking is off, so the program's own wrapping is what is tested.
func TestNoSecretInPlainText(t *testing.T) {
	files, err := stackconfig.Files(repoRoot)
	require.NoError(t, err)
	for _, file := range files {
		for _, omit := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/omitCredentials=%v", filepath.Base(file), omit), func(t *testing.T) {
				config, err := stackconfig.Read(file)
				require.NoError(t, err)
				mon := &atlasmock.Monitor{Stack: stackconfig.StackName(file), OmitCredentials: omit}
				leaked, secrets := checkRun(t, mon, config, stacks.Program)
				assert.Empty(t, leaked)
				assert.NotZero(t, secrets, "the run did handle secrets")
			})
		}
	}
	t.Run("consumer", func(t *testing.T) {
		config, err := stackconfig.Read(filepath.Join(repoRoot, "stacks", "projects", "Pulumi.dev.yaml"))
		require.NoError(t, err)
		mon := &atlasmock.Monitor{
			Stacks:  map[string]resource.PropertyMap{config["atlas-multiorg-projects:orgStack"]: devStackOutputs(t)},
			APIKeys: map[string][]string{atlasmock.FakeID("multiorg-payments"): {atlasmock.PublicKey("multiorg-payments")}},
		}
		leaked, secrets := checkRun(t, mon, config, projects.Program)
		assert.Empty(t, leaked)
		assert.NotZero(t, secrets)
	})
	t.Run("consumer errors", func(t *testing.T) {
		config, err := stackconfig.Read(filepath.Join(repoRoot, "stacks", "projects", "Pulumi.dev.yaml"))
		require.NoError(t, err)
		config["atlas-multiorg-projects:projects"] = `{"x": {"org": "no-such-org", "name": "x", "roles": ["GROUP_OWNER"]}}`
		mon := &atlasmock.Monitor{Stacks: map[string]resource.PropertyMap{config["atlas-multiorg-projects:orgStack"]: devStackOutputs(t)}}
		leaked, _ := checkRun(t, mon, config, projects.Program)
		assert.Empty(t, leaked)
	})
}

// TestCommandLineToolPrintsNoSecret runs every subcommand with secrets in
// its environment and input, succeeding and failing, and finds none of them
// in what it prints.
func TestCommandLineToolPrintsNoSecret(t *testing.T) {
	srv := localapitest.StartWith(t, localapitest.Options{Orgs: []localapitest.Org{{ID: "111111111111111111111111", Name: "acme"}}})
	outputs := `{"orgs": {"a": {"orgId": "e03d91632a857b72d075fd7d", "secretExpiresAt": "2026-11-24T00:00:00Z"}},
		"credentials": {"a": {"clientId": "mdb_sa_id_x", "clientSecret": "mdb_sa_sk_SHOWN_SECRET"}}}`
	runs := []struct {
		env   map[string]string
		stdin string
		args  []string
	}{
		{map[string]string{"MONGODB_ATLAS_CLIENT_ID": srv.Caller.ClientID, "MONGODB_ATLAS_CLIENT_SECRET": srv.Caller.ClientSecret}, "", []string{"discover", "-o", "json"}},
		{map[string]string{"MONGODB_ATLAS_CLIENT_ID": srv.Caller.ClientID, "MONGODB_ATLAS_CLIENT_SECRET": "mdb_sa_sk_WRONG_SECRET"}, "", []string{"discover"}},
		{map[string]string{"MONGODB_ATLAS_PUBLIC_KEY": srv.Caller.PublicKey, "MONGODB_ATLAS_PRIVATE_KEY": "WRONG-PRIVATE-KEY-SECRET"}, "", []string{"discover"}},
		{nil, outputs, []string{"check-expiry"}},
		{nil, outputs, []string{"check-expiry", "-o", "json"}},
		{nil, "", []string{"import-file", "--config", filepath.Join(repoRoot, "Pulumi.staging.yaml")}},
	}
	for _, r := range runs {
		t.Run(strings.Join(r.args, " "), func(t *testing.T) {
			t.Setenv("MONGODB_ATLAS_BASE_URL", srv.URL)
			for _, k := range []string{"MONGODB_ATLAS_CLIENT_ID", "MONGODB_ATLAS_CLIENT_SECRET", "MONGODB_ATLAS_PUBLIC_KEY", "MONGODB_ATLAS_PRIVATE_KEY"} {
				t.Setenv(k, r.env[k])
			}
			var stdout, stderr bytes.Buffer
			cli.Execute(r.args, strings.NewReader(r.stdin), &stdout, &stderr)
			// The values, not the mark: messages name MONGODB_ATLAS_CLIENT_SECRET.
			for _, secret := range []string{srv.Caller.ClientSecret, srv.Caller.PrivateKey, "mdb_sa_sk_WRONG_SECRET", "WRONG-PRIVATE-KEY-SECRET", "mdb_sa_sk_SHOWN_SECRET"} {
				assert.NotContains(t, stdout.String()+stderr.String(), secret)
			}
		})
	}
}
