// Package pulumiversion holds the oldest Pulumi CLI atlas-multiorg runs
// with, and checks the CLI against it: the one on PATH, before the
// command-line tool runs it, and the engine running the org stack's program.
package pulumiversion

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/blang/semver"
)

// Minimum is the oldest Pulumi CLI atlas-multiorg runs with. Read in the
// CLI's changelog: 3.182.0 brought resource hooks (the replacement guard and
// the apiAccessListRequired switch), 3.192.0 passed them to components built
// by a plugin's Construct, 3.208.0 brought the replacementTrigger resource
// option, without which an older engine ignores the trigger and a
// service-account secret is never rotated, and 3.217.0 the engine's
// RequirePulumiVersion, without which the program cannot tell an engine
// older than 3.208.0 from a newer one. Only 3.259.0 is run by the tests.
const Minimum = "3.217.0"

var minimum = semver.MustParse(Minimum)

// Install says where a newer CLI comes from.
const Install = "https://www.pulumi.com/docs/install/"

// needs is what an older CLI lacks, for the messages.
const needs = "atlas-multiorg needs the Pulumi CLI " + Minimum + " or later (older ones never rotate " +
	"service-account secrets and lack the resource hooks its guards use)"

// Check reads what `pulumi version` printed ("v3.259.0") and refuses a CLI
// older than Minimum, in one line that says how to get a newer one.
func Check(printed string) error {
	printed = strings.TrimSpace(printed)
	v, err := semver.ParseTolerant(printed)
	if err != nil {
		return fmt.Errorf("cannot read the Pulumi CLI's version from `pulumi version` (%q): %w; %s", printed, err, needs)
	}
	if v.LT(minimum) {
		return fmt.Errorf("%s; the pulumi on PATH is %s: install a newer one (%s)", needs, printed, Install)
	}
	return nil
}

// Engine is what a Pulumi program's context offers to check the engine
// running it (*pulumi.Context).
type Engine interface {
	RequirePulumiVersion(versionRange string) error
}

// RequireEngine asks the engine running the program whether it is Minimum
// or later. An engine older than 3.217.0 does not know the question, and the
// SDK says so; either way the error is one line that says what to do.
func RequireEngine(engine Engine) error {
	if err := engine.RequirePulumiVersion(">=" + Minimum); err != nil {
		return fmt.Errorf("%s; the CLI running this program is older (%s): install a newer one (%s)",
			needs, strings.TrimSpace(err.Error()), Install)
	}
	return nil
}

// CheckOnPath runs `pulumi version` with the pulumi on PATH and checks it.
func CheckOnPath(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, "pulumi", "version")
	// No update check: its warning is not the version, and it calls out.
	cmd.Env = append(os.Environ(), "PULUMI_SKIP_UPDATE_CHECK=true")
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("running `pulumi version`: %w; %s (%s)", err, needs, Install)
	}
	return Check(string(out))
}
