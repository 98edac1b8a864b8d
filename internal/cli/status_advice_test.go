package cli

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryKindOfFindingHasItsAdvice: the advice table covers each kind
// status reports, once, and each row says what it means and what fixes it.
func TestEveryKindOfFindingHasItsAdvice(t *testing.T) {
	var kinds []string
	for _, a := range statusAdvice {
		kinds = append(kinds, a.kind)
		assert.NotEmpty(t, a.means, a.kind)
		assert.True(t, len(a.commands) > 0 || a.byHand != "", "%s: a command or what to do by hand", a.kind)
		assert.Equal(t, len(a.commands) > 0, a.fix != nil, "%s: a command in the docs is one in the findings", a.kind)
		assert.Equal(t, len(a.commands) > 0, a.does != "", "%s: a command says what it does", a.kind)
	}
	assert.ElementsMatch(t, slices.Collect(maps.Keys(kindRank)), kinds)
	for i := 1; i < len(statusAdvice); i++ {
		assert.GreaterOrEqual(t, kindRank[statusAdvice[i-1].kind], kindRank[statusAdvice[i].kind], "worst first, as status orders findings")
	}
	table := FindingsTable()
	for _, k := range kinds {
		assert.Contains(t, table, "| `"+k+"` |")
	}
}

func TestEachFindingGetsTheExactCommandThatFixesIt(t *testing.T) {
	orphan := &Orphan{OrgID: orphanOrg, Stack: "dev 0", OrgKey: "a"}
	tests := map[string]struct {
		finding Finding
		subject adviceSubject
		fix     string
		says    string
	}{
		"changed": {Finding{Kind: KindChanged, Resource: "Organization multiorg-a", Message: "m"}, adviceSubject{stack: "dev-0", dir: "."},
			"pulumi up --refresh --stack dev-0", "m; to set it back as the code says (or change the code to Atlas' value), run: pulumi up --refresh --stack dev-0"},
		"gone, from another folder": {Finding{Kind: KindGone, Message: "m"}, adviceSubject{stack: "dev-0", dir: "stacks/org stacks"},
			"pulumi up --refresh --stack dev-0 --cwd 'stacks/org stacks'", "m; to create it again, run: pulumi up --refresh --stack dev-0 --cwd 'stacks/org stacks'"},
		"not-in-code":  {Finding{Kind: KindNotInCode, Message: "m"}, adviceSubject{stack: "dev-0"}, "pulumi up --refresh --stack dev-0", ""},
		"not-deployed": {Finding{Kind: KindNotDeployed, Message: "m"}, adviceSubject{stack: "dev-0"}, "pulumi up --refresh --stack dev-0", ""},
		"an unmanaged person, against atlas-local": {Finding{Kind: KindUnmanaged, Resource: "person eve@example.com", Message: "m"},
			adviceSubject{stack: "dev-0", orgID: orgB, atlasLocal: true}, "bin/atlas-local console remove-user " + orgB + " eve@example.com", ""},
		"an unmanaged team, against atlas-local": {Finding{Kind: KindUnmanaged, Resource: "team Shadow IT's", Message: "m"},
			adviceSubject{stack: "dev-0", orgID: orgB, atlasLocal: true}, "bin/atlas-local console delete-team " + orgB + ` 'Shadow IT'\''s'`, ""},
		"an unmanaged person, against Atlas": {Finding{Kind: KindUnmanaged, Resource: "person eve@example.com", Message: "m"},
			adviceSubject{stack: "dev-0", orgID: orgB}, "", "m; against Atlas itself, its Organization Owner removes it in the Atlas UI (Access Manager: Users, Teams)"},
		"a non-compliant cluster, against atlas-local": {Finding{Kind: KindNonCompliant, Resource: "cluster orders", resourceID: "c1", Message: "m"},
			adviceSubject{stack: "dev-0", orgID: orgB, atlasLocal: true}, "bin/atlas-local console clear-non-compliant c1",
			"m; to make it fit the policy, as the person who changes the cluster would (in the program that manages it, or in the Atlas UI), with atlas-local's console in their place, run: bin/atlas-local console clear-non-compliant c1"},
		"a non-compliant cluster, against Atlas": {Finding{Kind: KindNonCompliant, Resource: "cluster orders", resourceID: "c1", Message: "m"},
			adviceSubject{stack: "dev-0", orgKey: "b", orgID: orgB}, "",
			"m; against Atlas itself, change the resource to fit the policy (in the program that manages it, or in the Atlas UI), or change the policy (orgs.b.resourcePolicies); status reports it until Atlas does not"},
		"a non-compliant resource Atlas gave no ID, against atlas-local": {Finding{Kind: KindNonCompliant, Resource: "cluster orders", Message: "m"},
			adviceSubject{stack: "dev-0", orgKey: "b", orgID: orgB, atlasLocal: true}, "", ""},
		"an orphan an interrupted run left, against atlas-local": {Finding{Kind: KindOrphan, Message: "m"}, adviceSubject{dir: "org", orphan: orphan, atlasLocal: true},
			"bin/atlas-local console delete-org " + orphanOrg + " && pulumi refresh --yes --clear-pending-creates --stack 'dev 0' --cwd org && pulumi up --yes --stack 'dev 0' --cwd org", ""},
		"an orphan made by hand, against atlas-local": {Finding{Kind: KindOrphan, Message: "m"}, adviceSubject{orphan: &Orphan{OrgID: orphanOrg}, atlasLocal: true},
			"bin/atlas-local console delete-org " + orphanOrg, ""},
		"an orphan, against Atlas": {Finding{Kind: KindOrphan, Message: "m"}, adviceSubject{orphan: orphan}, "", ""},
		"expiring, rotating": {Finding{Kind: KindExpiring, Message: "m"}, adviceSubject{stack: "dev-0", orgKey: "a", rotates: true}, "pulumi up --refresh --stack dev-0",
			"m; to issue the next secret (the first update of a rotation period issues one), run: pulumi up --refresh --stack dev-0"},
		"expiring, not rotating": {Finding{Kind: KindExpiring, Message: "m"}, adviceSubject{stack: "dev-0", orgKey: "a"}, "",
			"m; without rotateEveryHours, give orgs.a.serviceAccount a rotateEveryHours (a third of secretExpiresAfterHours at most), then pulumi up --refresh --stack dev-0"},
		"expired":                                {Finding{Kind: KindExpired, Message: "m"}, adviceSubject{stack: "dev-0", rotates: true}, "", ""},
		"over-budget":                            {Finding{Kind: KindOverBudget, Message: "m"}, adviceSubject{stack: "dev-0"}, "", "m"},
		"unchecked":                              {Finding{Kind: KindUnchecked, Message: "m"}, adviceSubject{stack: "dev-0"}, "", "m"},
		"its own fix":                            {Finding{Kind: KindGone, Message: "m", Fix: "bin/atlas-local console something"}, adviceSubject{stack: "dev-0"}, "bin/atlas-local console something", ""},
		"changed, where no command sets it back": {Finding{Kind: KindChanged, Message: "m: set it back in Atlas", byHand: true}, adviceSubject{stack: "dev-0"}, "", "m: set it back in Atlas"},
		"an unmanaged secret":                    {Finding{Kind: KindUnmanaged, Resource: "secret s1 of service account c1", Message: "m"}, adviceSubject{stack: "dev-0", orgID: orgB, atlasLocal: true}, "", "m"},
		"unknown kind":                           {Finding{Kind: "other", Message: "m"}, adviceSubject{stack: "dev-0"}, "", "m"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := tc.finding
			adviseFinding(&f, tc.subject)
			assert.Equal(t, tc.fix, f.Fix)
			if tc.says != "" {
				assert.Equal(t, tc.says, f.Message)
			}
			if f.Fix != "" {
				assert.True(t, strings.HasSuffix(f.Message, ", run: "+f.Fix), "the message ends with the fix: %s", f.Message)
			}
			if f.Kind == KindChanged || f.Kind == KindGone || f.Kind == KindNotDeployed || f.Kind == KindExpiring {
				for _, word := range []string{"delete", "remove", "destroy"} {
					assert.NotContains(t, f.Fix, word, "what the code manages is never deleted")
				}
			}
		})
	}
}

func TestIsAtlasLocal(t *testing.T) {
	for url, local := range map[string]bool{
		"https://cloud.mongodb.com": false, "https://cloud.mongodbgov.com/": false, "https://cloud-dev.mongodb.com": false, "": false,
		"http://127.0.0.1:8080": true, "http://atlas.example": true,
	} {
		assert.Equal(t, local, isAtlasLocal(url), url)
	}
}

func TestShellWord(t *testing.T) {
	for in, want := range map[string]string{"dev-0": "dev-0", "eve@example.com": "eve@example.com", "a b": "'a b'", "it's": `'it'\''s'`, "": "''"} {
		require.Equal(t, want, shellWord(in), in)
	}
}
