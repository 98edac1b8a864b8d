// Command pulumi-resource-atlas-multiorg is the MultiOrg component package's
// provider plugin: the Pulumi CLI starts it to construct
// atlas-multiorg:index:MultiOrg for programs in any language.
package main

import (
	"fmt"
	"os"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorgpkg"
)

func main() {
	if err := multiorgpkg.Main(); err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-resource-atlas-multiorg:", err)
		os.Exit(1)
	}
}
