// Command sdkgen regenerates the component package's SDKs under sdk/ from
// its schema: `go run ./cmd/sdkgen` (make sdk) after a change to the
// component's inputs, outputs or their documentation.
package main

import (
	"fmt"
	"os"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorgpkg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/sdkgen"
)

func main() {
	dir := "sdk"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := run(dir); err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	schema, err := multiorgpkg.Schema()
	if err != nil {
		return err
	}
	files, err := sdkgen.Generate(schema)
	if err != nil {
		return err
	}
	if err := sdkgen.Write(dir, files); err != nil {
		return err
	}
	return os.WriteFile(dir+"/schema.json", append(schema, '\n'), 0o644) //nolint:gosec // G306: a source file of the repository, as git checks it out
}
