package localapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/mail"
	"slices"
)

// Organization settings: the specification's "Organizations" family, the
// part that configures an organization rather than names it:
// getOrgSettings, updateOrgSettings (OrganizationSettings),
// getOrgDelegationSettings and updateOrgDelegationSettings
// (OrgDelegationSettingsResponse, OrgDelegationSettingsUpdateRequest).
//
// A PATCH changes the fields its body has and leaves the others; a field
// Atlas can leave unset is reset to Atlas' default by an explicit null. A
// body that breaks a bound changes nothing: it is refused whole, with 400
// INVALID_ATTRIBUTE naming the field.

// The bounds the specification gives the settings.
const (
	minAbsoluteSessionTimeout     = 3600  // seconds: 1 hour
	defaultAbsoluteSessionTimeout = 43200 // seconds: 12 hours, also the most
	minIdleSessionTimeout         = 300   // seconds: 5 minutes
	minSecretValidityHours        = 8
	maxSecretValidityHours        = 8760
	maxRefreshTokenLifetime       = 31536000 // seconds: a year
	// disallowed is the default of both delegated accesses.
	disallowed = "DISALLOWED"
)

var (
	delegatedMcpAccessValues     = []string{disallowed, "READ_ONLY", "READ_WRITE"}
	delegatedPartnerAccessValues = []string{disallowed, "READ_WRITE"}
)

// nullable is one field of a PATCH body, which Atlas reads three ways:
// absent (left as it is), null (reset to Atlas' default), or a value.
type nullable[T any] struct {
	present, null bool
	value         T
}

// UnmarshalJSON is called for a field the body has, null included.
func (n *nullable[T]) UnmarshalJSON(raw []byte) error {
	n.present = true
	if bytes.Equal(raw, []byte("null")) {
		n.null = true
		return nil
	}
	return json.Unmarshal(raw, &n.value)
}

// applyTo sets *dst as the body says: unchanged when absent, nil when null.
func (n nullable[T]) applyTo(dst **T) {
	switch {
	case !n.present:
	case n.null:
		*dst = nil
	default:
		v := n.value
		*dst = &v
	}
}

func (s *Server) getOrgSettings(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, false)
	if e != nil {
		return e
	}
	return writeJSON(w, http.StatusOK, org.Settings)
}

func (s *Server) updateOrgSettings(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, true)
	if e != nil {
		return e
	}
	var req struct {
		APIAccessListRequired   *bool   `json:"apiAccessListRequired"`
		GenAIFeaturesEnabled    *bool   `json:"genAIFeaturesEnabled"`
		MultiFactorAuthRequired *bool   `json:"multiFactorAuthRequired"`
		RestrictEmployeeAccess  *bool   `json:"restrictEmployeeAccess"`
		SecurityContact         *string `json:"securityContact"`
		CustomSessionTimeouts   nullable[struct {
			Absolute nullable[int] `json:"absoluteSessionTimeoutInSeconds"`
			Idle     nullable[int] `json:"idleSessionTimeoutInSeconds"`
		}] `json:"customSessionTimeouts"`
		MaxServiceAccountSecretValidityInHours nullable[int]    `json:"maxServiceAccountSecretValidityInHours"`
		OperationsContact                      nullable[string] `json:"operationsContact"`
		StreamsCrossGroupEnabled               nullable[bool]   `json:"streamsCrossGroupEnabled"`
	}
	if e := decode(r, &req); e != nil {
		return e
	}
	next := org.Settings
	set := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	set(&next.APIAccessListRequired, req.APIAccessListRequired)
	set(&next.GenAIFeaturesEnabled, req.GenAIFeaturesEnabled)
	set(&next.MultiFactorAuthRequired, req.MultiFactorAuthRequired)
	set(&next.RestrictEmployeeAccess, req.RestrictEmployeeAccess)
	if req.SecurityContact != nil {
		next.SecurityContact = *req.SecurityContact
	}
	timeouts := SessionTimeouts{}
	if next.CustomSessionTimeouts != nil {
		timeouts = *next.CustomSessionTimeouts
	}
	if t := req.CustomSessionTimeouts; t.present {
		if t.null {
			timeouts = SessionTimeouts{}
		}
		t.value.Absolute.applyTo(&timeouts.AbsoluteSessionTimeoutInSeconds)
		t.value.Idle.applyTo(&timeouts.IdleSessionTimeoutInSeconds)
	}
	next.CustomSessionTimeouts = nil
	if timeouts != (SessionTimeouts{}) {
		next.CustomSessionTimeouts = &timeouts
	}
	req.MaxServiceAccountSecretValidityInHours.applyTo(&next.MaxServiceAccountSecretValidityInHours)
	req.OperationsContact.applyTo(&next.OperationsContact)
	if v := req.StreamsCrossGroupEnabled; v.present {
		next.StreamsCrossGroupEnabled = v.value // null is false, the default
	}
	if e := checkSettings(next); e != nil {
		return e
	}
	org.Settings = next
	return writeJSON(w, http.StatusOK, org.Settings)
}

