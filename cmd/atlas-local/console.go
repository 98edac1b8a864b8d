package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
)

const consoleUsage = `usage: atlas-local console [--data-dir DIR] [--url URL] COMMAND

Does what a person does in the Atlas UI as an organization's Organization
Owner, against the running atlas-local of DIR:

  orgs             list every organization: ID, name, the paying organization it is linked to
  delete-org ID    delete an organization (not a paying one, not one with projects)
  remove-user ORG USER
                   remove USER (their username or user ID) from organization ORG
  delete-team ORG TEAM
                   delete team TEAM (its ID or name) of organization ORG
  accept ORG USER  accept USER's invitation to organization ORG, as the invited
                   person would (USER: their username or user ID); the member
                   becomes ACTIVE
  mark-non-compliant PROJECT CLUSTER POLICY
                   report cluster CLUSTER (a name) of project PROJECT as breaking
                   resource policy POLICY (its ID) of the project's organization,
                   in GET /orgs/{orgId}/nonCompliantResources; atlas-local runs
                   no clusters, so the mark is all there is of it
  clear-non-compliant PROJECT CLUSTER
  clear-non-compliant CLUSTER_ID
                   make the cluster compliant again, as changing it to fit
                   the policies would (CLUSTER_ID: its resourceId in
                   GET /orgs/{orgId}/nonCompliantResources)
  create-service-account [--hours N] --secret-file FILE ORG NAME
                   make a service account NAME with ORG_OWNER in organization
                   ORG; print its client ID, and write its one secret (valid N
                   hours, 2160 by default) to FILE (mode 0600, not one that
                   exists): a stack whose own credential was deleted or
                   expired takes it over (serviceAccount.takeOver)

Recovering from an answer lost after Atlas created an organization needs
this: the organization's only credential was lost with the answer, and the
paying organization's credential is not a member of it.`

// console runs a console command against the running atlas-local.
func console(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("atlas-local console", flag.ContinueOnError)
	fs.Usage = func() { _, _ = fmt.Fprintln(fs.Output(), consoleUsage) }
	dataDir := fs.String("data-dir", ".atlas-local", "the running atlas-local's --data-dir")
	baseURL := fs.String("url", "", "its base URL (default: the url file in --data-dir)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("console: a command is needed")
	}
	if *baseURL == "" {
		raw, err := os.ReadFile(filepath.Join(*dataDir, "url")) //nolint:gosec // G304: atlas-local's own data folder
		if err != nil {
			return fmt.Errorf("console: no --url, and %w (is atlas-local running with --url-file %s/url?)", err, *dataDir)
		}
		*baseURL = strings.TrimSpace(string(raw))
	}
	token, err := readConsoleToken(*dataDir, false)
	if err != nil {
		return err
	}
	call := func(method, path string, into any, request ...any) error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		var payload io.Reader
		if len(request) > 0 {
			raw, err := json.Marshal(request[0])
			if err != nil {
				return err
			}
			payload = bytes.NewReader(raw)
		}
		req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(*baseURL, "/")+path, payload)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer func() { _ = resp.Body.Close() }()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 300 {
			var e struct{ Detail string }
			_ = json.Unmarshal(body, &e)
			return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, e.Detail)
		}
		if into != nil {
			return json.Unmarshal(body, into)
		}
		return nil
	}
	switch cmd := fs.Arg(0); {
	case cmd == "orgs" && fs.NArg() == 1:
		var list struct {
			Results []struct {
				ID, Name, PayingOrgID string
				Paying                bool
			}
		}
		if err := call(http.MethodGet, "/local/console/orgs", &list); err != nil {
			return err
		}
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		_, _ = fmt.Fprintln(tw, "ID\tNAME\tLINKED TO")
		for _, o := range list.Results {
			linked := o.PayingOrgID
			if o.Paying {
				linked = "(paying)"
			}
			_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\n", o.ID, o.Name, linked)
		}
		return tw.Flush()
	case cmd == "delete-org" && fs.NArg() == 2:
		if err := call(http.MethodDelete, "/local/console/orgs/"+fs.Arg(1), nil); err != nil {
			return err
		}
		_, _ = fmt.Fprintln(out, "deleted organization", fs.Arg(1))
		return nil
	case cmd == "remove-user" && fs.NArg() == 3:
		if err := call(http.MethodDelete, "/local/console/orgs/"+url.PathEscape(fs.Arg(1))+"/users/"+url.PathEscape(fs.Arg(2)), nil); err != nil {
			return err
		}
		_, _ = fmt.Fprintf(out, "removed %s from organization %s\n", fs.Arg(2), fs.Arg(1))
		return nil
	case cmd == "delete-team" && fs.NArg() == 3:
		if err := call(http.MethodDelete, "/local/console/orgs/"+url.PathEscape(fs.Arg(1))+"/teams/"+url.PathEscape(fs.Arg(2)), nil); err != nil {
			return err
		}
		_, _ = fmt.Fprintf(out, "deleted team %s of organization %s\n", fs.Arg(2), fs.Arg(1))
		return nil
	case cmd == "accept" && fs.NArg() == 3:
		var member struct{ Username, OrgMembershipStatus string }
		if err := call(http.MethodPost, "/local/console/orgs/"+url.PathEscape(fs.Arg(1))+"/users/"+url.PathEscape(fs.Arg(2))+"/accept", &member); err != nil {
			return err
		}
		_, _ = fmt.Fprintf(out, "%s is %s in organization %s\n", member.Username, member.OrgMembershipStatus, fs.Arg(1))
		return nil
	case cmd == "mark-non-compliant" && fs.NArg() == 4:
		path := "/local/console/groups/" + url.PathEscape(fs.Arg(1)) + "/clusters/" + url.PathEscape(fs.Arg(2)) + "/nonCompliant/" + url.PathEscape(fs.Arg(3))
		if err := call(http.MethodPost, path, nil); err != nil {
			return err
		}
		_, _ = fmt.Fprintf(out, "cluster %s of project %s breaks resource policy %s\n", fs.Arg(2), fs.Arg(1), fs.Arg(3))
		return nil
	case cmd == "clear-non-compliant" && fs.NArg() == 3:
		if err := call(http.MethodDelete, "/local/console/groups/"+url.PathEscape(fs.Arg(1))+"/clusters/"+url.PathEscape(fs.Arg(2))+"/nonCompliant", nil); err != nil {
			return err
		}
		_, _ = fmt.Fprintf(out, "cluster %s of project %s is compliant\n", fs.Arg(2), fs.Arg(1))
		return nil
	case cmd == "clear-non-compliant" && fs.NArg() == 2:
		if err := call(http.MethodDelete, "/local/console/nonCompliantResources/"+url.PathEscape(fs.Arg(1)), nil); err != nil {
			return err
		}
		_, _ = fmt.Fprintf(out, "cluster %s is compliant\n", fs.Arg(1))
		return nil
	case cmd == "create-service-account":
		return createServiceAccount(fs.Args()[1:], out, call)
	default:
		fs.Usage()
		return fmt.Errorf("console: unknown command %q", strings.Join(fs.Args(), " "))
	}
}

