package stacks

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
)

// PluginName is the package's own plugin, which serves the
// OrganizationSettings resource the component registers in-process.
const PluginName = "atlas-multiorg"

// pluginBinary is the plugin's executable, as the engine looks for it.
const pluginBinary = "pulumi-resource-" + PluginName

// ErrPluginMissing is what RequirePlugin wraps when the engine would not
// find the package's own plugin.
var ErrPluginMissing = errors.New("the atlas-multiorg plugin is missing")

// pluginPlaces is where the engine would look for the plugin: the
// project's Pulumi.yaml, PATH and the plugin cache.
type pluginPlaces struct {
	// projectRoot holds Pulumi.yaml.
	projectRoot string
	// getenv reads PATH, PULUMI_HOME and PULUMI_IGNORE_AMBIENT_PLUGINS.
	getenv func(string) string
	// home is the user's home folder, for the default PULUMI_HOME.
	home func() (string, error)
}

// RequirePlugin fails with one line saying how to get the package's own
// plugin when an organization of spec states a setting only that plugin
// sets (an OrganizationSettings) and the engine would not find it. The
// engine's own error comes after the resources before it are registered,
// and names neither the settings nor the make target; this comes first,
// with nothing registered. A spec that states none needs no plugin. An
// empty projectRoot is a run with no project, whose engine loads no plugin
// (pulumi.WithMocks: the engine names the root in every real run).
func RequirePlugin(projectRoot string, spec multiorg.Spec) error {
	byOrg := spec.PluginSettingsByOrg()
	if len(byOrg) == 0 || projectRoot == "" {
		return nil
	}
	return pluginPlaces{projectRoot: projectRoot, getenv: os.Getenv, home: os.UserHomeDir}.require(slices.Sorted(maps.Keys(byOrg)))
}

// require is RequirePlugin's search, for orgs, the keys of the
// organizations that need the plugin.
func (p pluginPlaces) require(orgs []string) error {
	needs := fmt.Sprintf("organizations %s state settings provider 4.14.0 cannot set, which the package's own plugin sets", strings.Join(orgs, ", "))
	if len(orgs) == 1 {
		needs = fmt.Sprintf("organization %s states settings provider 4.14.0 cannot set, which the package's own plugin sets", orgs[0])
	}
	dir, named, err := p.projectPluginDir()
	if err != nil {
		return err
	}
	if named {
		// The engine looks nowhere else for a plugin Pulumi.yaml names.
		binary := filepath.Join(dir, pluginBinary)
		if isFile(binary) {
			return nil
		}
		shown := binary
		if rel, err := filepath.Rel(p.projectRoot, binary); err == nil && !strings.HasPrefix(rel, "..") {
			shown = rel
		}
		return fmt.Errorf("%w: %s, and %s is not built: run `make build` (or `make %s`) in %s", ErrPluginMissing, needs, shown,
			filepath.ToSlash(filepath.Join("bin", pluginBinary)), p.projectRoot)
	}
	if p.getenv("PULUMI_IGNORE_AMBIENT_PLUGINS") == "" && p.onPath() {
		return nil
	}
	cache, ok := p.pluginCache()
	if ok {
		if found, _ := filepath.Glob(filepath.Join(cache, "resource-"+PluginName+"-v*", pluginBinary)); len(found) > 0 {
			return nil
		}
	}
	return fmt.Errorf("%w: %s, and neither Pulumi.yaml (plugins.providers), PATH nor the plugin cache has %s: "+
		"run `make build` and name its bin/ in Pulumi.yaml's plugins.providers, or `pulumi plugin install resource %s <version> --file <the release's archive>`",
		ErrPluginMissing, needs, pluginBinary, PluginName)
}

// projectPluginDir is the folder Pulumi.yaml's plugins.providers names
// for the plugin, relative to the project root, and whether it names one.
func (p pluginPlaces) projectPluginDir() (string, bool, error) {
	raw, err := os.ReadFile(filepath.Join(p.projectRoot, "Pulumi.yaml"))
	if errors.Is(err, os.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("reading the project's Pulumi.yaml for its plugins: %w", err)
	}
	var project struct {
		Plugins struct {
			Providers []struct {
				Name string `yaml:"name"`
				Path string `yaml:"path"`
			} `yaml:"providers"`
		} `yaml:"plugins"`
	}
	if err := yaml.Unmarshal(raw, &project); err != nil {
		return "", false, fmt.Errorf("reading the project's Pulumi.yaml for its plugins: %w", err)
	}
	for _, provider := range project.Plugins.Providers {
		if provider.Name == PluginName && provider.Path != "" {
			dir := provider.Path
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(p.projectRoot, dir)
			}
			return dir, true, nil
		}
	}
	return "", false, nil
}

// onPath reports whether PATH holds the plugin, as the engine's ambient
// plugin search finds it.
func (p pluginPlaces) onPath() bool {
	for _, dir := range filepath.SplitList(p.getenv("PATH")) {
		if dir == "" {
			continue
		}
		if path := filepath.Join(dir, pluginBinary); isFile(path) {
			if _, err := exec.LookPath(path); err == nil {
				return true
			}
		}
	}
	return false
}

// pluginCache is the engine's plugin folder: $PULUMI_HOME/plugins, by
// default ~/.pulumi/plugins.
func (p pluginPlaces) pluginCache() (string, bool) {
	if home := p.getenv("PULUMI_HOME"); home != "" {
		return filepath.Join(home, "plugins"), true
	}
	home, err := p.home()
	if err != nil {
		return "", false
	}
	return filepath.Join(home, ".pulumi", "plugins"), true
}

func isFile(path string) bool {
	info, err := os.Stat(path)
	return err == nil && !info.IsDir()
}
