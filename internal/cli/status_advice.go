package cli

import (
	"cmp"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
)

// How a fix reaches Atlas: `pulumi up --refresh`. A plain `pulumi up`
// diffs the code against the stack's state, not against Atlas, so after a
// change made in Atlas it reports no changes; the refresh reads Atlas first,
// and the update then sets back what the code says. The refresh is in the
// advice rather than in the project's options (Pulumi.yaml `options:
// refresh: always`, pulumi/pulumi#8071) because that would
// make every update and preview of every stack read every resource from
// Atlas, at prod scale as long as status's own refresh preview of it, to
// fix something only after status has found it. docs/status.md says so.

// findingAdvice is what status advises for one kind of finding. It is the
// one place the advice lives: each finding's message and fix (JSON `fix`),
// the HTML report, and docs/status.md's table (make docs) come from it.
type findingAdvice struct {
	kind string
	// means says what the finding means.
	means string
	// does says what the fix does, after the finding's own words: "to set
	// it back as the code says".
	does string
	// commands are the fix as the documentation shows it, with
	// <placeholders>; none when no command fixes it.
	commands []string
	// fix is the exact command for one finding, run from the folder status
	// ran in; "" when none fixes it (then byHand says what does).
	fix func(s adviceSubject) string
	// byHand says what to do where no command does it: a person in the
	// Atlas UI, or a choice that is the user's to make.
	byHand string
	// inTheMessage says the finding's own message says what to do, so
	// byHand is for the documentation only.
	inTheMessage bool
	// applies says which findings of the kind the row advises; nil: all.
	// The others' own message says what to do.
	applies func(f Finding) bool
}

// adviceSubject is what a finding's fix names.
type adviceSubject struct {
	stack, dir    string
	orgKey, orgID string
	finding       Finding
	orphan        *Orphan
	// rotates says the organization's service account rotates its secret
	// (rotateEveryHours).
	rotates bool
	// atlasLocal says the Admin API is atlas-local, whose console stands in
	// for a person in the Atlas UI.
	atlasLocal bool
}

// upRefresh is the one command that brings Atlas back to what the code says.
const upRefresh = "pulumi up --refresh --stack <stack>"

