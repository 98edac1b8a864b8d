package multiorg

import (
	"encoding/json"
	"os"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// unknownConfigKeys lists the keys of namespace that are not in known, sorted.
// Pulumi offers no way to list config, but it hands the program all of it in
// PULUMI_CONFIG; a typo in a key must not be silently ignored.
func unknownConfigKeys(namespace string, known []string) []string {
	var all map[string]string
	if err := json.Unmarshal([]byte(os.Getenv(pulumi.EnvConfig)), &all); err != nil {
		return nil
	}
	isKnown := keySet(known)
	var unknown []string
	for full := range all {
		key, ok := strings.CutPrefix(full, namespace+":")
		if _, k := isKnown[key]; ok && !k {
			unknown = append(unknown, key)
		}
	}
	sort.Strings(unknown)
	return unknown
}

// keySet returns the names as a set, for Suggest.
func keySet(names []string) map[string]struct{} {
	set := make(map[string]struct{}, len(names))
	for _, n := range names {
		set[n] = struct{}{}
	}
	return set
}

// ReadConfig returns the namespace's config as Pulumi hands it to the
// program: the known keys' values, plus every unknown key of the namespace
// (with an empty value) so that decoding can report it.
func ReadConfig(ctx *pulumi.Context, namespace string, known []string) map[string]string {
	config := map[string]string{}
	for _, key := range known {
		if v, ok := ctx.GetConfig(namespace + ":" + key); ok {
			config[namespace+":"+key] = v
		}
	}
	for _, key := range unknownConfigKeys(namespace, known) {
		config[namespace+":"+key] = ""
	}
	return config
}
