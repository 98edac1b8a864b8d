package multiorg

import (
	"maps"
	"testing"

	"github.com/cedar-policy/cedar-go"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

func TestPolicyBodies(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		policies ResourcePolicies
		slug     string
		body     string
	}{
		"wildcard IP": {ResourcePolicies{BlockWildcardIP: ptr(true)}, "block-wildcard-ip",
			`forbid (principal, action == ResourcePolicy::Action::"project.ipAccessList.modify", resource) when { context.project.ipAccessList.contains(ip("0.0.0.0/0")) };`},
		"maintenance window": {ResourcePolicies{RequireMaintenanceWindow: ptr(true)}, "require-maintenance-window",
			`forbid (principal, action == ResourcePolicy::Action::"project.maintenanceWindow.modify", resource) when { context.project.hasDefinedMaintenanceWindow == false };`},
		"tier range": {ResourcePolicies{ClusterTier: &TierRange{Min: "M10", Max: "M60"}}, "cluster-tier",
			`forbid (principal, action == ResourcePolicy::Action::"cluster.modify", resource) when { ` +
				`(context.cluster has minGeneralClassInstanceSizeValue && context.cluster.minGeneralClassInstanceSizeValue < 10) || ` +
				`(context.cluster has maxGeneralClassInstanceSizeValue && context.cluster.maxGeneralClassInstanceSizeValue > 60) };`},
		"tier max only": {ResourcePolicies{ClusterTier: &TierRange{Max: "M700"}}, "cluster-tier",
			`forbid (principal, action == ResourcePolicy::Action::"cluster.modify", resource) when { ` +
				`(context.cluster has maxGeneralClassInstanceSizeValue && context.cluster.maxGeneralClassInstanceSizeValue > 700) };`},
		"cloud providers": {ResourcePolicies{CloudProviders: []string{"aws", "gcp"}}, "cloud-providers",
			`forbid (principal, action == ResourcePolicy::Action::"cluster.modify", resource) unless { ` +
				`[ResourcePolicy::CloudProvider::"aws", ResourcePolicy::CloudProvider::"gcp"].containsAll(context.cluster.cloudProviders) };`},
		"regions": {ResourcePolicies{Regions: []string{"aws:eu-west-1", "azure:westeurope"}}, "regions",
			`forbid (principal, action == ResourcePolicy::Action::"cluster.modify", resource) unless { ` +
				`[ResourcePolicy::Region::"aws:eu-west-1", ResourcePolicy::Region::"azure:westeurope"].containsAll(context.cluster.regions) };`},
		"private endpoints": {ResourcePolicies{LockPrivateEndpoints: ptr(true)}, "lock-private-endpoints",
			`forbid (principal, action == ResourcePolicy::Action::"project.privateEndpoint.modify", resource);`},
		"vpc peering": {ResourcePolicies{LockVPCPeering: ptr(true)}, "lock-vpc-peering",
			`forbid (principal, action == ResourcePolicy::Action::"project.vpcPeering.modify", resource);`},
		"ip access list": {ResourcePolicies{LockIPAccessList: ptr(true)}, "lock-ip-access-list",
			`forbid (principal, action == ResourcePolicy::Action::"project.ipAccessList.modify", resource);`},
		"tls cipher suites": {ResourcePolicies{TLSCipherSuites: []string{"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"}}, "tls-cipher-suites",
			`forbid (principal, action == ResourcePolicy::Action::"cluster.modify", resource) unless { ` +
				`context.cluster.cipherConfigMode == ResourcePolicy::CipherConfigMode::"custom" && ` +
				`[ResourcePolicy::CipherSuite::"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"].containsAll(context.cluster.cipherSuites) };`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			spec := validSpec()
			setOrg(&spec, "analytics", func(o *OrgSpec) { p := tc.policies; o.ResourcePolicies = &p })
			require.NoError(t, spec.Validate())
			mon := &atlasmock.Monitor{}
			run(t, mon, spec, nil)

			policies := mon.ByType(mongodbatlas.ResourcePolicyType)
			require.Len(t, policies, 1)
			got, ok := policies[PolicyResourceName("orgs", "analytics")]
			require.True(t, ok, "one resource policy per organization, named by its key, got %v", keysOf(policies))
			assert.Equal(t, resource.NewProperty(PolicySetName), got.Inputs["name"])
			assert.Equal(t, resource.NewProperty("Managed by atlas-multiorg: "+tc.slug), got.Inputs["description"])
			assert.Equal(t, resource.NewProperty(atlasmock.FakeID("orgs-analytics")), got.Inputs["orgId"], "in the org it belongs to")
			assert.Equal(t, resource.NewProperty([]resource.PropertyValue{
				resource.NewProperty(resource.PropertyMap{"body": resource.NewProperty(tc.body)}),
			}), got.Inputs["policies"])
			assert.Contains(t, got.Provider, "pulumi:providers:mongodbatlas::orgs-analytics::", "through the org's own provider")
			assert.Equal(t, mongodbatlas.PluginVersion, got.RegisterRPC.GetVersion())
			// Atlas parses every body as Cedar and refuses what does not parse.
			parsed, err := cedar.NewPolicySetFromBytes(tc.slug+".cedar", []byte(tc.body))
			require.NoError(t, err, "the body is Cedar")
			assert.Len(t, maps.Collect(parsed.All()), 1, "one policy per body")
		})
	}
}

