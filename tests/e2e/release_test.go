//go:build e2e

package e2e

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// releaseVersion is the version the release tests build: not the source
// SDKs' 0.1.0, so that a program which found the source folders instead of
// the release would show it.
const releaseVersion = "0.2.0"

// exampleLanguages are the component package's examples, by folder under
// examples/.
var exampleLanguages = []string{"yaml", "typescript", "python"}

// TestAReleaseInstallsLikeAPulumiPackage builds a release for linux/amd64
// as make release builds it, and runs each example as a user of the release
// has it: outside the checkout, with no packages: path to it, and the
// TypeScript and Python SDKs installed from the packed files in dist/. The
// YAML program runs with the plugin installed from its archive by `pulumi
// plugin install --file` (no download). The TypeScript and Python programs
// start from an empty PULUMI_HOME, and the CLI downloads the plugin their
// SDK names from the release's pluginDownloadURL, which the CLI's own
// override (PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES) points at a server of
// dist/ instead of GitHub.
func TestAReleaseInstallsLikeAPulumiPackage(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newBuiltWorkspace(t)
	dir, baseURL, seed := w.seededLocalAPI(t)
	r := w.makeRelease(t, releaseVersion)
	_, err := exec.LookPath("pulumi-resource-atlas-multiorg")
	require.Error(t, err, "no atlas-multiorg plugin on PATH: the CLI finds it where the release put it")
	schema := w.read(w.distFile("schema.json"))
	assert.Contains(t, schema, `"version": "`+releaseVersion+`"`)
	assert.Contains(t, schema, `"pluginDownloadURL": "`+releaseDownloadURL+`"`)
	installed := append(w.installedRelease(t, r), credentialEnv(seed, baseURL)...)

	for _, language := range exampleLanguages {
		t.Run(language+" from the release", func(t *testing.T) {
			w := w.with(t)
			w.requireLanguage(t, language)
			env := installed
			if language != "yaml" {
				env = append(append(slices.Clone(w.backend()), "PULUMI_HOME="+filepath.Join(t.TempDir(), "pulumi-home"),
					"PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES=^"+regexp.QuoteMeta(releaseDownloadURL)+"="+r.serverURL), credentialEnv(seed, baseURL)...)
			}
			before, downloadsBefore := w.atlasOrgsIn(dir), len(r.downloads())
			project := w.releasedProject(t, language, releaseVersion)
			in := w.releasedStack(t, project, env, seed, baseURL)
			out := in("up", "--yes")
			assert.Contains(t, out, "6 created", "with the analytics organization's OrganizationSettings")
			assert.NotContains(t, out, filepath.Join(w.repo, "bin"), "nothing runs from the checkout's bin/")
			if language == "yaml" {
				assert.Len(t, r.downloads(), downloadsBefore, "the installed plugin ran: nothing was downloaded")
			} else {
				// The SDKs name their own version and the pluginDownloadURL.
				assert.Equal(t, []string{"/pulumi-resource-atlas-multiorg-v" + releaseVersion + "-linux-amd64.tar.gz"}, r.downloads()[downloadsBefore:],
					"the CLI downloaded the plugin from the pluginDownloadURL")
				assert.Equal(t, releaseVersion, w.packageProviderVersion(t, in), "the engine ran the released plugin")
			}
			assert.JSONEq(t, `"[secret]"`, in("stack", "output", "credentials", "--json"), "credentials arrive as a secret")
			assert.Len(t, w.atlasOrgsIn(dir), len(before)+3)
			var orgIDs map[string]string
			require.NoError(t, json.Unmarshal([]byte(in("stack", "output", "orgIds", "--json")), &orgIDs))
			var credentials map[string]map[string]string
			require.NoError(t, json.Unmarshal([]byte(in("stack", "output", "credentials", "--json", "--show-secrets")), &credentials))
			exampleSessionTimeoutIsSet(t, baseURL, orgIDs["analytics"], credentials["analytics"])
			in("preview", "--expect-no-changes")
			in("destroy", "--yes")
			assert.Equal(t, before, w.atlasOrgsIn(dir), "the example's organizations are gone")
		})
	}
}

