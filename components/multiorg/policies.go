package multiorg

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// ResourcePolicies opts an organization into Atlas resource policies, Cedar
// rules Atlas enforces on everyone inside the organization. A nil field takes
// the environment profile's default.
type ResourcePolicies struct {
	// BlockWildcardIP forbids 0.0.0.0/0 in project IP access lists.
	BlockWildcardIP *bool `json:"blockWildcardIp,omitempty"`
	// RequireMaintenanceWindow forbids projects without a maintenance window.
	RequireMaintenanceWindow *bool `json:"requireMaintenanceWindow,omitempty"`
	// ClusterTier bounds the General-class cluster tier (M10..M700).
	ClusterTier *TierRange `json:"clusterTier,omitempty"`
	// CloudProviders are the only providers clusters may use: aws, gcp, azure.
	CloudProviders []string `json:"cloudProviders,omitempty"`
	// Regions are the only regions clusters may use, as provider:region.
	Regions []string `json:"regions,omitempty"`
	// LockPrivateEndpoints forbids any change to private endpoints.
	LockPrivateEndpoints *bool `json:"lockPrivateEndpoints,omitempty"`
	// LockVPCPeering forbids any change to VPC peering connections.
	LockVPCPeering *bool `json:"lockVpcPeering,omitempty"`
	// LockIPAccessList forbids any change to project IP access lists.
	LockIPAccessList *bool `json:"lockIpAccessList,omitempty"`
	// TLSCipherSuites are the only TLS cipher suites clusters may use.
	TLSCipherSuites []string `json:"tlsCipherSuites,omitempty"`
}

// TierRange bounds a cluster tier; either end may be left out.
type TierRange struct {
	Min string `json:"min,omitempty"`
	Max string `json:"max,omitempty"`
}

// CloudProviders and TLSCipherSuites are the values Atlas policies accept.
var (
	CloudProviders  = []string{"aws", "azure", "gcp"}
	TLSCipherSuites = []string{"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}
	// GeneralTiers are the General-class tiers a tier policy can name.
	GeneralTiers = []string{"M10", "M20", "M30", "M40", "M50", "M60", "M80", "M140", "M200", "M300", "M400", "M700"}
)

var region = regexp.MustCompile(`^(aws|azure|gcp):[a-z0-9][a-z0-9-]*$`)

// policy is one Atlas resource policy the component registers.
type policy struct {
	slug        string // names the resource: <component>-<key>-<slug>
	description string
	body        string
}

// PolicySetName is the Atlas name of the resource policy that holds every
// rule the component makes in an organization.
const PolicySetName = "atlas-multiorg"

// policySetDescription names the rules of the set, so that Atlas' UI says
// what it holds.
func policySetDescription(policies []policy) string {
	slugs := make([]string, len(policies))
	for i, p := range policies {
		slugs[i] = p.slug
	}
	return "Managed by atlas-multiorg: " + strings.Join(slugs, ", ")
}

// withDefaults fills nil switches from the profile's defaults.
func (p ResourcePolicies) withDefaults(d ResourcePolicies) ResourcePolicies {
	for _, pair := range [][2]**bool{
		{&p.BlockWildcardIP, &d.BlockWildcardIP},
		{&p.RequireMaintenanceWindow, &d.RequireMaintenanceWindow},
		{&p.LockPrivateEndpoints, &d.LockPrivateEndpoints},
		{&p.LockVPCPeering, &d.LockVPCPeering},
		{&p.LockIPAccessList, &d.LockIPAccessList},
	} {
		if *pair[0] == nil {
			*pair[0] = *pair[1]
		}
	}
	return p
}

// policies returns the Cedar policies p switches on, in a stable order. The
// bodies follow the examples in Atlas' resource policy documentation.
func (p ResourcePolicies) policies() []policy {
	var out []policy
	on := func(b *bool) bool { return b != nil && *b }
	if on(p.BlockWildcardIP) {
		out = append(out, policy{"block-wildcard-ip", "No project may allow access from 0.0.0.0/0",
			forbid("project.ipAccessList.modify", `when { context.project.ipAccessList.contains(ip("0.0.0.0/0")) }`)})
	}
	if on(p.RequireMaintenanceWindow) {
		out = append(out, policy{"require-maintenance-window", "Every project must define a maintenance window",
			forbid("project.maintenanceWindow.modify", `when { context.project.hasDefinedMaintenanceWindow == false }`)})
	}
	if t := p.ClusterTier; t != nil && (t.Min != "" || t.Max != "") {
		var clauses []string
		if t.Min != "" {
			clauses = append(clauses, fmt.Sprintf("(context.cluster has minGeneralClassInstanceSizeValue && context.cluster.minGeneralClassInstanceSizeValue < %d)", tierValue(t.Min)))
		}
		if t.Max != "" {
			clauses = append(clauses, fmt.Sprintf("(context.cluster has maxGeneralClassInstanceSizeValue && context.cluster.maxGeneralClassInstanceSizeValue > %d)", tierValue(t.Max)))
		}
		out = append(out, policy{"cluster-tier", fmt.Sprintf("General-class cluster tiers stay within %s..%s", orAny(t.Min), orAny(t.Max)),
			forbid("cluster.modify", "when { "+strings.Join(clauses, " || ")+" }")})
	}
	if len(p.CloudProviders) > 0 {
		out = append(out, policy{"cloud-providers", "Clusters use only " + strings.Join(p.CloudProviders, ", "),
			forbid("cluster.modify", "unless { "+entityList("CloudProvider", p.CloudProviders)+".containsAll(context.cluster.cloudProviders) }")})
	}
	if len(p.Regions) > 0 {
		out = append(out, policy{"regions", "Clusters use only " + strings.Join(p.Regions, ", "),
			forbid("cluster.modify", "unless { "+entityList("Region", p.Regions)+".containsAll(context.cluster.regions) }")})
	}
	if on(p.LockPrivateEndpoints) {
		out = append(out, policy{"lock-private-endpoints", "Private endpoints cannot be changed",
			forbid("project.privateEndpoint.modify", "")})
	}
	if on(p.LockVPCPeering) {
		out = append(out, policy{"lock-vpc-peering", "VPC peering connections cannot be changed",
			forbid("project.vpcPeering.modify", "")})
	}
	if on(p.LockIPAccessList) {
		out = append(out, policy{"lock-ip-access-list", "Project IP access lists cannot be changed",
			forbid("project.ipAccessList.modify", "")})
	}
	if len(p.TLSCipherSuites) > 0 {
		out = append(out, policy{"tls-cipher-suites", "Clusters use only the TLS cipher suites " + strings.Join(p.TLSCipherSuites, ", "),
			forbid("cluster.modify", `unless { context.cluster.cipherConfigMode == ResourcePolicy::CipherConfigMode::"custom" && `+
				entityList("CipherSuite", p.TLSCipherSuites)+".containsAll(context.cluster.cipherSuites) }")})
	}
	return out
}

// forbid writes a Cedar forbid policy on one Atlas action, with an optional condition.
func forbid(action, condition string) string {
	body := fmt.Sprintf(`forbid (principal, action == ResourcePolicy::Action::%q, resource)`, action)
	if condition != "" {
		body += " " + condition
	}
	return body + ";"
}

func entityList(kind string, values []string) string {
	entities := make([]string, len(values))
	for i, v := range values {
		entities[i] = fmt.Sprintf("ResourcePolicy::%s::%q", kind, v)
	}
	return "[" + strings.Join(entities, ", ") + "]"
}

func tierValue(tier string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(tier, "M"))
	return n
}

