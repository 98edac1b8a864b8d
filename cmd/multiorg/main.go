// Command multiorg is the org stack's Pulumi program.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/atlas-multiorg/atlas-multiorg/stacks"
)

func main() {
	pulumi.Run(stacks.Program)
}