// checkSettings refuses settings outside the specification's bounds: the
// absolute session timeout 3,600 to 43,200 seconds, the idle one at least
// 300 and at most the absolute one (its default when unset), the
// secret-validity cap 8 to 8,760 hours, and an operations contact that is
// not an address ("" among them: null is what clears it).
func checkSettings(next Settings) *apiError {
	if t := next.CustomSessionTimeouts; t != nil {
		absolute := defaultAbsoluteSessionTimeout
		if a := t.AbsoluteSessionTimeoutInSeconds; a != nil {
			if *a < minAbsoluteSessionTimeout || *a > defaultAbsoluteSessionTimeout {
				return invalidAttribute("customSessionTimeouts.absoluteSessionTimeoutInSeconds", "%d is not between %d and %d seconds", *a, minAbsoluteSessionTimeout, defaultAbsoluteSessionTimeout)
			}
			absolute = *a
		}
		if i := t.IdleSessionTimeoutInSeconds; i != nil {
			if *i < minIdleSessionTimeout {
				return invalidAttribute("customSessionTimeouts.idleSessionTimeoutInSeconds", "%d is less than %d seconds", *i, minIdleSessionTimeout)
			}
			if *i > absolute {
				return invalidAttribute("customSessionTimeouts.idleSessionTimeoutInSeconds", "%d is longer than the absolute session timeout, %d seconds", *i, absolute)
			}
		}
	}
	if c := next.MaxServiceAccountSecretValidityInHours; c != nil && (*c < minSecretValidityHours || *c > maxSecretValidityHours) {
		return invalidAttribute("maxServiceAccountSecretValidityInHours", "%d is not between %d and %d hours", *c, minSecretValidityHours, maxSecretValidityHours)
	}
	if c := next.OperationsContact; c != nil {
		if a, err := mail.ParseAddress(*c); err != nil || a.Address != *c {
			return invalidAttribute("operationsContact", "%q is not an email address; null clears it", *c)
		}
	}
	return nil
}

// invalidAttribute is Atlas' 400 for a field's value: the field, then why.
func invalidAttribute(field, why string, args ...any) *apiError {
	e := fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", why, args...)
	e.detail = "Invalid attribute " + field + " specified: " + e.detail + "."
	return e
}

// secretLifetimeAllowed refuses a new service-account secret of org that
// would live longer than the API allows (8 to 8,760 hours) or than org's
// cap, maxServiceAccountSecretValidityInHours, which the specification
// says is the "maximum period before expiry in hours for new Atlas Admin
// API Service Account secrets". org is nil for an organization being
// created, which has no cap yet. Secrets made before the cap keep their
// expiry.
func secretLifetimeAllowed(org *Org, hours int) *apiError {
	if hours < minSecretValidityHours || hours > maxSecretValidityHours {
		return fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "secretExpiresAfterHours must be between 8 and 8760.")
	}
	if org != nil {
		if limit := org.Settings.MaxServiceAccountSecretValidityInHours; limit != nil && hours > *limit {
			return invalidAttribute("secretExpiresAfterHours", "%d hours is longer than organization %s allows a new service account secret to live (maxServiceAccountSecretValidityInHours: %d)", hours, org.ID, *limit)
		}
	}
	return nil
}

