package tests

import (
	"errors"
	"go/build"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/atlas-multiorg/atlas-multiorg"

// TestNoImportRunsUpTheLayout: the component, the plugin and the provider
// binding never import the stack program, directly or through another
// package of the module; the program builds on them, not the other way.
func TestNoImportRunsUpTheLayout(t *testing.T) {
	for _, root := range []string{"components", "internal/mongodbatlas"} {
		eachPackage(t, root, func(rel string, pkg *build.Package) {
			for _, imported := range moduleImports(t, pkg.Imports, map[string]bool{}) {
				assert.False(t, isStacks(imported), "%s imports %s", rel, imported)
			}
		})
	}
}

// TestOnlyTheToolsImportTheStackProgram: below cmd/, only the command-line
// tool imports the org stack program, to run it inline (deploy and status,
// --inline); every other package reaches the wire contract through
// components/multiorg.
func TestOnlyTheToolsImportTheStackProgram(t *testing.T) {
	allowed := []string{"internal/cli"}
	eachPackage(t, "internal", func(rel string, pkg *build.Package) {
		if slices.Contains(allowed, rel) {
			return
		}
		for _, imported := range pkg.Imports {
			assert.False(t, isStacks(imported),
				"%s imports %s; use components/multiorg's ConfigNamespace, StackComponentName or codec instead", rel, imported)
		}
	})
}

func isStacks(imported string) bool {
	return imported == module+"/stacks" || strings.HasPrefix(imported, module+"/stacks/")
}

// eachPackage calls visit with every Go package under root, by its path
// relative to the repository.
func eachPackage(t *testing.T, root string, visit func(rel string, pkg *build.Package)) {
	t.Helper()
	err := filepath.WalkDir(filepath.Join("..", root), func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		pkg, err := build.ImportDir(path, 0)
		if _, none := errors.AsType[*build.NoGoError](err); none {
			return nil
		}
		require.NoError(t, err, path)
		rel, _ := filepath.Rel("..", path)
		visit(rel, pkg)
		return nil
	})
	require.NoError(t, err)
}

// moduleImports are the module's packages among imports, and theirs in turn.
func moduleImports(t *testing.T, imports []string, seen map[string]bool) []string {
	t.Helper()
	var all []string
	for _, imported := range imports {
		rest, ok := strings.CutPrefix(imported, module+"/")
		if !ok || seen[imported] {
			continue
		}
		seen[imported] = true
		all = append(all, imported)
		pkg, err := build.ImportDir(filepath.Join("..", rest), 0)
		require.NoError(t, err, imported)
		all = append(all, moduleImports(t, pkg.Imports, seen)...)
	}
	return all
}
