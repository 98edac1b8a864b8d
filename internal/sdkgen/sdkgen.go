// Package sdkgen generates the component package's TypeScript and Python
// SDKs from its schema with Pulumi's own code generators, so that the SDKs
// committed under sdk/ are exactly what the schema says.
package sdkgen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"

	"github.com/blang/semver"
)

// Tool names the generator in the generated files' headers.
const Tool = "atlas-multiorg sdkgen"

// Languages are the SDKs generated, each under sdk/<language>.
var Languages = []string{"nodejs", "python"}

// Generate returns every file of every SDK, by path under sdk/
// ("nodejs/index.ts").
func Generate(schemaJSON []byte) (map[string][]byte, error) {
	files := map[string][]byte{}
	for _, language := range Languages {
		// Each generator fills in the package's language info, so each binds
		// its own copy of the schema.
		var spec schema.PackageSpec
		if err := json.Unmarshal(schemaJSON, &spec); err != nil {
			return nil, fmt.Errorf("reading the schema: %w", err)
		}
		pkg, diags, err := schema.BindSpec(spec, noReferences{}, schema.ValidationOptions{})
		if err != nil {
			return nil, fmt.Errorf("binding the schema: %w", err)
		}
		if diags.HasErrors() {
			return nil, fmt.Errorf("the schema is invalid: %w", diags)
		}
		var generated map[string][]byte
		switch language {
		case "nodejs":
			generated, err = nodejs.GeneratePackage(Tool, pkg, nil, nil, true, noReferences{})
		case "python":
			generated, err = python.GeneratePackage(Tool, pkg, nil, noReferences{})
		}
		if err != nil {
			return nil, fmt.Errorf("generating the %s SDK: %w", language, err)
		}
		for path, content := range generated {
			files[filepath.Join(language, path)] = content
		}
		if language == "python" {
			// The generated pyproject.toml names README.md beside it, where the
			// generator writes none: without it, pip cannot build the package.
			files[filepath.Join(language, "README.md")] = generated[filepath.Join("atlas_multiorg", "README.md")]
			pyproject := filepath.Join(language, "pyproject.toml")
			if files[pyproject], err = spdxLicense(files[pyproject]); err != nil {
				return nil, err
			}
		}
	}
	return files, nil
}

// spdxLicense rewrites the generated pyproject.toml's license from a table
// ([project.license] text = ...), which setuptools deprecates and refuses
// from 2027-02-18, to PEP 639's SPDX expression, which needs setuptools 77.
func spdxLicense(pyproject []byte) ([]byte, error) {
	table := regexp.MustCompile(`(?m)^  \[project\.license\]\n    text = ("[^"\n]+")\n`)
	backend := regexp.MustCompile(`"setuptools>=[0-9.]+"`)
	if !table.Match(pyproject) || !backend.Match(pyproject) {
		return nil, fmt.Errorf("the generated pyproject.toml no longer has a [project.license] table and a setuptools requirement: update spdxLicense")
	}
	pyproject = table.ReplaceAll(pyproject, []byte("  license = $1\n"))
	return backend.ReplaceAll(pyproject, []byte(`"setuptools>=77.0"`)), nil
}

// Write replaces dir's SDKs with files: each language's folder is emptied
// first, so that a file the generator no longer writes does not linger.
func Write(dir string, files map[string][]byte) error {
	for _, language := range Languages {
		if err := os.RemoveAll(filepath.Join(dir, language)); err != nil {
			return err
		}
	}
	for path, content := range files {
		full := filepath.Join(dir, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil { //nolint:gosec // G301: source folders of the repository
			return err
		}
		if err := os.WriteFile(full, content, 0o644); err != nil { //nolint:gosec // G306: source files of the repository, as git checks them out
			return err
		}
	}
	return nil
}

// noReferences is the loader of a schema that refers to no other package:
// the component's inputs and outputs are its own types only.
type noReferences struct{}

var errNoReferences = errors.New("the atlas-multiorg schema refers to no other package")

func (noReferences) LoadPackage(string, *semver.Version) (*schema.Package, error) {
	return nil, errNoReferences
}

func (noReferences) LoadPackageV2(context.Context, *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, errNoReferences
}

func (noReferences) LoadPackageReference(string, *semver.Version) (schema.PackageReference, error) {
	return nil, errNoReferences
}

func (noReferences) LoadPackageReferenceV2(context.Context, *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, errNoReferences
}
