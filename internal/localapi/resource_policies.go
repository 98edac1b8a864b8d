package localapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cedar-policy/cedar-go"
)

// Resource Policies: the specification's "Atlas Resource Policies" family.
// Every body is parsed as Cedar, as Atlas does, so a body Atlas would refuse
// is refused here too.

// invalidPolicy is a 400 answer of this family: the specification gives it a
// body of its own (ApiAtlasInvalidResourcePolicyCreateError), in the family's
// versioned media type, with one entry per invalid policy. The answer also
// carries the common ApiError's fields, detail among them, because that is
// what an SDK client reads and shows of an error: the provider's own tests
// expect Cedar's wording in the error it reports.
type invalidPolicy struct {
	errorType string
	// policies are the invalid policies, each with its errors.
	policies []policyErrors
	detail   string
}

// policyErrors is one invalid policy (ApiAtlasInvalidPolicy).
type policyErrors struct {
	body   string
	errors []string
}

func (e *invalidPolicy) write(w http.ResponseWriter) *apiError {
	invalid := []map[string]any{}
	details := []string{}
	for _, p := range e.policies {
		errs := []map[string]any{}
		for _, msg := range p.errors {
			errs = append(errs, map[string]any{"detail": msg})
			details = append(details, msg)
		}
		invalid = append(invalid, map[string]any{"body": p.body, "errors": errs})
	}
	detail := e.detail
	if detail == "" {
		detail = "Invalid policies: " + strings.Join(details, "; ")
	}
	return writeJSON(w, http.StatusBadRequest, map[string]any{
		"errorType": e.errorType, "invalidPolicies": invalid,
		"detail": detail, "error": http.StatusBadRequest, "errorCode": e.errorType, "parameters": []any{}, "reason": http.StatusText(http.StatusBadRequest),
	})
}

// resourcePolicyRequest is the body of a create (ApiAtlasResourcePolicyCreate)
// or an update (ApiAtlasResourcePolicyEdit).
type resourcePolicyRequest struct {
	Name        *string       `json:"name"`
	Description *string       `json:"description"`
	Policies    *[]policyBody `json:"policies"`
}

// policyBody is one policy of a request (ApiAtlasPolicyCreate).
type policyBody struct {
	Body string `json:"body"`
}

// decodeCreate reads a create's body; a missing name or policy list is
// checked as an empty one, so that it gets the family's own 400.
func decodeCreate(r *http.Request) (*resourcePolicyRequest, *apiError) {
	var req resourcePolicyRequest
	if e := decode(r, &req); e != nil {
		return nil, e
	}
	if req.Name == nil {
		req.Name = new(string)
	}
	if req.Policies == nil {
		req.Policies = &[]policyBody{}
	}
	return &req, nil
}

func (s *Server) resourcePolicyJSON(org *Org, rp *ResourcePolicy) map[string]any {
	policies := make([]map[string]any, len(rp.Bodies))
	for i, body := range rp.Bodies {
		policies[i] = map[string]any{"id": rp.BodyIDs[i], "body": body}
	}
	// Atlas names the user behind a change; a credential acts for the
	// organization's owner here.
	user := map[string]any{"id": rp.CreatedBy, "name": "atlas-local"}
	j := map[string]any{
		"id": rp.ID, "orgId": org.ID, "name": rp.Name, "policies": policies,
		"version": fmt.Sprintf("v%d", rp.Version+1), "createdDate": rp.CreatedAt.Format(time.RFC3339),
		"lastUpdatedDate": rp.UpdatedAt.Format(time.RFC3339), "createdByUser": user, "lastUpdatedByUser": user,
	}
	// A policy without a description has none, not "": the provider reads
	// "" as a description the configuration did not give.
	if rp.Description != "" {
		j["description"] = rp.Description
	}
	return j
}

// applyResourcePolicy checks a request and writes it into rp.
func (s *Server) applyResourcePolicy(org *Org, rp *ResourcePolicy, req *resourcePolicyRequest) *invalidPolicy {
	if req.Name != nil {
		if strings.TrimSpace(*req.Name) == "" {
			return &invalidPolicy{errorType: "INVALID_NAME", detail: "A resource policy needs a name."}
		}
		for _, other := range org.ResourcePolicies {
			if other.ID != rp.ID && other.Name == *req.Name {
				return &invalidPolicy{errorType: "DUPLICATE_NAME", detail: fmt.Sprintf("A resource policy named %s already exists in %s.", *req.Name, org.ID)}
			}
		}
		rp.Name = *req.Name
	}
	if req.Description != nil {
		rp.Description = *req.Description
	}
	if req.Policies != nil {
		bodies, invalid := s.parseBodies(org, *req.Policies)
		if invalid != nil {
			return invalid
		}
		rp.Bodies, rp.BodyIDs = bodies, make([]string, len(bodies))
		for i := range bodies {
			rp.BodyIDs[i] = newID()
		}
	}
	rp.UpdatedAt = s.now().UTC().Truncate(time.Second)
	return nil
}

