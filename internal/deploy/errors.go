package deploy

import (
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
)

// autoError is an Automation API error as it is said: the reason the pulumi
// CLI gave (the engine's error line, else the first error line it printed
// on stderr), else the error's first line, with every secret taken out.
// The Automation API's own message starts with "exit status 1" and carries
// the command's whole stdout (for an export, the state and its secrets), so
// only this is printed; Unwrap keeps the chain for errors.Is and errors.As.
type autoError struct {
	err       error
	firstLine bool
}

func (e *autoError) Error() string {
	msg := autoMessage(e.err)
	if e.firstLine {
		msg = firstLine(msg)
	}
	return redact(msg, os.Getenv)
}

func (e *autoError) Unwrap() error { return e.err }

// autoMessage is an Automation API error without the whole stdout it
// carries: the engine's own error line when it printed one, else the CLI's
// reason on stderr, else the error's first line.
func autoMessage(err error) string {
	msg := err.Error()
	i := strings.LastIndex(msg, stderrMark)
	if i < 0 {
		if m := engineError.FindStringSubmatch(msg); m != nil {
			return m[1]
		}
		return msg
	}
	head, stderr := msg[:i], msg[i+len(stderrMark):]
	if m := engineError.FindStringSubmatch(head); m != nil {
		return m[1]
	}
	if reason := cliReason(stderr); reason != "" {
		return reason
	}
	return firstLine(head) // never the stdout that follows
}

// stderrMark is where the Automation API's error message puts the CLI's
// stderr: last, after its exit code and stdout.
const stderrMark = "\nstderr: "

// engineError is the line the CLI prints when an update fails.
var engineError = regexp.MustCompile(`(?m)^error: (.+)$`)

// cliReason is what the pulumi CLI said on stderr when it failed: its first
// error line ("error: could not ..."), or, where it printed none, its first
// line that is not a warning (a new version, a plugin override).
func cliReason(stderr string) string {
	var other string
	for line := range strings.Lines(stderr) {
		line = strings.TrimSpace(line)
		if rest, ok := strings.CutPrefix(line, "error: "); ok {
			return strings.TrimSpace(rest)
		}
		if other == "" && line != "" && !strings.HasPrefix(line, "warning: ") {
			other = line
		}
	}
	return other
}

// secretEnv are the variables whose values are secrets that a message from
// the CLI, the backend or the database could echo.
var secretEnv = []string{
	"PULUMI_CONFIG_PASSPHRASE", "PULUMI_ACCESS_TOKEN", "PGPASSWORD",
	"MONGODB_ATLAS_CLIENT_SECRET", "MONGODB_ATLAS_PRIVATE_API_KEY", "MONGODB_ATLAS_PRIVATE_KEY", "MCLI_PRIVATE_API_KEY",
	"MONGODB_ATLAS_ACCESS_TOKEN",
}

// urlPassword is the password in a URL's user info (a PostgreSQL backend
// URL holds one); dsnPassword the one of a key=value connection string.
var (
	urlPassword = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]*):[^\s@]*@`)
	dsnPassword = regexp.MustCompile(`(?i)(password=)('[^']*'|\S+)`)
)

// withheld stands in for a secret taken out of a message, as url.Redacted
// writes a URL's password.
const withheld = "xxxxx"

// redact takes every secret out of a message before it is printed: the
// password of any URL in it, a connection string's password, and the
// values of the secret variables (the passphrase, the Atlas credentials,
// the backend URL's password, in the environment getenv reads).
func redact(msg string, getenv func(string) string) string {
	var secrets []string
	for _, name := range secretEnv {
		secrets = append(secrets, getenv(name))
	}
	if u, err := url.Parse(getenv("PULUMI_BACKEND_URL")); err == nil && u.User != nil {
		if password, set := u.User.Password(); set {
			secrets = append(secrets, password, url.QueryEscape(password), url.PathEscape(password))
		}
	}
	for _, secret := range secrets {
		if len(secret) >= minSecretLength {
			msg = strings.ReplaceAll(msg, secret, withheld)
		}
	}
	msg = urlPassword.ReplaceAllString(msg, "${1}:"+withheld+"@")
	return dsnPassword.ReplaceAllString(msg, "${1}"+withheld)
}

// minSecretLength keeps a variable set to a word of a few letters from
// blanking that word out of every message.
const minSecretLength = 4

// ProjectError is a --dir that is not the org stack's project: it holds no
// Pulumi.yaml, or another project's. It is a usage error, the same for
// every stack.
type ProjectError struct {
	Dir string
	// Project is the project the folder holds, "" when it holds none; Want
	// the org stack's, whose program runs inline.
	Project, Want string
}

func (e *ProjectError) Error() string {
	if e.Project == "" {
		return fmt.Sprintf("%s is not the org stack's project: it holds no Pulumi.yaml; run from the org stack's project folder, or give it with --dir", e.Dir)
	}
	return fmt.Sprintf("the project in %s is %q, not the org stack's project %q, whose program this command runs inline; "+
		"run from the org stack's project folder (or give it with --dir), or run this project's own program with --inline=false", e.Dir, e.Project, e.Want)
}
