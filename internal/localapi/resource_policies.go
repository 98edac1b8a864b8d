package localapi

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cedar-policy/cedar-go"
)

// Resource Policies: the specification's "Atlas Resource Policies" family.
// Every body is parsed as Cedar, as Atlas does, so a body Atlas would refuse
// is refused here too.

// invalidPolicy is a 400 answer of this family: the specification gives it a
// body of its own (ApiAtlasInvalidResourcePolicyCreateError), in the family's
// versioned media type, instead of the common ApiError.
type invalidPolicy struct {
	errorType string
	body      string
	detail    string
}

func (e *invalidPolicy) write(w http.ResponseWriter) *apiError {
	return writeJSON(w, http.StatusBadRequest, map[string]any{
		"errorType":       e.errorType,
		"invalidPolicies": []map[string]any{{"body": e.body, "errors": []map[string]any{{"detail": e.detail}}}},
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
	return map[string]any{
		"id": rp.ID, "orgId": org.ID, "name": rp.Name, "description": rp.Description, "policies": policies,
		"version": fmt.Sprintf("v%d", rp.Version+1), "createdDate": rp.CreatedAt.Format(time.RFC3339),
		"lastUpdatedDate": rp.UpdatedAt.Format(time.RFC3339), "createdByUser": user, "lastUpdatedByUser": user,
	}
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
		bodies, invalid := parseBodies(*req.Policies)
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

// parseBodies checks that there is at least one policy and that each body
// is Cedar.
func parseBodies(policies []policyBody) ([]string, *invalidPolicy) {
	if len(policies) == 0 {
		return nil, &invalidPolicy{errorType: "NO_POLICIES", detail: "A resource policy needs at least one policy."}
	}
	bodies := make([]string, len(policies))
	for i, p := range policies {
		if _, err := cedar.NewPolicySetFromBytes("policy.cedar", []byte(p.Body)); err != nil {
			return nil, &invalidPolicy{errorType: "INVALID_POLICIES", body: p.Body, detail: fmt.Sprintf("policy %d is not valid Cedar: %v", i, err)}
		}
		bodies[i] = p.Body
	}
	return bodies, nil
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
	bodies, invalid := parseBodies(*req.Policies)
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
	updated.Version++
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