// delegationJSON is OrgDelegationSettingsResponse: both accesses always,
// DISALLOWED by default, and the lifetimes only when set.
func delegationJSON(d DelegationSettings) map[string]any {
	j := map[string]any{"delegatedMcpAccess": disallowed, "delegatedPartnerAccess": disallowed}
	if d.DelegatedMcpAccess != "" {
		j["delegatedMcpAccess"] = d.DelegatedMcpAccess
	}
	if d.DelegatedPartnerAccess != "" {
		j["delegatedPartnerAccess"] = d.DelegatedPartnerAccess
	}
	if d.IdleRefreshTokenLifetime != nil {
		j["idleRefreshTokenLifetime"] = *d.IdleRefreshTokenLifetime
	}
	if d.MaximumRefreshTokenLifetime != nil {
		j["maximumRefreshTokenLifetime"] = *d.MaximumRefreshTokenLifetime
	}
	return j
}

// getOrgDelegationSettings answers every member, as the specification's
// roles say (Organization Member).
func (s *Server) getOrgDelegationSettings(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, false)
	if e != nil {
		return e
	}
	return writeJSON(w, http.StatusOK, delegationJSON(org.Delegation))
}

// updateOrgDelegationSettings changes the fields the body has: an access
// to one of its values (null: DISALLOWED), a lifetime to 1 to 31,536,000
// seconds (null: the system default).
func (s *Server) updateOrgDelegationSettings(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, true)
	if e != nil {
		return e
	}
	var req struct {
		DelegatedMcpAccess          nullable[string] `json:"delegatedMcpAccess"`
		DelegatedPartnerAccess      nullable[string] `json:"delegatedPartnerAccess"`
		IdleRefreshTokenLifetime    nullable[int64]  `json:"idleRefreshTokenLifetime"`
		MaximumRefreshTokenLifetime nullable[int64]  `json:"maximumRefreshTokenLifetime"`
	}
	if e := decode(r, &req); e != nil {
		return e
	}
	next := org.Delegation
	for _, access := range []struct {
		field   string
		patch   nullable[string]
		allowed []string
		dst     *string
	}{
		{"delegatedMcpAccess", req.DelegatedMcpAccess, delegatedMcpAccessValues, &next.DelegatedMcpAccess},
		{"delegatedPartnerAccess", req.DelegatedPartnerAccess, delegatedPartnerAccessValues, &next.DelegatedPartnerAccess},
	} {
		switch {
		case !access.patch.present:
		case access.patch.null || access.patch.value == disallowed:
			*access.dst = ""
		case slices.Contains(access.allowed, access.patch.value):
			*access.dst = access.patch.value
		default:
			return invalidAttribute(access.field, "%q is not one of %v", access.patch.value, access.allowed)
		}
	}
	for _, lifetime := range []struct {
		field string
		patch nullable[int64]
		dst   **int64
	}{
		{"idleRefreshTokenLifetime", req.IdleRefreshTokenLifetime, &next.IdleRefreshTokenLifetime},
		{"maximumRefreshTokenLifetime", req.MaximumRefreshTokenLifetime, &next.MaximumRefreshTokenLifetime},
	} {
		if p := lifetime.patch; p.present && !p.null && (p.value < 1 || p.value > maxRefreshTokenLifetime) {
			return invalidAttribute(lifetime.field, "%d is not between 1 and %d seconds", p.value, maxRefreshTokenLifetime)
		}
		lifetime.patch.applyTo(lifetime.dst)
	}
	org.Delegation = next
	return writeJSON(w, http.StatusOK, delegationJSON(org.Delegation))
}
