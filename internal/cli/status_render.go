package cli

import (
	"fmt"
	"html/template"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"
)

// writeStatusTable writes status for people: one line per organization,
// worst first, then every finding, the stacks not checked, the paying
// organizations' checks, and the summary line.
func writeStatusTable(w io.Writer, r StatusReport) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, "STACK\tORG\tSTATE\tSECRET\tBUDGET\tWORST FINDING") // a write error comes back from Flush
	for _, org := range r.Orgs {
		state, worstFinding := "ok", "-"
		if len(org.Findings) > 0 {
			state, worstFinding = org.Findings[0].Kind, org.Findings[0].Message
			if more := len(org.Findings) - 1; more > 0 {
				worstFinding += fmt.Sprintf(" (+%d more)", more)
			}
		}
		_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", org.Stack, org.Key, state, secretColumn(org), budgetColumn(org), worstFinding)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var b strings.Builder
	if r.Summary.Findings > 0 {
		b.WriteString("\nFindings:\n")
		for _, org := range r.Orgs {
			for _, f := range org.Findings {
				fmt.Fprintf(&b, "  %s orgs.%s  %-12s %s\n", org.Stack, org.Key, f.Kind, f.Message)
			}
		}
		for _, st := range r.Stacks {
			for _, f := range st.Findings {
				fmt.Fprintf(&b, "  %s  %-12s %s\n", st.Stack, f.Kind, f.Message)
			}
		}
		for _, p := range r.PayingOrgs {
			for _, f := range p.Findings {
				fmt.Fprintf(&b, "  paying org %s  %-12s %s\n", p.OrgID, f.Kind, f.Message)
			}
		}
	}
	var notChecked []StackStatus
	for _, st := range r.Stacks {
		if st.State != StackChecked || st.Reason != "" {
			notChecked = append(notChecked, st)
		}
	}
	if len(notChecked) > 0 {
		b.WriteString("\nStacks:\n")
		for _, st := range notChecked {
			fmt.Fprintf(&b, "  %s: %s: %s\n", st.Stack, st.State, st.Reason)
		}
	}
	for _, p := range r.PayingOrgs {
		switch {
		case p.Reason != "":
			fmt.Fprintf(&b, "\nPaying organization %s (%s): %s\n", p.OrgID, strings.Join(p.Stacks, ", "), p.Reason)
		case len(p.Orphans) == 0:
			fmt.Fprintf(&b, "\nPaying organization %s: no orphans; every organization linked to it is held by one of %s\n", p.OrgID, strings.Join(p.Stacks, ", "))
		}
	}
	b.WriteString("\n" + statusLine(r) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// statusLine is the summary: how many stacks and organizations were
// checked, what was found, and how long it took.
func statusLine(r StatusReport) string {
	s := r.Summary
	line := fmt.Sprintf("checked %d of %s and %s in %s: %s",
		s.StacksChecked, plural(s.Stacks, "stack"), plural(s.Orgs, "organization"),
		(time.Duration(r.Seconds * float64(time.Second))).Round(10*time.Millisecond), plural(s.Findings, "finding"))
	if n := s.Stacks - s.StacksChecked; n > 0 {
		line += fmt.Sprintf(", %s not checked", plural(n, "stack"))
	}
	return line
}

func secretColumn(org OrgStatus) string {
	if org.DaysLeft == nil {
		return "-"
	}
	var left string
	switch d := *org.DaysLeft; {
	case d < 0:
		left = "expired"
	case d == 1:
		left = "1 day left"
	default:
		left = fmt.Sprintf("%d days left", d)
	}
	// Which secret, where it is not the stack's own.
	switch org.SecretOrigin {
	case SecretOfARotation:
		left += " (secret " + org.SecretID + ", left by an earlier rotation)"
	case SecretOutsideTheCode:
		left += " (secret " + org.SecretID + ", made outside the code)"
	}
	return left
}

func budgetColumn(org OrgStatus) string {
	if org.Budget == nil {
		return "-"
	}
	return org.Budget.State
}

// statusPage is the HTML report: self-contained, no script, no link out.
var statusPage = template.Must(template.New("status").Funcs(template.FuncMap{
	"secret": secretColumn, "budget": budgetColumn, "line": statusLine,
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>atlas-multiorg status</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}
th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f3f3f3}
.ok{color:#1a7f37}.bad{color:#b42318;font-weight:600}
</style></head><body>
<h1>atlas-multiorg status</h1>
<p>{{line .}}; checked at {{.CheckedAt.Format "2006-01-02 15:04:05 UTC"}} (schema version {{.SchemaVersion}}).</p>
<h2>Organizations</h2>
<table><tr><th>Stack</th><th>Org key</th><th>Org ID</th><th>Name</th><th>Secret</th><th>Budget</th><th>Findings</th></tr>
{{range .Orgs}}<tr><td>{{.Stack}}</td><td>{{.Key}}</td><td>{{.OrgID}}</td><td>{{.Name}}</td><td>{{secret .}}</td><td>{{budget .}}</td>
<td>{{if .Findings}}<ul>{{range .Findings}}<li><span class="bad">{{.Kind}}</span> {{.Message}}</li>{{end}}</ul>{{else}}<span class="ok">ok</span>{{end}}</td></tr>
{{end}}</table>
<h2>Stacks</h2>
<table><tr><th>Stack</th><th>Environment</th><th>State</th><th>Seconds</th><th>Notes</th></tr>
{{range .Stacks}}<tr><td>{{.Stack}}</td><td>{{.Environment}}</td><td>{{if eq .State "checked"}}<span class="ok">checked</span>{{else}}<span class="bad">{{.State}}</span>{{end}}</td><td>{{printf "%.1f" .Seconds}}</td>
<td>{{.Reason}}{{range .Findings}}<div><span class="bad">{{.Kind}}</span> {{.Message}}</div>{{end}}</td></tr>
{{end}}</table>
<h2>Paying organizations</h2>
<table><tr><th>Paying org</th><th>Stacks</th><th>Orphans</th></tr>
{{range .PayingOrgs}}<tr><td>{{.OrgID}}</td><td>{{range $i, $s := .Stacks}}{{if $i}}, {{end}}{{$s}}{{end}}</td>
<td>{{.Reason}}{{range .Findings}}<div><span class="bad">{{.Kind}}</span> {{.Message}}</div>{{else}}{{if not .Reason}}<span class="ok">none</span>{{end}}{{end}}</td></tr>
{{end}}</table>
</body></html>
`))

// writeStatusHTML writes the report as one self-contained HTML page.
func writeStatusHTML(w io.Writer, r StatusReport) error {
	return statusPage.Execute(w, r)
}

func writeStatusHTMLFile(path string, r StatusReport) error {
	f, err := os.Create(path) //nolint:gosec // G304: the user's own --html path
	if err != nil {
		return usageError("--html: %w", err)
	}
	if err := writeStatusHTML(f, r); err != nil {
		_ = f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Close()
}
