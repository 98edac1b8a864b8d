// Command apispecgen writes the Go file that atlas-local derives from the
// Admin API specification (see internal/apispec):
//
//	go run ./cmd/apispecgen -spec SPEC.yaml -pkg localapi -out FILE.go
//
// internal/localapi runs it through `go generate`.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/atlas-multiorg/atlas-multiorg/internal/apispec"
)

func main() {
	spec := flag.String("spec", "", "the OpenAPI document of the Admin API")
	pkg := flag.String("pkg", "localapi", "the package of the generated file")
	out := flag.String("out", "", "the file to write")
	flag.Parse()
	if *spec == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "apispecgen: -spec and -out are required")
		os.Exit(2)
	}
	src, err := apispec.Render(*spec, *pkg, filepath.Base(*spec))
	if err == nil {
		err = os.WriteFile(*out, src, 0o644) //nolint:gosec // G306: a source file of the repository, as git checks it out
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "apispecgen:", err)
		os.Exit(1)
	}
}