// releaseDownloadURL is make release's pluginDownloadURL.
const releaseDownloadURL = "github://api.github.com/atlas-multiorg/atlas-multiorg"

// aRelease is what make release wrote into dist/, and a server of dist/.
type aRelease struct {
	version, serverURL string
	// downloads are the paths fetched from the server, in order.
	downloads func() []string
}

// makeRelease runs make release for linux/amd64, checks that it wrote
// every file a release holds, and serves dist/ over HTTP.
func (w *workspace) makeRelease(t testing.TB, version string) aRelease {
	var mu sync.Mutex
	var fetched []string
	files := http.FileServer(http.Dir(filepath.Join(w.repo, "dist")))
	server := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, req *http.Request) {
		mu.Lock()
		fetched = append(fetched, req.URL.Path)
		mu.Unlock()
		files.ServeHTTP(rw, req)
	}))
	t.Cleanup(server.Close)
	r := aRelease{version: version, serverURL: server.URL, downloads: func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(fetched)
	}}
	w.runEnv([]string{trimpath()}, "make", "release", "VERSION="+version, "RELEASE_TARGETS=linux/amd64")
	for _, file := range []string{r.archive(w), w.distFile("schema.json"), w.distFile("atlas-multiorg-atlas-multiorg-" + version + ".tgz"),
		w.distFile("atlas_multiorg-" + version + "-py3-none-any.whl"), w.distFile("atlas_multiorg-" + version + ".tar.gz")} {
		_, err := os.Stat(file)
		require.NoError(t, err, "make release wrote %s", filepath.Base(file))
	}
	return r
}

func (r aRelease) archive(w *workspace) string {
	return w.distFile("pulumi-resource-atlas-multiorg-v" + r.version + "-linux-amd64.tar.gz")
}

// installedRelease installs the release's plugin archive into a
// PULUMI_HOME of its own with `pulumi plugin install --file`, and returns
// the environment that uses that home and the copy's file backend.
func (w *workspace) installedRelease(t testing.TB, r aRelease) []string {
	env := append(slices.Clone(w.backend()), "PULUMI_HOME="+filepath.Join(t.TempDir(), "pulumi-home"))
	w.runEnv(env, "pulumi", "plugin", "install", "resource", "atlas-multiorg", r.version, "--file", r.archive(w))
	require.Contains(t, w.runEnv(env, "pulumi", "plugin", "ls"), r.version, "the released plugin is installed")
	return env
}

func (w *workspace) distFile(name string) string {
	return filepath.Join(w.repo, "dist", name)
}

// requireLanguage skips the test, with the one-line reason, where the
// language host of an example, or what installs its SDK, is missing.
func (w *workspace) requireLanguage(t testing.TB, language string) {
	needs := map[string][]string{
		"yaml":       {"pulumi-language-yaml"},
		"typescript": {"pulumi-language-nodejs", "npm", "node"},
		"python":     {"pulumi-language-python", "python3"},
	}[language]
	for _, tool := range needs {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not on PATH", tool)
		}
	}
	if language == "python" {
		if out, code := w.command(nil, "", "python3", "-m", "pip", "download", "--quiet", "--no-deps", "-d", t.TempDir(), "pulumi==3.259.0"); code != 0 {
			t.Skipf("PyPI is not reachable: %s", tail(out))
		}
	}
}