// TestPoliciesAreOneSetPerOrganization: every rule of an organization is a
// policy of one resource policy, in the rules' stable order, whatever order
// the config gives.
func TestPoliciesAreOneSetPerOrganization(t *testing.T) {
	t.Parallel()
	spec := validSpec()
	setOrg(&spec, "analytics", func(o *OrgSpec) {
		o.ResourcePolicies = &ResourcePolicies{Regions: []string{"aws:eu-west-1"}, BlockWildcardIP: ptr(true), LockVPCPeering: ptr(true)}
	})
	mon := &atlasmock.Monitor{}
	run(t, mon, spec, nil)
	policies := mon.ByType(mongodbatlas.ResourcePolicyType)
	require.Len(t, policies, 1, "one resource for all of them: %v", keysOf(policies))
	set := policies[PolicyResourceName("orgs", "analytics")]
	bodies := set.Inputs["policies"].ArrayValue()
	require.Len(t, bodies, 3)
	var slugs []string
	for _, p := range spec.Orgs["analytics"].ResourcePolicies.policies() {
		slugs = append(slugs, p.slug)
	}
	assert.Equal(t, []string{"block-wildcard-ip", "regions", "lock-vpc-peering"}, slugs, "the rules' own order")
	assert.Equal(t, resource.NewProperty("Managed by atlas-multiorg: block-wildcard-ip, regions, lock-vpc-peering"), set.Inputs["description"])
	assert.Contains(t, bodies[1].ObjectValue()["body"].StringValue(), `ResourcePolicy::Region::"aws:eu-west-1"`)
}

func TestPolicyValidation(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		policies ResourcePolicies
		path     string
		message  string
	}{
		"unknown tier":            {ResourcePolicies{ClusterTier: &TierRange{Min: "M5"}}, "clusterTier.min", `"M5" is not a General-class tier`},
		"low-CPU tier":            {ResourcePolicies{ClusterTier: &TierRange{Max: "R40"}}, "clusterTier.max", `"R40" is not a General-class tier`},
		"empty tier range":        {ResourcePolicies{ClusterTier: &TierRange{}}, "clusterTier", "give min, max or both"},
		"inverted tiers":          {ResourcePolicies{ClusterTier: &TierRange{Min: "M60", Max: "M10"}}, "clusterTier", "min M60 is above max M10"},
		"unknown provider":        {ResourcePolicies{CloudProviders: []string{"oracle"}}, "cloudProviders", `"oracle" is not a cloud provider`},
		"upper-case provider":     {ResourcePolicies{CloudProviders: []string{"AWS"}}, "cloudProviders", `"AWS" is not a cloud provider`},
		"duplicate provider":      {ResourcePolicies{CloudProviders: []string{"aws", "aws"}}, "cloudProviders", "listed twice"},
		"region without provider": {ResourcePolicies{Regions: []string{"us-east-1"}}, "regions", `"us-east-1" is not provider:region`},
		"region on a disallowed provider": {ResourcePolicies{CloudProviders: []string{"gcp"}, Regions: []string{"aws:us-east-1"}},
			"regions", "which cloudProviders does not allow"},
		"unknown cipher": {ResourcePolicies{TLSCipherSuites: []string{"TLS_RSA_WITH_RC4_128_SHA"}}, "tlsCipherSuites", "not a cipher suite Atlas offers"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			spec := validSpec()
			setOrg(&spec, "analytics", func(o *OrgSpec) { p := tc.policies; o.ResourcePolicies = &p })
			var verr *ValidationError
			require.ErrorAs(t, spec.Validate(), &verr)
			problemAt(t, verr, "orgs.analytics.resourcePolicies."+tc.path, tc.message)
		})
	}
}