// statusAdvice is every kind of finding, worst first, with its advice.
var statusAdvice = []findingAdvice{
	{kind: KindUnchecked, means: "a check of the organization could not run (its people could not be listed, its expiry not read)",
		byHand: "none: the message says why, and what to fix before status can check it", inTheMessage: true},
	{kind: KindExpired, means: "its newest service account secret has expired",
		byHand: "the stack's own credential no longer signs in to the organization, so no update can issue a new secret: the message gives the steps by which the stack takes over a service account its Organization Owner makes (serviceAccount.takeOver), against atlas-local with its console in their place", inTheMessage: true},
	{kind: KindGone, means: "a resource of the stack is gone from Atlas: a deleted secret, a removed member, a deleted team",
		does: "to create it again", commands: []string{upRefresh}, fix: upRefreshFix},
	{kind: KindChanged, means: "a setting differs from the code: the field, the value in the code and the value in Atlas",
		does: "to set it back as the code says (or change the code to Atlas' value)", commands: []string{upRefresh}, fix: upRefreshFix,
		byHand: "except a field the provider sets only when it creates the organization (its credential's description or roles): no update sets it back, and the message says what does; and a change the update would undo by replacing the resource (deleting it in Atlas and creating it again, which the replacement guard refuses for an organization): the message says it, and to set it back in Atlas or change the code instead"},
	{kind: KindNotInCode, means: "the stack holds a resource the code no longer declares",
		does: "to delete it from Atlas as the code says (or put it back in the code)", commands: []string{upRefresh}, fix: upRefreshFix},
	{kind: KindNonCompliant, means: "Atlas reports a resource of the organization (a cluster) as breaking one of its resource policies: Atlas leaves a resource made before a policy as it is",
		does:     "to make it fit the policy, as the person who changes the cluster would (in the program that manages it, or in the Atlas UI), with atlas-local's console in their place",
		commands: []string{"bin/atlas-local console clear-non-compliant <resourceId>"},
		fix:      nonCompliantFix,
		byHand:   "against Atlas itself, change the resource to fit the policy (in the program that manages it, or in the Atlas UI), or change the policy (orgs.<key>.resourcePolicies); status reports it until Atlas does not"},
	{kind: KindUnmanaged, means: "a person or team in Atlas that the code does not list; on the organization's own credential, a secret or an access-list entry the stack did not make; another API key or service account of the organization, created or adopted (for these three, the message says what to do)",
		applies: func(f Finding) bool {
			return strings.HasPrefix(f.Resource, "person ") || strings.HasPrefix(f.Resource, "team ")
		},
		does:     "to remove it, as its Organization Owner would in the Atlas UI (Access Manager), with atlas-local's console in their place",
		commands: []string{"bin/atlas-local console remove-user <orgId> <username>", "bin/atlas-local console delete-team <orgId> <team name>"},
		fix:      unmanagedFix,
		byHand:   "against Atlas itself, its Organization Owner removes it in the Atlas UI (Access Manager: Users, Teams)"},
	{kind: KindOrphan, means: "an organization linked to the paying organization that none of the checked stacks holds",
		does:     "to delete it, as its Organization Owner would in the Atlas UI, with atlas-local's console in their place, and recover the stack an interrupted run left it by (pulumi refresh --clear-pending-creates, then pulumi up), if any",
		commands: []string{"bin/atlas-local console delete-org <orgId>"},
		fix:      orphanFix,
		byHand:   "against Atlas itself, its Organization Owner deletes it in the Atlas UI (Organization Settings, Delete Organization), or adopt it: the message says how"},
	{kind: KindOverBudget, means: "`monthlyBudgetUsd` is set and the month to date, or its projection, is over it (`billing --check`'s rule)",
		byHand: "none: spending is a decision; `atlas-multiorg billing` shows where it goes, and `monthlyBudgetUsd` in the code is the budget", inTheMessage: true},
	{kind: KindNotDeployed, means: "the code declares a resource the stack has not made (or adopted) yet",
		does: "to make it", commands: []string{upRefresh}, fix: upRefreshFix},
	{kind: KindExpiring, means: "its newest service account secret expires within `--window` (336 h by default, `check-expiry`'s rule)",
		does:     "to issue the next secret (the first update of a rotation period issues one)",
		commands: []string{upRefresh},
		fix: func(s adviceSubject) string {
			if !s.rotates {
				return ""
			}
			return upRefreshFix(s)
		},
		byHand: "without rotateEveryHours, give orgs.<key>.serviceAccount a rotateEveryHours (a third of secretExpiresAfterHours at most), then " + upRefresh},
}

// adviceOf is the advice of a kind of finding.
func adviceOf(kind string) (findingAdvice, bool) {
	for _, a := range statusAdvice {
		if a.kind == kind {
			return a, true
		}
	}
	return findingAdvice{}, false
}

// upRefreshFix is `pulumi up --refresh` of the finding's stack, from the
// folder status ran in.
func upRefreshFix(s adviceSubject) string {
	return "pulumi up --refresh --stack " + shellWord(s.stack) + cwdFlag(s.dir)
}

// cwdFlag is pulumi's --cwd for a project folder other than the current one.
func cwdFlag(dir string) string {
	if dir == "" || dir == "." {
		return ""
	}
	return " --cwd " + shellWord(dir)
}

// unmanagedFix removes an unmanaged person or team in atlas-local, as its
// Organization Owner would in the Atlas UI; against Atlas a person does it.
func unmanagedFix(s adviceSubject) string {
	if !s.atlasLocal || s.orgID == "" {
		return ""
	}
	switch what, who, _ := strings.Cut(s.finding.Resource, " "); what {
	case "person":
		return "bin/atlas-local console remove-user " + shellWord(s.orgID) + " " + shellWord(who)
	case "team":
		return "bin/atlas-local console delete-team " + shellWord(s.orgID) + " " + shellWord(who)
	}
	return ""
}

// nonCompliantFix makes a non-compliant cluster fit its policies in
// atlas-local, as the person who changes the cluster would; against Atlas a
// person does it. It names the cluster by the ID Atlas reports, since the
// listing does not say its project.
func nonCompliantFix(s adviceSubject) string {
	if !s.atlasLocal || s.finding.resourceID == "" {
		return ""
	}
	return "bin/atlas-local console clear-non-compliant " + shellWord(s.finding.resourceID)
}