// releasedProject copies an example into a folder outside the checkout, as
// a user of the release writes it: no packages: entry, and for TypeScript
// and Python the SDK installed from the packed file in dist/ (npm install
// of the .tgz, pip install of the wheel), never from sdk/.
func (w *workspace) releasedProject(t testing.TB, language, version string) string {
	from := filepath.Join(w.repo, "examples", language)
	project := filepath.Join(t.TempDir(), language)
	require.NoError(t, os.MkdirAll(project, 0o750))
	entries, err := os.ReadDir(from)
	require.NoError(t, err)
	for _, entry := range entries {
		if entry.Type().IsRegular() && !strings.HasPrefix(entry.Name(), "Pulumi.local") {
			source := w.read(filepath.Join(from, entry.Name()))
			require.NoError(t, os.WriteFile(filepath.Join(project, entry.Name()), []byte(source), 0o600))
		}
	}
	program := withoutPackages(w.read(filepath.Join(project, "Pulumi.yaml")))
	require.NotContains(t, program, "packages:")
	require.NoError(t, os.WriteFile(filepath.Join(project, "Pulumi.yaml"), []byte(program), 0o600))
	replace := func(file, old, released string) {
		source := w.read(filepath.Join(project, file))
		require.Contains(t, source, old, "%s names the source SDK", file)
		require.NoError(t, os.WriteFile(filepath.Join(project, file), []byte(strings.ReplaceAll(source, old, released)), 0o600))
	}
	switch language {
	case "typescript":
		replace("package.json", "file:../../sdk/nodejs", "file:"+w.distFile("atlas-multiorg-atlas-multiorg-"+version+".tgz"))
		require.NoError(t, os.Remove(filepath.Join(project, ".npmrc")))
		w.runIn(project, nil, "npm", "install", "--no-audit", "--no-fund")
		var installed struct{ Version string }
		require.NoError(t, json.Unmarshal([]byte(w.read(filepath.Join(project, "node_modules", "@atlas-multiorg", "atlas-multiorg", "package.json"))), &installed))
		assert.Equal(t, version, installed.Version, "npm installed the released SDK")
	case "python":
		replace("requirements.txt", "../../sdk/python", w.distFile("atlas_multiorg-"+version+"-py3-none-any.whl"))
		w.runIn(project, nil, "python3", "-m", "venv", "venv")
		w.runIn(project, nil, "venv/bin/pip", "install", "--quiet", "-r", "requirements.txt")
		assert.Contains(t, w.runIn(project, nil, "venv/bin/pip", "show", "atlas-multiorg"), "Version: "+version, "pip installed the released SDK")
	}
	return project
}

// withoutPackages is a Pulumi.yaml without its packages: block.
func withoutPackages(program string) string {
	var kept []string
	inPackages := false
	for _, line := range strings.Split(program, "\n") {
		switch {
		case line == "packages:":
			inPackages = true
			continue
		case inPackages && (line == "" || strings.HasPrefix(line, " ")):
			continue
		}
		inPackages = false
		kept = append(kept, line)
	}
	return strings.Join(kept, "\n")
}

// releasedStack creates the stack "release" of a released project, set up
// as make example-* sets up an example's stack, and returns what runs the
// CLI on it.
func (w *workspace) releasedStack(t testing.TB, project string, env []string, seed localSeed, baseURL string) func(args ...string) string {
	in := func(args ...string) string {
		t.Helper()
		return w.runIn(project, env, "pulumi", append(args, "--stack", "release", "--non-interactive")...)
	}
	in("stack", "init")
	in("config", "set", "mongodbatlas:baseUrl", baseURL)
	in("config", "set", "payingOrgId", seed["payingOrgId"])
	in("config", "set", "orgOwnerId", seed["orgOwnerId"])
	return in
}

// packageProviderVersion is the plugin version the stack's atlas-multiorg
// provider ran with, as the state records it.
func (w *workspace) packageProviderVersion(t testing.TB, in func(args ...string) string) string {
	for _, r := range stateResources(t, in("stack", "export")) {
		if r.Type == "pulumi:providers:atlas-multiorg" {
			version, _ := r.Inputs["version"].(string)
			return version
		}
	}
	return ""
}
