package atlasapi

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// The order below is the provider's own, read in terraform-provider-mongodbatlas
// v2.16.0 (the upstream of pulumi-mongodbatlas 4.14.0, whose resources.go sets
// no environment defaults for the provider's config, so the provider sees the
// stack's mongodbatlas:* config as its own and nothing else):
//
//   - internal/provider/provider.go, Configure (and provider_sdk2.go,
//     providerConfigure): config.GetCredentials(providerVars, config.NewEnvVars()).
//   - internal/config/credentials.go, GetCredentials and CoalesceCredentials:
//     the first of the provider's config and the environment that holds any
//     credential gives ALL of it, the base URL included; NewEnvVars lists the
//     variables and their aliases; AuthMethod ranks access token, service
//     account, API key; Errors refuses half a pair.
//
// docs/command-line-tool.md#which-admin-api-and-credential says it for users.

// ProviderConfig is the provider's own config: a stack's mongodbatlas:* keys,
// or a provider resource's inputs.
type ProviderConfig struct {
	// Where names it in messages: "Pulumi.dev.yaml", "the stack config".
	Where       string
	BaseURL     string
	Credentials Credentials
	// Encrypted are the credential keys (mongodbatlas:clientSecret) set as
	// secrets: they count as set, whether or not a command can decrypt them.
	Encrypted []string
	// Decrypted are the Encrypted keys whose value the stack's secrets
	// provider gave (SetDecrypted); DecryptFailure says why the others could
	// not be decrypted, with no secret in it.
	Decrypted      []string
	DecryptFailure string
}

// SetDecrypted gives an encrypted credential key the value the stack's
// secrets provider decrypted (`pulumi config get`): the value the stack's
// provider signs in with. A key that is no credential key is ignored.
func (p *ProviderConfig) SetDecrypted(key, value string) {
	for _, f := range credentialFields {
		if f.key == key && value != "" {
			*f.slot(&p.Credentials) = value
			p.Decrypted = append(p.Decrypted, key)
		}
	}
}

// EncryptedCredentialKeys are the encrypted keys that hold a credential the
// stack's provider signs in with, and that a command must decrypt (or read
// from the environment) to sign in as it does.
func (p ProviderConfig) EncryptedCredentialKeys() []string {
	var keys []string
	for _, f := range credentialFields {
		if slices.Contains(p.Encrypted, f.key) {
			keys = append(keys, f.key)
		}
	}
	return keys
}

// Provider config keys, as a stack spells them.
const (
	ConfigBaseURL      = "mongodbatlas:baseUrl"
	ConfigAccessToken  = "mongodbatlas:accessToken" //nolint:gosec // G101: a config key's name, not a credential
	ConfigClientID     = "mongodbatlas:clientId"
	ConfigClientSecret = "mongodbatlas:clientSecret" //nolint:gosec // G101: a config key's name, not a credential
	ConfigPublicKey    = "mongodbatlas:publicKey"
	ConfigPrivateKey   = "mongodbatlas:privateKey"
)

// ProviderConfigKeys are the keys StackProviderConfig reads.
var ProviderConfigKeys = []string{ConfigBaseURL, ConfigAccessToken, ConfigClientID, ConfigClientSecret, ConfigPublicKey, ConfigPrivateKey}

// credentialField is one credential value: its config key and its
// environment variables, in the provider's order of aliases.
type credentialField struct {
	key  string
	env  []string
	slot func(*Credentials) *string
}

var credentialFields = []credentialField{
	{ConfigAccessToken, []string{"MONGODB_ATLAS_ACCESS_TOKEN"}, func(c *Credentials) *string { return &c.AccessToken }},
	{ConfigClientID, []string{"MONGODB_ATLAS_CLIENT_ID"}, func(c *Credentials) *string { return &c.ClientID }},
	{ConfigClientSecret, []string{"MONGODB_ATLAS_CLIENT_SECRET"}, func(c *Credentials) *string { return &c.ClientSecret }},
	{ConfigPublicKey, []string{"MONGODB_ATLAS_PUBLIC_API_KEY", "MONGODB_ATLAS_PUBLIC_KEY", "MCLI_PUBLIC_API_KEY"}, func(c *Credentials) *string { return &c.PublicKey }},
	{ConfigPrivateKey, []string{"MONGODB_ATLAS_PRIVATE_API_KEY", "MONGODB_ATLAS_PRIVATE_KEY", "MCLI_PRIVATE_API_KEY"}, func(c *Credentials) *string { return &c.PrivateKey }},
}

// baseURLEnv are the provider's base URL variables, first first.
var baseURLEnv = []string{"MONGODB_ATLAS_BASE_URL", "MCLI_OPS_MANAGER_URL"}

// StackProviderConfig reads the provider's keys from a stack's config values
// (plain values only) and the keys it holds encrypted.
func StackProviderConfig(where string, values map[string]string, encrypted []string) ProviderConfig {
	p := ProviderConfig{Where: where, BaseURL: values[ConfigBaseURL]}
	for _, f := range credentialFields {
		*f.slot(&p.Credentials) = values[f.key]
		if slices.Contains(encrypted, f.key) {
			p.Encrypted = append(p.Encrypted, f.key)
		}
	}
	return p
}

// Resolution is the Admin API and the credential a call uses, and where each
// came from, for messages. It never holds a secret in the From fields.
type Resolution struct {
	BaseURL         string
	BaseURLFrom     string
	Credentials     Credentials
	CredentialsFrom string
}