// readConsoleToken reads the console token of dataDir; create makes one
// (mode 0600) when there is none.
func readConsoleToken(dataDir string, create bool) (string, error) {
	path := filepath.Join(dataDir, "console-token")
	raw, err := os.ReadFile(path) //nolint:gosec // G304: atlas-local's own data folder
	if err == nil {
		return strings.TrimSpace(string(raw)), nil
	}
	if !create || !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("reading the console token: %w", err)
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := hex.EncodeToString(b)
	if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
		return "", err
	}
	return token, nil
}

// createServiceAccount makes a service account with ORG_OWNER in an
// organization, as its Organization Owner does in the Atlas UI, and keeps
// its one secret in a file of its own, never on the screen or a command
// line: `pulumi config set --secret` reads it from there.
func createServiceAccount(args []string, out io.Writer, call func(method, path string, into any, body ...any) error) error {
	fs := flag.NewFlagSet("atlas-local console create-service-account", flag.ContinueOnError)
	secretFile := fs.String("secret-file", "", "the file its secret is written to (mode 0600; not one that exists)")
	hours := fs.Int("hours", 2160, "its secret's lifetime, 8 to 8760 hours")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 || *secretFile == "" {
		return errors.New("usage: atlas-local console create-service-account [--hours N] --secret-file FILE ORG NAME")
	}
	file, err := os.OpenFile(*secretFile, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) //nolint:gosec // G304: the file the person names
	if err != nil {
		return fmt.Errorf("console: the secret's file: %w", err)
	}
	var made struct {
		ClientID string `json:"clientId"`
		Secrets  []struct {
			Secret string `json:"secret"`
		} `json:"secrets"`
	}
	err = call(http.MethodPost, "/local/console/orgs/"+url.PathEscape(fs.Arg(0))+"/serviceAccounts", &made, map[string]any{
		"name": fs.Arg(1), "description": "made by the Organization Owner", "roles": []string{"ORG_OWNER"}, "secretExpiresAfterHours": *hours})
	if err == nil && (len(made.Secrets) == 0 || made.Secrets[0].Secret == "") {
		err = errors.New("console: atlas-local showed no secret")
	}
	if err == nil {
		_, err = file.WriteString(made.Secrets[0].Secret)
	}
	if closeErr := file.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		_ = os.Remove(*secretFile)
		return err
	}
	_, _ = fmt.Fprintf(out, "made service account %s (%s, ORG_OWNER) in organization %s; its secret is in %s\n", made.ClientID, fs.Arg(1), fs.Arg(0), *secretFile)
	return nil
}
