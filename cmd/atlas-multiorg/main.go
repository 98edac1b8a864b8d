// Command atlas-multiorg is the project's command-line tool; see
// `atlas-multiorg --help` for its subcommands and exit codes.
package main

import (
	"os"

	"github.com/atlas-multiorg/atlas-multiorg/internal/cli"
)

func main() {
	os.Exit(cli.Execute(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
