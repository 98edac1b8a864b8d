package localapi

import (
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"time"
)

// The API access lists of service accounts and API keys: one mechanism for
// both families' accessList routes.

func (s *Server) addEntries(r *http.Request, list *[]AccessListEntry) *apiError {
	var req []struct {
		IPAddress string `json:"ipAddress"`
		CIDRBlock string `json:"cidrBlock"`
	}
	if e := decode(r, &req); e != nil {
		return e
	}
	for _, e := range req {
		switch {
		case (e.IPAddress == "") == (e.CIDRBlock == ""):
			return fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "Each entry needs exactly one of ipAddress and cidrBlock.")
		case e.IPAddress != "" && !validAddr(e.IPAddress):
			return fail(http.StatusBadRequest, "INVALID_IP_ADDRESS_OR_CIDR_NOTATION", "%s is not an IP address.", e.IPAddress)
		case e.CIDRBlock != "" && !validPrefix(e.CIDRBlock):
			return fail(http.StatusBadRequest, "INVALID_IP_ADDRESS_OR_CIDR_NOTATION", "%s is not a CIDR block.", e.CIDRBlock)
		}
		entry := normalized(AccessListEntry{IPAddress: e.IPAddress, CIDRBlock: e.CIDRBlock, CreatedAt: s.now().UTC().Truncate(time.Second)})
		if !slices.ContainsFunc(*list, func(x AccessListEntry) bool { return normalized(x).CIDRBlock == entry.CIDRBlock }) {
			*list = append(*list, entry)
		}
	}
	return nil
}

// normalized is an entry as Atlas keeps it: one address is an address and
// its one-address block, however it was posted (ipAddress a.b.c.d, or
// cidrBlock a.b.c.d/32), so that it is found by either.
func normalized(e AccessListEntry) AccessListEntry {
	if a, err := netip.ParseAddr(e.IPAddress); err == nil && e.CIDRBlock == "" {
		e.CIDRBlock = netip.PrefixFrom(a, a.BitLen()).String()
	}
	if p, err := netip.ParsePrefix(e.CIDRBlock); err == nil && e.IPAddress == "" && p.IsSingleIP() {
		e.IPAddress = p.Addr().String()
	}
	return e
}

// findEntry is the index of the entry the request's {ipAddress} names: an
// address, or a CIDR block with its slash escaped.
func findEntry(r *http.Request, list []AccessListEntry) (int, *apiError) {
	value, err := url.PathUnescape(r.PathValue("ipAddress"))
	if err != nil {
		value = r.PathValue("ipAddress")
	}
	i := slices.IndexFunc(list, func(x AccessListEntry) bool {
		x = normalized(x)
		return x.IPAddress == value || x.CIDRBlock == value
	})
	if i < 0 {
		return -1, fail(http.StatusNotFound, "ACCESS_LIST_ENTRY_NOT_FOUND", "No access list entry %s.", value)
	}
	return i, nil
}

func removeEntry(r *http.Request, list *[]AccessListEntry) *apiError {
	i, e := findEntry(r, *list)
	if e != nil {
		return e
	}
	*list = slices.Delete(*list, i, i+1)
	return nil
}

func entryJSON(e AccessListEntry) map[string]any {
	e = normalized(e) // an entry saved before atlas-local normalized them
	j := map[string]any{"cidrBlock": e.CIDRBlock, "createdAt": e.CreatedAt.Format(time.RFC3339), "requestCount": 0}
	if e.IPAddress != "" {
		j["ipAddress"] = e.IPAddress
	}
	return j
}

func entriesJSON(list []AccessListEntry) []map[string]any {
	var out []map[string]any
	for _, e := range list {
		out = append(out, entryJSON(e))
	}
	return out
}

// accessListOf finds the access list a request is about, for the handlers
// below, which serve service accounts' and API keys' lists alike.
type accessListOf func(r *http.Request, caller *principal, owner bool) (*[]AccessListEntry, *apiError)

func (s *Server) serviceAccountAccessList(r *http.Request, caller *principal, owner bool) (*[]AccessListEntry, *apiError) {
	_, sa, e := s.serviceAccount(r, caller, owner)
	if e != nil {
		return nil, e
	}
	return &sa.AccessList, nil
}

func (s *Server) apiKeyAccessList(r *http.Request, caller *principal, owner bool) (*[]AccessListEntry, *apiError) {
	_, k, e := s.apiKey(r, caller, owner)
	if e != nil {
		return nil, e
	}
	return &k.AccessList, nil
}

func (s *Server) listAccessList(of accessListOf) handler {
	return func(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
		list, e := of(r, caller, false)
		if e != nil {
			return e
		}
		return page(w, r, entriesJSON(*list))
	}
}

func (s *Server) createAccessList(of accessListOf) handler {
	return func(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
		list, e := of(r, caller, true)
		if e != nil {
			return e
		}
		if e := s.addEntries(r, list); e != nil {
			return e
		}
		return page(w, r, entriesJSON(*list))
	}
}

// getAccessListEntry serves getOrgAccessEntry: the provider reads an API
// key's entry back this way (service accounts' entries are only listed).
func (s *Server) getAccessListEntry(of accessListOf) handler {
	return func(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
		list, e := of(r, caller, false)
		if e != nil {
			return e
		}
		i, e := findEntry(r, *list)
		if e != nil {
			return e
		}
		return writeJSON(w, http.StatusOK, entryJSON((*list)[i]))
	}
}

func (s *Server) deleteAccessListEntry(of accessListOf) handler {
	return func(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
		list, e := of(r, caller, true)
		if e != nil {
			return e
		}
		if e := removeEntry(r, list); e != nil {
			return e
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

func validAddr(s string) bool { _, err := netip.ParseAddr(s); return err == nil }

func validPrefix(s string) bool { _, err := netip.ParsePrefix(s); return err == nil }