// parseBodies checks that there is at least one policy, that each body is
// Cedar, and that each names only entities the organization has. Every
// invalid policy is reported, each with Atlas' wording.
func (s *Server) parseBodies(org *Org, policies []policyBody) ([]string, *invalidPolicy) {
	if len(policies) == 0 {
		return nil, &invalidPolicy{errorType: "NO_POLICIES", detail: "A resource policy needs at least one policy."}
	}
	bodies := make([]string, len(policies))
	invalid := &invalidPolicy{errorType: "INVALID_POLICIES"}
	for i, p := range policies {
		bodies[i] = p.Body
		set, err := cedar.NewPolicySetFromBytes("policy.cedar", []byte(p.Body))
		if err != nil {
			invalid.policies = append(invalid.policies, policyErrors{body: p.Body, errors: []string{cedarWording(err)}})
			continue
		}
		if errs := s.unknownEntities(org, set); len(errs) > 0 {
			invalid.policies = append(invalid.policies, policyErrors{body: p.Body, errors: errs})
		}
	}
	if len(invalid.policies) > 0 {
		return nil, invalid
	}
	return bodies, nil
}

// cedarToken is what cedar-go's parser says it met: "exact got resource want ,".
var cedarToken = regexp.MustCompile(`got (\S*) want`)

// cedarWording says what is wrong with a body as Atlas does: Atlas parses
// with the Rust Cedar, which says "unexpected token `resource`", or
// "unexpected end of input"; cedar-go's own words are kept for the rest.
func cedarWording(err error) string {
	m := cedarToken.FindStringSubmatch(err.Error())
	switch {
	case m == nil:
		return err.Error()
	case m[1] == "":
		return "unexpected end of input"
	}
	return "unexpected token `" + m[1] + "`"
}

// cloudProviders are the cloud providers Atlas knows in a policy.
var cloudProviders = []string{"aws", "azure", "gcp"}

// regionName is the region part of a region entity, "aws:us-east-1".
var regionName = regexp.MustCompile(`^[a-z][a-z0-9_-]*[a-z0-9]$`)

// unknownEntities are the errors of the entities a policy names that the
// organization does not have: cloud providers (aws, azure, gcp), regions
// (provider:region) and projects (the organization's project IDs), in
// either of the namespaces Atlas takes (cloud::, ResourcePolicy::) and with
// either capitalization of the type. Other types, actions among them, are
// not checked.
func (s *Server) unknownEntities(org *Org, set *cedar.PolicySet) []string {
	var errs []string
	for _, p := range set.All() {
		raw, err := p.MarshalJSON()
		if err != nil {
			continue
		}
		var tree any
		if json.Unmarshal(raw, &tree) != nil {
			continue
		}
		for _, e := range entitiesIn(tree) {
			if !s.entityKnown(org, e) {
				errs = append(errs, fmt.Sprintf("entity id %s does not exist in the context of this organization", e.id))
			}
		}
	}
	return errs
}

// entity is an entity reference of a policy.
type entity struct{ typ, id string }

// entitiesIn walks a policy in Cedar's JSON form for its entity
// references: {"entity": {"type", "id"}} in the scope, {"__entity": ...} in
// conditions, and "entities" lists of "in" scopes.
func entitiesIn(tree any) []entity {
	var found []entity
	ref := func(v any) {
		if m, ok := v.(map[string]any); ok {
			typ, okType := m["type"].(string)
			id, okID := m["id"].(string)
			if okType && okID {
				found = append(found, entity{typ, id})
			}
		}
	}
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for key, child := range v {
				switch key {
				case "entity", "__entity":
					ref(child)
				case "entities":
					if list, ok := child.([]any); ok {
						for _, e := range list {
							ref(e)
						}
					}
				}
				walk(child)
			}
		case []any:
			for _, child := range v {
				walk(child)
			}
		}
	}
	walk(tree)
	return found
}

// entityKnown reports whether the organization has the entity e names.
func (s *Server) entityKnown(org *Org, e entity) bool {
	typ := strings.ToLower(e.typ[strings.LastIndex(e.typ, ":")+1:])
	switch typ {
	case "cloudprovider":
		return slices.Contains(cloudProviders, e.id)
	case "region":
		provider, region, ok := strings.Cut(e.id, ":")
		return ok && slices.Contains(cloudProviders, provider) && regionName.MatchString(region)
	case "project":
		p := s.state.Projects[e.id]
		return p != nil && p.OrgID == org.ID
	}
	return true
}

func (s *Server) resourcePolicy(r *http.Request, caller *principal, owner bool) (*Org, *ResourcePolicy, *apiError) {
	org, e := s.org(r, caller, owner)
	if e != nil {
		return nil, nil, e
	}
	rp, e := find(org.ResourcePolicies, r.PathValue("resourcePolicyId"), "RESOURCE_NOT_FOUND", "No resource policy with ID %s exists in the organization.")
	return org, rp, e
}

