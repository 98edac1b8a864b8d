// Package docsgen writes the parts of the documentation that come from code:
// the configuration and output references, the profile table and each
// command's --help, between markers in README.md, CONTRIBUTING.md and docs/.
// `make docs` runs it; a test runs it in check mode, so a stale block fails
// `make test`.
package docsgen

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/cli"
	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi"
)

// A generated block is the text between a begin marker naming it and the
// end marker, each alone on its line.
const (
	beginPrefix = "<!-- make docs: "
	beginSuffix = " -->"
	endMarker   = "<!-- end make docs -->"
)

// Blocks are the generated blocks by name, each rendered from its source.
func Blocks() (map[string]string, error) {
	help, err := CommandHelp()
	if err != nil {
		return nil, err
	}
	return map[string]string{
		// components/multiorg/reference.go: StackConfigFields, OrgFields.
		"config-reference": multiorg.ConfigReference(),
		// components/multiorg/reference.go: OutputFields.
		"output-reference": multiorg.OutputReference(),
		// components/multiorg/profiles.go: Profiles.
		"profile-table": multiorg.ProfileTable(),
		// components/multiorg/settings.go: orgSettings.
		"settings-table": multiorg.SettingsTable(),
		// internal/cli/status_advice.go: statusAdvice.
		"status-findings": cli.FindingsTable(),
		// internal/cli: every subcommand's own --help.
		"cli-help": help,
		// internal/localapi/inventory.go: the provider's calls and which
		// atlas-local serves.
		"provider-calls": localapi.InventoryTable(),
	}, nil
}

// CommandHelp is `atlas-multiorg <command> --help` of every subcommand, in
// the order the tool lists them, each under a heading of its own.
func CommandHelp() (string, error) {
	var b strings.Builder
	for _, c := range cli.NewRootCommand(strings.NewReader(""), io.Discard, io.Discard).Commands() {
		if c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		var out bytes.Buffer
		root := cli.NewRootCommand(strings.NewReader(""), &out, &out)
		root.SetArgs([]string{c.Name(), "--help"})
		if err := root.Execute(); err != nil {
			return "", fmt.Errorf("atlas-multiorg %s --help: %w", c.Name(), err)
		}
		fmt.Fprintf(&b, "### `atlas-multiorg %s`\n\n```text\n%s\n```\n\n", c.Name(), strings.TrimRight(out.String(), "\n"))
	}
	return b.String(), nil
}

// Rewrite replaces the content of every generated block in text with the
// block of its name. A block of an unknown name, or one with no end
// marker, is an error.
func Rewrite(text string, blocks map[string]string) (string, error) {
	lines := strings.Split(text, "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		out = append(out, lines[i])
		name, ok := blockName(lines[i])
		if !ok {
			continue
		}
		content, known := blocks[name]
		if !known {
			return "", fmt.Errorf("line %d: no generated block is named %q", i+1, name)
		}
		end := slices.Index(lines[i+1:], endMarker)
		if end < 0 {
			return "", fmt.Errorf("line %d: block %q has no %s after it", i+1, name, endMarker)
		}
		out = append(out, "", strings.TrimRight(content, "\n"), "", endMarker)
		i += end + 1
	}
	return strings.Join(out, "\n"), nil
}

func blockName(line string) (string, bool) {
	rest, ok := strings.CutPrefix(line, beginPrefix)
	if !ok {
		return "", false
	}
	return strings.CutSuffix(rest, beginSuffix)
}

// Files are the documentation files under root that may hold generated
// blocks: README.md, CONTRIBUTING.md and docs/*.md.
func Files(root string) ([]string, error) {
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		return nil, err
	}
	return append([]string{filepath.Join(root, "README.md"), filepath.Join(root, "CONTRIBUTING.md")}, docs...), nil
}

// Update regenerates the blocks of every documentation file under root and
// returns the files whose blocks differed from the code. With write, it
// rewrites those files in place; without, it only reports them.
func Update(root string, write bool) ([]string, error) {
	blocks, err := Blocks()
	if err != nil {
		return nil, err
	}
	files, err := Files(root)
	if err != nil {
		return nil, err
	}
	var stale []string
	for _, path := range files {
		raw, err := os.ReadFile(path) //nolint:gosec // G304: the repository's own documentation
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		text, err := Rewrite(string(raw), blocks)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if text == string(raw) {
			continue
		}
		stale = append(stale, path)
		if write {
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil { //nolint:gosec // G306: a source file of the repository, as git checks it out
				return nil, err
			}
		}
	}
	return stale, nil
}