// orphanFix deletes an orphan in atlas-local, as its Organization Owner
// would in the Atlas UI, then brings the stack it was probably made for
// back in step (the interrupted-run guide's steps 3 and 4).
func orphanFix(s adviceSubject) string {
	if !s.atlasLocal || s.orphan == nil {
		return ""
	}
	commands := []string{LocalDeleteCommand(s.orphan.OrgID)}
	if s.orphan.Stack != "" {
		for _, c := range RecoveryCommands(shellWord(s.orphan.Stack)) {
			commands = append(commands, c+cwdFlag(s.dir))
		}
	}
	return strings.Join(commands, " && ")
}

// plainWord is what a shell takes as one word as it is.
var plainWord = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// shellWord quotes s for a POSIX shell where it needs it.
func shellWord(s string) string {
	if plainWord.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// advise gives every finding of the report its fix, and says it at the end
// of its message: the command, else what to do by hand.
func (o *statusOptions) advise(report *StatusReport, checks []stackCheck) {
	for i := range report.Stacks {
		st := &report.Stacks[i]
		for j := range st.Findings {
			adviseFinding(&st.Findings[j], adviceSubject{stack: st.Stack, dir: o.dir})
		}
	}
	for i := range report.Orgs {
		org := &report.Orgs[i]
		for j := range org.Findings {
			adviseFinding(&org.Findings[j], adviceSubject{stack: org.Stack, dir: o.dir, orgKey: org.Key, orgID: org.OrgID,
				rotates: org.rotates, atlasLocal: isAtlasLocal(org.adminAPI)})
		}
	}
	for i := range report.PayingOrgs {
		p := &report.PayingOrgs[i]
		// The paying organization's Admin API, as checkPayingOrg resolves it.
		var providers []atlasapi.ProviderConfig
		for _, c := range checks {
			if c.payingOrgID == p.OrgID && c.state != nil {
				providers = append(providers, c.provider)
			}
		}
		api, err := findAdminAPI(o.baseURL, providers, o.getenv)
		atlasLocal := err == nil && isAtlasLocal(api.baseURL)
		for j := range p.Findings {
			f := &p.Findings[j]
			var orphan *Orphan
			for k := range p.Orphans {
				if f.Resource == "organization "+p.Orphans[k].OrgID {
					orphan = &p.Orphans[k]
				}
			}
			adviseFinding(f, adviceSubject{dir: o.dir, orphan: orphan, atlasLocal: atlasLocal})
		}
	}
}

// adviseFinding sets f's fix from its kind's advice, unless the finding
// came with one, and ends its message with it.
func adviseFinding(f *Finding, s adviceSubject) {
	a, ok := adviceOf(f.Kind)
	if !ok || f.byHand || (a.applies != nil && !a.applies(*f)) {
		return
	}
	s.finding = *f
	if f.Fix == "" && a.fix != nil {
		f.Fix = a.fix(s)
	}
	byHand := a.byHand
	if s.stack != "" {
		byHand = strings.ReplaceAll(byHand, upRefresh, upRefreshFix(s))
	}
	byHand = strings.ReplaceAll(byHand, "<key>", cmp.Or(s.orgKey, "<key>"))
	switch {
	case f.Fix != "":
		f.Message += fmt.Sprintf("; %s, run: %s", a.does, f.Fix)
	case byHand != "" && !a.inTheMessage:
		f.Message += "; " + byHand
	}
}

// isAtlasLocal says an Admin API is not Atlas itself (it is atlas-local,
// whose console stands in for a person in the Atlas UI); "" is unknown, and
// so Atlas.
func isAtlasLocal(baseURL string) bool {
	u, err := url.Parse(baseURL)
	if err != nil || u.Hostname() == "" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	for _, atlas := range []string{"mongodb.com", "mongodbgov.com"} {
		if host == atlas || strings.HasSuffix(host, "."+atlas) {
			return false
		}
	}
	return true
}

// FindingsTable is docs/status.md's table of finding kinds, from
// statusAdvice: what each means, and what fixes it.
func FindingsTable() string {
	var b strings.Builder
	b.WriteString("| Kind | What it means | What fixes it (`fix` in JSON, at the end of the message) |\n| --- | --- | --- |\n")
	for _, a := range statusAdvice {
		fix := a.byHand
		if len(a.commands) > 0 {
			fix = "`" + strings.Join(a.commands, "` or `") + "` " + a.does
			if a.byHand != "" {
				fix += "; " + a.byHand
			}
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", a.kind, a.means, strings.ReplaceAll(fix, "|", `\|`))
	}
	return b.String()
}
