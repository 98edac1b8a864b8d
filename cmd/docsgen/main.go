// Command docsgen regenerates, in place, every block of README.md,
// CONTRIBUTING.md and docs/ that comes from code (make docs). With -check it
// changes nothing and fails while a block is stale.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/atlas-multiorg/atlas-multiorg/internal/docsgen"
)

func main() {
	check := flag.Bool("check", false, "change nothing; exit 1 when a generated block differs from the code")
	flag.Parse()
	root := "."
	if flag.NArg() > 0 {
		root = flag.Arg(0)
	}
	stale, err := docsgen.Update(root, !*check)
	if err != nil {
		fmt.Fprintln(os.Stderr, "docsgen:", err)
		os.Exit(2)
	}
	for _, path := range stale {
		if *check {
			fmt.Fprintf(os.Stderr, "docsgen: %s: a generated block differs from the code: run make docs\n", path)
		} else {
			fmt.Println("docsgen: wrote", path)
		}
	}
	if *check && len(stale) > 0 {
		os.Exit(1)
	}
}
