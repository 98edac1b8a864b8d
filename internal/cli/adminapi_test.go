package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
)

func TestFindAdminAPI(t *testing.T) {
	t.Parallel()
	const local, other = "http://127.0.0.1:4000", "http://127.0.0.1:5000"
	tests := map[string]struct {
		flag   string
		stacks []stackBaseURL
		env    string
		want   adminAPI
		err    string
	}{
		"--base-url first": {flag: other, stacks: []stackBaseURL{{"Pulumi.local.yaml", local}}, env: local,
			want: adminAPI{other, "given by --base-url"}},
		"the stack's own, before the variable, as its provider reads it": {stacks: []stackBaseURL{{"dir/Pulumi.local.yaml", local}}, env: other,
			want: adminAPI{local, "given by mongodbatlas:baseUrl in Pulumi.local.yaml"}},
		"stacks that agree, and one that names none": {stacks: []stackBaseURL{{"Pulumi.a.yaml", local}, {"Pulumi.b.yaml", ""}, {"Pulumi.c.yaml", local}},
			want: adminAPI{local, "given by mongodbatlas:baseUrl in Pulumi.a.yaml"}},
		"the variable": {stacks: []stackBaseURL{{"Pulumi.dev.yaml", ""}}, env: other, want: adminAPI{other, "given by MONGODB_ATLAS_BASE_URL"}},
		"Atlas, saying what would name another": {want: adminAPI{atlasapi.DefaultBaseURL,
			"Atlas itself: neither --base-url, mongodbatlas:baseUrl in the stack config nor MONGODB_ATLAS_BASE_URL names another"}},
		"stacks that disagree": {stacks: []stackBaseURL{{"Pulumi.a.yaml", local}, {"Pulumi.b.yaml", other}},
			err: "the stacks name different Admin APIs in mongodbatlas:baseUrl (Pulumi.a.yaml: " + local + ", Pulumi.b.yaml: " + other + "): give --base-url"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := findAdminAPI(tc.flag, tc.stacks, func(k string) string {
				if k == "MONGODB_ATLAS_BASE_URL" {
					return tc.env
				}
				return ""
			})
			if tc.err != "" {
				assert.EqualError(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}
