// Command projects is the consumer stack's Pulumi program.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/atlas-multiorg/atlas-multiorg/stacks/projects"
)

func main() {
	pulumi.Run(projects.Program)
}