func (s *Server) listOrgResourcePolicies(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, false)
	if e != nil {
		return e
	}
	all := []map[string]any{}
	for _, id := range sortedKeys(org.ResourcePolicies) {
		all = append(all, s.resourcePolicyJSON(org, org.ResourcePolicies[id]))
	}
	return writeJSON(w, http.StatusOK, all)
}

func (s *Server) createOrgResourcePolicy(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, true)
	if e != nil {
		return e
	}
	req, e := decodeCreate(r)
	if e != nil {
		return e
	}
	now := s.now().UTC().Truncate(time.Second)
	rp := &ResourcePolicy{ID: newID(), CreatedBy: org.OwnerID, CreatedAt: now}
	if invalid := s.applyResourcePolicy(org, rp, req); invalid != nil {
		return invalid.write(w)
	}
	if org.ResourcePolicies == nil {
		org.ResourcePolicies = map[string]*ResourcePolicy{}
	}
	org.ResourcePolicies[rp.ID] = rp
	return writeJSON(w, http.StatusCreated, s.resourcePolicyJSON(org, rp))
}

// validateResourcePolicies checks a policy's bodies as a create would,
// without saving anything. The provider calls it in every preview, for a
// policy that exists too, so the name is not checked against the others.
func (s *Server) validateResourcePolicies(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, false)
	if e != nil {
		return e
	}
	req, e := decodeCreate(r)
	if e != nil {
		return e
	}
	bodies, invalid := s.parseBodies(org, *req.Policies)
	if invalid != nil {
		return invalid.write(w)
	}
	now := s.now().UTC().Truncate(time.Second)
	candidate := &ResourcePolicy{ID: newID(), Name: *req.Name, Bodies: bodies, CreatedBy: org.OwnerID, CreatedAt: now, UpdatedAt: now}
	for range bodies {
		candidate.BodyIDs = append(candidate.BodyIDs, newID())
	}
	if req.Description != nil {
		candidate.Description = *req.Description
	}
	return writeJSON(w, http.StatusOK, s.resourcePolicyJSON(org, candidate))
}

func (s *Server) getOrgResourcePolicy(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, rp, e := s.resourcePolicy(r, caller, false)
	if e != nil {
		return e
	}
	return writeJSON(w, http.StatusOK, s.resourcePolicyJSON(org, rp))
}

func (s *Server) updateOrgResourcePolicy(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, rp, e := s.resourcePolicy(r, caller, true)
	if e != nil {
		return e
	}
	var req resourcePolicyRequest
	if e := decode(r, &req); e != nil {
		return e
	}
	updated := *rp
	if invalid := s.applyResourcePolicy(org, &updated, &req); invalid != nil {
		return invalid.write(w)
	}
	// The version stays what Atlas set at creation: the provider reads a
	// changed one after its own update as an inconsistent result.
	*rp = updated
	return writeJSON(w, http.StatusOK, s.resourcePolicyJSON(org, rp))
}

func (s *Server) deleteOrgResourcePolicy(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, rp, e := s.resourcePolicy(r, caller, true)
	if e != nil {
		return e
	}
	delete(org.ResourcePolicies, rp.ID)
	return writeJSON(w, http.StatusOK, map[string]any{})
}

// listNonCompliantResources is getNonCompliantResources: the clusters of
// the organization's projects that Atlas reports as breaking its resource
// policies, each with the policies it breaks (every body of each, as
// atlas-local does not evaluate clusters against them). The specification
// answers a plain list, not a page. A cluster whose policies were all
// deleted since is compliant again.
func (s *Server) listNonCompliantResources(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, false)
	if e != nil {
		return e
	}
	all := []map[string]any{}
	for _, projectID := range sortedKeys(s.state.Projects) {
		p := s.state.Projects[projectID]
		if p.OrgID != org.ID {
			continue
		}
		for _, name := range sortedKeys(p.NonCompliantClusters) {
			cluster := p.NonCompliantClusters[name]
			causes := []map[string]any{}
			for _, id := range cluster.ResourcePolicyIDs {
				policy := org.ResourcePolicies[id]
				if policy == nil {
					continue
				}
				bodies := []map[string]any{}
				for _, bodyID := range policy.BodyIDs {
					bodies = append(bodies, map[string]any{"policyId": bodyID})
				}
				causes = append(causes, map[string]any{"resourcePolicyId": policy.ID, "resourcePolicyName": policy.Name, "policiesCausingNonCompliance": bodies})
			}
			if len(causes) > 0 {
				all = append(all, map[string]any{"orgId": org.ID, "resourceId": cluster.ID, "resourceName": name, "resourceType": "cluster",
					"resourcePoliciesCausingNonCompliance": causes})
			}
		}
	}
	return writeJSON(w, http.StatusOK, all)
}