func orAny(tier string) string {
	if tier == "" {
		return "any"
	}
	return tier
}

// validate checks the policy inputs of one organization.
func (p ResourcePolicies) validate(ps *problems, path string) {
	if t := p.ClusterTier; t != nil {
		for _, end := range []struct{ name, tier string }{{"min", t.Min}, {"max", t.Max}} {
			if end.tier != "" && !slices.Contains(GeneralTiers, end.tier) {
				ps.add(path+".clusterTier."+end.name, "%q is not a General-class tier; use one of %s", end.tier, strings.Join(GeneralTiers, ", "))
			}
		}
		switch {
		case t.Min == "" && t.Max == "":
			ps.add(path+".clusterTier", "give min, max or both (for example min: M10, max: M60), or leave clusterTier out")
		case t.Min != "" && t.Max != "" && slices.Contains(GeneralTiers, t.Min) && slices.Contains(GeneralTiers, t.Max) && tierValue(t.Min) > tierValue(t.Max):
			ps.add(path+".clusterTier", "min %s is above max %s; no cluster could satisfy both", t.Min, t.Max)
		}
	}
	checkList(ps, path+".cloudProviders", p.CloudProviders, func(v string) string {
		if !slices.Contains(CloudProviders, v) {
			return fmt.Sprintf("%q is not a cloud provider; use %s", v, strings.Join(CloudProviders, ", "))
		}
		return ""
	})
	checkList(ps, path+".regions", p.Regions, func(v string) string {
		if !region.MatchString(v) {
			return fmt.Sprintf("%q is not provider:region (for example aws:us-east-1, azure:westeurope, gcp:us-east4)", v)
		}
		if provider, _, _ := strings.Cut(v, ":"); len(p.CloudProviders) > 0 && !slices.Contains(p.CloudProviders, provider) {
			return fmt.Sprintf("%q is on %s, which cloudProviders does not allow; no cluster could use it", v, provider)
		}
		return ""
	})
	checkList(ps, path+".tlsCipherSuites", p.TLSCipherSuites, func(v string) string {
		if !slices.Contains(TLSCipherSuites, v) {
			return fmt.Sprintf("%q is not a cipher suite Atlas offers; use %s", v, strings.Join(TLSCipherSuites, ", "))
		}
		return ""
	})
}

// checkList reports each bad or repeated entry of a list at its path.
func checkList(ps *problems, path string, values []string, check func(string) string) {
	seen := map[string]bool{}
	for _, v := range values {
		if msg := check(v); msg != "" {
			ps.add(path, "%s", msg)
		} else if seen[v] {
			ps.add(path, "%q is listed twice; list each once", v)
		}
		seen[v] = true
	}
}