// Resolve picks the base URL and the credential as the provider does: from
// its config when that holds any credential, else from the environment, the
// base URL always from the same source, else Atlas. Within the source an
// access token goes before a service account, and that before an API key.
// A config credential held encrypted is the value the stack's secrets
// provider decrypted (SetDecrypted), else its environment variable's. No
// credential at all is no error: the caller decides (atlasapi.New refuses
// it).
func Resolve(config ProviderConfig, getenv func(string) string) (Resolution, error) {
	fromConfig := config.Credentials.present() || len(config.Encrypted) > 0
	if !fromConfig {
		return resolveEnv(config, getenv)
	}
	r := Resolution{BaseURL: config.BaseURL, Credentials: config.Credentials, BaseURLFrom: "given by " + ConfigBaseURL + " in " + config.Where}
	if r.BaseURL == "" {
		r.BaseURL, r.BaseURLFrom = DefaultBaseURL, "Atlas itself: "+config.Where+" gives the provider's credential and no "+ConfigBaseURL
	}
	var decrypted []string
	for _, f := range credentialFields {
		if !slices.Contains(config.Encrypted, f.key) || *f.slot(&r.Credentials) != "" {
			continue
		}
		if v := firstEnv(getenv, f.env); v != "" {
			*f.slot(&r.Credentials) = v
			decrypted = append(decrypted, f.env[0])
			continue
		}
		why := ""
		if config.DecryptFailure != "" {
			why = " (" + config.DecryptFailure + ")"
		}
		return Resolution{}, fmt.Errorf("%s holds %s encrypted, and it could not be decrypted%s: run where `pulumi config get %s` works "+
			"(logged in to the stack's backend, with its passphrase in PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE "+
			"where it has one), or set %s to the same value", config.Where, f.key, why, f.key, f.env[0])
	}
	r.CredentialsFrom = r.Credentials.Kind() + " given by " + config.Where
	var notes []string
	if len(config.Decrypted) > 0 {
		notes = append(notes, strings.Join(config.Decrypted, ", ")+" decrypted by pulumi config get")
	}
	if len(decrypted) > 0 {
		notes = append(notes, "its encrypted values from "+strings.Join(decrypted, ", "))
	}
	if len(notes) > 0 {
		r.CredentialsFrom += " (" + strings.Join(notes, "; ") + ")"
	}
	return r, r.Credentials.check(ConfigClientID+" and "+ConfigClientSecret, ConfigPublicKey+" and "+ConfigPrivateKey, config.Where)
}

func resolveEnv(config ProviderConfig, getenv func(string) string) (Resolution, error) {
	r := Resolution{Credentials: CredentialsFromEnv(getenv), CredentialsFrom: "none: neither the stack config nor the environment gives one"} //nolint:gosec // G101: where a credential came from, not one
	if r.Credentials.present() {
		r.CredentialsFrom = r.Credentials.Kind() + " given by the environment"
	}
	ignored := ""
	if config.BaseURL != "" {
		ignored = " (" + ConfigBaseURL + " in " + config.Where + " is not used: the provider takes the base URL from where it takes the credential)"
	}
	for _, name := range baseURLEnv {
		if v := getenv(name); v != "" {
			r.BaseURL, r.BaseURLFrom = v, "given by "+name+ignored
			return r, r.Credentials.check(envPairs())
		}
	}
	r.BaseURL, r.BaseURLFrom = DefaultBaseURL, "Atlas itself: MONGODB_ATLAS_BASE_URL is not set"+ignored
	return r, r.Credentials.check(envPairs())
}

// CredentialsFromEnv reads the environment variables the provider reads,
// with its aliases.
func CredentialsFromEnv(getenv func(string) string) Credentials {
	var c Credentials
	for _, f := range credentialFields {
		*f.slot(&c) = firstEnv(getenv, f.env)
	}
	return c
}

func firstEnv(getenv func(string) string, names []string) string {
	for _, n := range names {
		if v := getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// present reports whether any credential value is set: the provider's
// Credentials.IsPresent.
func (c Credentials) present() bool {
	return c.AccessToken != "" || c.ClientID != "" || c.ClientSecret != "" || c.PublicKey != "" || c.PrivateKey != ""
}

// Kind names the credential the provider would use: its AuthMethod.
func (c Credentials) Kind() string {
	switch {
	case c.AccessToken != "":
		return "an access token"
	case c.ClientID != "" || c.ClientSecret != "":
		return "a service account"
	case c.PublicKey != "" || c.PrivateKey != "":
		return "an API key"
	}
	return "no credential"
}

// ErrHalfCredential is a credential pair with one half missing.
var ErrHalfCredential = errors.New("half a credential")

// check refuses half a pair, as the provider's Credentials.Errors does; the
// pairs name the keys, source where they were read.
func (c Credentials) check(serviceAccountPair, apiKeyPair, source string) error {
	switch {
	case c.AccessToken != "":
		return nil
	case (c.ClientID == "") != (c.ClientSecret == ""):
		return fmt.Errorf("%w: a service account needs both %s, and %s gives one", ErrHalfCredential, serviceAccountPair, source)
	case c.ClientID == "" && (c.PublicKey == "") != (c.PrivateKey == ""):
		return fmt.Errorf("%w: an API key needs both %s, and %s gives one", ErrHalfCredential, apiKeyPair, source)
	}
	return nil
}

// envPairs are check's arguments for the environment.
func envPairs() (serviceAccountPair, apiKeyPair, source string) {
	return "MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET", "MONGODB_ATLAS_PUBLIC_KEY and MONGODB_ATLAS_PRIVATE_KEY", "the environment"
}
