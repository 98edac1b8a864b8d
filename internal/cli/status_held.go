package cli

import (
	"net/netip"
	"strings"
	"time"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// heldObjects are the Atlas objects of one organization that its stack
// holds, by their Atlas IDs, as the state recorded them: what status tells
// apart from what was made in Atlas by hand. A name is never the test: a
// team renamed in Atlas is still the stack's team.
type heldObjects struct {
	// userIDs are the people the stack made members, by user ID.
	userIDs map[string]bool
	// teamIDs are the stack's teams by team ID, and teams its team keys.
	teamIDs map[string]bool
	teams   map[string]string
	// clientIDs are its service accounts; publicKeys its API keys.
	clientIDs  map[string]bool
	publicKeys map[string]bool
	// secretIDs are the service account secrets it made, and newestSecret
	// when the newest of them was created (zero when unknown).
	secretIDs    map[string]bool
	newestSecret time.Time
	// rotating says the stack rotates the secret: the secrets an earlier
	// rotation replaced stay in Atlas until they expire, out of the state.
	rotating bool
	// accessList are its credential's access-list entries.
	accessList map[netip.Prefix]bool
	// takenOver is the client ID of the service account the stack took
	// over (serviceAccount.takeOver), made by the organization's owner:
	// the stack's, though it neither made it nor knows which of its
	// secrets it was given.
	takenOver string
}

func newHeldObjects() *heldObjects {
	return &heldObjects{userIDs: map[string]bool{}, teamIDs: map[string]bool{}, teams: map[string]string{},
		clientIDs: map[string]bool{}, publicKeys: map[string]bool{}, secretIDs: map[string]bool{}, accessList: map[netip.Prefix]bool{}}
}

// heldByOrg reads, from the state's resources, the Atlas objects each
// organization of keys holds.
func heldByOrg(resources []exportedResource, keys []string) map[string]*heldObjects {
	held := map[string]*heldObjects{}
	for _, key := range keys {
		held[key] = newHeldObjects()
	}
	for _, r := range resources {
		name := r.URN[strings.LastIndex(r.URN, "::")+2:]
		child, ok := multiorg.ParseChildName(multiorg.StackComponentName, r.Type, name, keys)
		if !ok {
			continue
		}
		h := held[child.OrgKey]
		str := func(field string) string { v, _ := plainValue(r.Outputs[field]).(string); return v }
		switch r.Type {
		case mongodbatlas.CloudUserOrgAssignmentType:
			if id := str("userId"); id != "" {
				h.userIDs[id] = true
			}
		case mongodbatlas.TeamType:
			if id := str("teamId"); id != "" {
				h.teamIDs[id] = true
				h.teams[child.Part] = id
			}
		case mongodbatlas.OrganizationType:
			if key := str("publicKey"); key != "" {
				h.publicKeys[key] = true
			}
			if account, ok := plainValue(r.Outputs["serviceAccount"]).(map[string]any); ok {
				h.holdServiceAccount(account)
			}
		case mongodbatlas.ServiceAccountType:
			h.holdServiceAccount(map[string]any{"clientId": str("clientId"), "secrets": plainValue(r.Outputs["secrets"])})
		case mongodbatlas.ServiceAccountSecretType:
			h.rotating = true
			h.holdSecret(str("secretId"), str("createdAt"))
		case mongodbatlas.ServiceAccountAccessListEntryType, mongodbatlas.AccessListApiKeyType:
			if entry, ok := accessListPrefix(str("ipAddress"), str("cidrBlock")); ok {
				h.accessList[entry] = true
			}
		}
	}
	return held
}

// holdServiceAccount holds a service account the state records (an
// Organization's serviceAccount block, or a ServiceAccount's outputs) and
// the secrets it was created with.
func (h *heldObjects) holdServiceAccount(account map[string]any) {
	if id, _ := account["clientId"].(string); id != "" {
		h.clientIDs[id] = true
	}
	secrets, _ := account["secrets"].([]any)
	for _, s := range secrets {
		secret, _ := s.(map[string]any)
		id, _ := secret["secretId"].(string)
		created, _ := secret["createdAt"].(string)
		h.holdSecret(id, created)
	}
}

func (h *heldObjects) holdSecret(id, createdAt string) {
	if id == "" {
		return
	}
	h.secretIDs[id] = true
	if at, err := multiorg.ParseExpiry(createdAt); err == nil && at.After(h.newestSecret) {
		h.newestSecret = at
	}
}

// accessListPrefix is an access-list entry as the network it admits: an
// address is its single-address block, as Atlas lists it beside the address.
func accessListPrefix(ipAddress, cidrBlock string) (netip.Prefix, bool) {
	if cidrBlock != "" {
		p, err := netip.ParsePrefix(cidrBlock)
		return p.Masked(), err == nil
	}
	addr, err := netip.ParseAddr(ipAddress)
	if err != nil {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(addr, addr.BitLen()), true
}
