package deploy

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optlist"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/stackconfig"
)

// Inspection is what atlas-multiorg status reads of one stack. Reading it
// writes nothing: the refresh runs inside a preview, whose refreshed state is
// never saved, and the DIY backends take no lock for a preview.
type Inspection struct {
	// Environment is the stack's atlas-multiorg:environment, or its name.
	Environment string
	// Config holds the stack's plain config values by full key
	// ("atlas-multiorg:orgs"); secure values are left out, undecrypted.
	Config map[string]string
	// Encrypted are the keys of its secure values, sorted: set, though
	// left out of Config.
	Encrypted []string
	// ProviderSecrets are its encrypted mongodbatlas: credential keys
	// (mongodbatlas:clientSecret) as its secrets provider decrypts them for
	// the stack's provider, so that status signs in with the same
	// credential; read and never printed. ProviderSecretsFailure says why
	// they could not be decrypted, with no secret in it.
	ProviderSecrets        map[string]string
	ProviderSecretsFailure string
	// Deployment is the stack's state as `pulumi stack export --show-secrets`
	// prints it: it holds every secret in clear text, so it is read and
	// never printed.
	Deployment json.RawMessage
	// Steps are the refresh preview's steps that would change something:
	// what the code says against what Atlas holds now.
	Steps []Step
	// LeftOut are the providers whose resources the preview left out
	// because their refresh failed, so that the rest of the stack was still
	// compared; empty when nothing was.
	LeftOut []LeftOut
}

// LeftOut is a provider whose refresh failed in the preview (Atlas refused
// its credential, say): the resources of the state it reads for the
// organization that failed were left out of the next preview (pulumi
// preview --refresh --exclude), which compared the stack's other
// resources. A provider that fails for several organizations (the
// caller's, refused) is left out whole.
type LeftOut struct {
	// Provider is the provider's URN; Resources the URNs left out.
	Provider  string
	Resources []string
	// Failed is the resource whose refresh failed first, and Reason the
	// engine's line of why, with no secret in it.
	Failed, Reason string
	// org is the org key whose resources were left out ("" for those of no
	// organization); whole, that every resource of the provider was.
	org   string
	whole bool
}

// Step is one resource the refresh preview would change.
type Step struct {
	// Op is the engine's operation: update, create, replace, delete, ...
	Op   string
	URN  string
	Type string
	// Diffs are the properties that differ.
	Diffs []PropertyDiff
}

// PropertyDiff is one property of a step: its value in the refreshed state
// (what Atlas holds) and in the code. The engine masks secret values as
// "[secret]" in its events; callers print neither those nor any value of a
// field that names a secret.
type PropertyDiff struct {
	Path  string
	Kind  string
	Atlas any
	Code  any
}

// BusyError is a stack that a running update holds the lock of.
type BusyError struct {
	// Holder says who holds the lock, as the backend records it (user,
	// host, process, since when), or "" when the backend does not say.
	Holder string
}

func (e *BusyError) Error() string {
	if e.Holder == "" {
		return "an update of it is running"
	}
	return "an update of it is running (" + e.Holder + ")"
}

// NotFoundError is a stack name the backend does not hold for this project.
type NotFoundError struct {
	// OtherProject is the project that holds a stack of that name, if one does.
	OtherProject string
}

func (e *NotFoundError) Error() string {
	if e.OtherProject != "" {
		return fmt.Sprintf("a stack of project %q, not of this project: status checks the org stacks of the project in --dir", e.OtherProject)
	}
	return "no such stack in the backend (pulumi stack ls lists the project's stacks)"
}

// ProjectStacks lists the backend's stacks of the project, sorted: what
// status checks when it is given no stack names.
func (r *AutoRunner) ProjectStacks(ctx context.Context) ([]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.open(ctx); err != nil {
		return nil, err
	}
	return slices.Sorted(maps.Keys(r.existing)), nil
}

// otherProject is the project, other than this one, that holds a stack
// named stack ("org/project/stack" or its last part), or "".
func otherProject(others []string, project, stack string) string {
	for _, full := range others {
		parts := strings.Split(full, "/")
		if len(parts) != 3 || parts[1] == project {
			continue
		}
		if full == stack || parts[2] == stack {
			return parts[1]
		}
	}
	return ""
}

// Inspect reads the stack for status: its plain config, its state, and a
// refresh preview of it. A stack another update holds is a *BusyError, found
// before the preview starts, so status neither waits for it nor touches its
// lock; a stack the backend does not hold is a *NotFoundError. Where the
// preview fails because a provider's refresh fails, the stack is previewed
// again without that provider's resources (LeftOut), once per provider, so
// that one organization's refused credential hides nothing of the others.
func (r *AutoRunner) Inspect(ctx context.Context, stack string) (Inspection, error) {
	r.mu.Lock()
	err := r.open(ctx)
	ws, exists := r.workspace, listed(r.existing, stack)
	r.mu.Unlock()
	if err != nil {
		return Inspection{}, err
	}
	project := ""
	if settings, err := ws.ProjectSettings(ctx); err == nil {
		project = string(settings.Name)
	}
	if parts := strings.Split(stack, "/"); len(parts) == 3 && parts[1] != project {
		return Inspection{}, &NotFoundError{OtherProject: parts[1]}
	}
	if !exists {
		var others []string
		if all, err := ws.ListStacks(ctx, optlist.All()); err == nil {
			for _, s := range all {
				others = append(others, s.Name)
			}
		}
		return Inspection{}, &NotFoundError{OtherProject: otherProject(others, project, stack)}
	}
	if busy := r.busy(ctx, stack); busy != nil {
		return Inspection{}, busy
	}
	env, err := r.Environment(ctx, stack)
	if err != nil {
		return Inspection{}, err
	}
	in := Inspection{Environment: env, Config: map[string]string{}}
	settings, err := ws.StackSettings(ctx, stack)
	if err != nil {
		return Inspection{}, fmt.Errorf("cannot read its settings: %w", err)
	}
	for key, v := range settings.Config {
		if v.Secure() && v.Object() {
			// An object with a secret inside (a takeover's clientSecret):
			// the rest is plain, and the secret stays encrypted.
			if raw, err := maskedObject(v); err == nil {
				in.Config[key.String()] = raw
				continue
			}
		}
		if v.Secure() {
			in.Encrypted = append(in.Encrypted, key.String())
			continue
		}
		if raw, err := v.Value(config.NopDecrypter); err == nil {
			in.Config[key.String()] = raw
		}
	}
	slices.Sort(in.Encrypted)
	in.ProviderSecrets, in.ProviderSecretsFailure = providerSecrets(ctx, ws, stack, in.Encrypted)
	exported, err := ws.ExportStack(ctx, stack)
	if err != nil {
		// The first line only: an Automation API error carries the
		// command's whole stdout, which for an export is the state.
		return Inspection{}, fmt.Errorf("cannot export its state: %w", &autoError{err: err, firstLine: true})
	}
	in.Deployment, err = json.Marshal(exported)
	if err != nil {
		return Inspection{}, fmt.Errorf("cannot read its state: %w", err)
	}
	s, err := r.stack(ctx, stack)
	if err != nil {
		return Inspection{}, err
	}
	providers := providersOf(exported.Deployment, orgKeysOf(in.Config[orgsKey.String()]))
	var excluded []string
	for previews := 1; ; previews++ {
		var failed []failedResource
		in.Steps, failed, err = r.refreshPreview(ctx, s, excluded)
		if err == nil {
			return in, nil
		}
		if busy := lockRefusal(err.Error()); busy != nil {
			return Inspection{}, busy
		}
		if previews > maxLeaveOuts || ctx.Err() != nil {
			return in, err
		}
		more := providers.leaveOut(failed, &in.LeftOut)
		if len(more) == 0 {
			return in, err
		}
		excluded = append(excluded, more...)
	}
}

// providerSecrets decrypts the stack's encrypted provider credential keys
// with `pulumi config get`, which asks the stack's secrets provider (the
// passphrase status needs for the state too, or the service's key).
func providerSecrets(ctx context.Context, ws auto.Workspace, stack string, encrypted []string) (map[string]string, string) {
	keys := atlasapi.StackProviderConfig("", nil, encrypted).EncryptedCredentialKeys()
	if len(keys) == 0 {
		return nil, ""
	}
	values := map[string]string{}
	for _, key := range keys {
		v, err := ws.GetConfig(ctx, stack, key)
		if err != nil {
			// The first line only: an Automation API error carries the
			// command's output.
			return values, "pulumi config get " + key + ": " + (&autoError{err: err, firstLine: true}).Error()
		}
		values[key] = v.Value
	}
	return values, ""
}

// maxLeaveOuts bounds the previews again that leave out a failing
// provider's resources, so that a stack whose every provider fails (Atlas
// out of reach) costs a few previews, not one per organization.
const maxLeaveOuts = 5

// orgsAloneBeforeWhole is how many organizations a shared provider (the
// stack's default one, the caller's) is left out for one at a time: a
// provider that fails for more is left out whole, as its credential, not
// theirs, is the likely cause. Four, not fewer: three organizations deleted
// in Atlas at once (each fails the caller's read of it) must not hide a
// fourth that is fine (tests/e2e/gone_test.go).
const orgsAloneBeforeWhole = 4

// orgKeysOf are the org keys of the stack's atlas-multiorg:orgs, or none
// where it cannot be read.
func orgKeysOf(raw string) []string {
	var orgs map[string]json.RawMessage
	if json.Unmarshal([]byte(raw), &orgs) != nil {
		return nil
	}
	return slices.Sorted(maps.Keys(orgs))
}

// failedResource is a resource whose step failed in a preview, and the
// engine's line of why.
type failedResource struct {
	URN, Reason string
}

// stateResource is a resource of a stack's state that a provider reads:
// its provider's reference (its URN and ID) and its organization.
type stateResource struct {
	URN, Provider, Org string
}

// stateProviders are the resources of a stack's state that providers
// read, and each one's provider and organization, a provider's own too.
type stateProviders struct {
	resources  []stateResource
	providerOf map[string]string
	orgOf      map[string]string
}

// providersOf reads which provider reads each resource of an exported
// state, and which organization of keys each belongs to; a state that
// cannot be read has none, and nothing is left out.
func providersOf(raw json.RawMessage, keys []string) stateProviders {
	var deployment struct {
		Resources []struct {
			URN      string `json:"urn"`
			ID       string `json:"id"`
			Type     string `json:"type"`
			Provider string `json:"provider"`
		} `json:"resources"`
	}
	p := stateProviders{providerOf: map[string]string{}, orgOf: map[string]string{}}
	if json.Unmarshal(raw, &deployment) != nil {
		return p
	}
	for _, r := range deployment.Resources {
		name := r.URN[strings.LastIndex(r.URN, "::")+2:]
		child, _ := multiorg.ParseChildName(multiorg.StackComponentName, r.Type, name, keys)
		p.orgOf[r.URN] = child.OrgKey
		switch {
		case strings.HasPrefix(r.Type, "pulumi:providers:"):
			// A provider's own failure (its configuration) is its resources'.
			p.providerOf[r.URN] = r.URN + "::" + r.ID
		case r.Provider != "":
			p.resources = append(p.resources, stateResource{URN: r.URN, Provider: r.Provider, Org: child.OrgKey})
			p.providerOf[r.URN] = r.Provider
		}
	}
	return p
}

// leaveOut adds to leftOut the failed resources' providers, each for the
// failed resource's organization (whole, past orgsAloneBeforeWhole), where
// those are not left out yet, and returns the URNs of their resources: what
// the next preview excludes. A failure the state cannot place on a
// provider (the program's, a resource not in the state) leaves nothing
// out: the preview has failed, and leftOut stays as it was.
func (p stateProviders) leaveOut(failed []failedResource, leftOut *[]LeftOut) []string {
	all := slices.Clone(*leftOut)
	added := len(all)
	for _, f := range failed {
		ref, ok := p.providerOf[f.URN]
		end := strings.LastIndex(ref, "::") // a reference is the provider's URN::ID
		if !ok || end < 0 {
			return nil
		}
		provider, org := ref[:end], p.orgOf[f.URN]
		alone := map[string]bool{}
		covered := false
		for _, l := range all {
			if l.Provider == provider {
				covered = covered || l.whole || l.org == org
				alone[l.org] = true
			}
		}
		if covered {
			continue
		}
		l := LeftOut{Provider: provider, Failed: f.URN, Reason: f.Reason, org: org, whole: len(alone) >= orgsAloneBeforeWhole}
		for _, r := range p.resources {
			if r.Provider == ref && (l.whole && !alone[r.Org] || r.Org == org) {
				l.Resources = append(l.Resources, r.URN)
			}
		}
		if len(l.Resources) == 0 {
			return nil
		}
		all = append(all, l)
	}
	var urns []string
	for _, l := range all[added:] {
		urns = append(urns, l.Resources...)
	}
	*leftOut = all
	return urns
}

// refreshPreview runs pulumi preview --refresh, without the resources
// excluded, and keeps the steps that would change something; failed are
// the resources whose step failed, in the engine's order.
func (r *AutoRunner) refreshPreview(ctx context.Context, s auto.Stack, excluded []string) ([]Step, []failedResource, error) {
	stream := make(chan events.EngineEvent)
	drained := make(chan struct{})
	var steps []Step
	var failed []failedResource
	var firstError string
	go func() {
		defer close(drained)
		for e := range stream {
			switch {
			case e.ResourcePreEvent != nil:
				if step, ok := stepOf(e.ResourcePreEvent.Metadata); ok {
					steps = append(steps, step)
				}
			case e.DiagnosticEvent != nil && e.DiagnosticEvent.Severity == "error":
				reason := reasonOf(stripColor(e.DiagnosticEvent.Message))
				if firstError == "" {
					firstError = reason
				}
				if urn := e.DiagnosticEvent.URN; urn != "" && !slices.ContainsFunc(failed, func(f failedResource) bool { return f.URN == urn }) {
					failed = append(failed, failedResource{URN: urn, Reason: reason})
				}
			}
		}
	}()
	opts := []optpreview.Option{optpreview.Refresh(), optpreview.EventStreams(stream), optpreview.Parallel(r.Parallel),
		optpreview.Color("never"), optpreview.SuppressOutputs()}
	if len(excluded) > 0 {
		opts = append(opts, optpreview.Exclude(excluded))
	}
	_, err := s.Preview(ctx, opts...)
	<-drained
	if err != nil {
		if firstError != "" {
			return steps, failed, errors.New(firstError)
		}
		return steps, failed, &autoError{err: err, firstLine: true}
	}
	return steps, nil, nil
}

// stepOf keeps a step that changes something. Refresh steps are left out:
// the step that follows each compares the refreshed state with the code,
// which is what status reports.
func stepOf(m apitype.StepEventMetadata) (Step, bool) {
	switch m.Op {
	case apitype.OpSame, apitype.OpRefresh, apitype.OpRead, apitype.OpReadDiscard, apitype.OpDiscardReplaced, apitype.OpRemovePendingReplace:
		return Step{}, false
	}
	if m.Type == "pulumi:pulumi:Stack" {
		return Step{}, false
	}
	step := Step{Op: string(m.Op), URN: m.URN, Type: m.Type}
	var oldOutputs, oldInputs, newInputs map[string]any
	if m.Old != nil {
		oldOutputs, oldInputs = m.Old.Outputs, m.Old.Inputs
	}
	if m.New != nil {
		newInputs = m.New.Inputs
	}
	paths := make([]string, 0, len(m.DetailedDiff))
	for path := range m.DetailedDiff {
		paths = append(paths, path)
	}
	if len(paths) == 0 {
		paths = append(paths, m.Diffs...)
	}
	slices.Sort(paths)
	for _, path := range paths {
		atlas, ok := Lookup(oldOutputs, path)
		if !ok {
			atlas, _ = Lookup(oldInputs, path)
		}
		code, _ := Lookup(newInputs, path)
		step.Diffs = append(step.Diffs, PropertyDiff{Path: path, Kind: string(m.DetailedDiff[path].Kind), Atlas: atlas, Code: code})
	}
	return step, true
}

// Lookup finds a property path of the engine's diffs ("a.b[0].c",
// `tags["x.y"]`) in a property map.
func Lookup(props map[string]any, path string) (any, bool) {
	var cur any = props
	for _, part := range splitPath(path) {
		switch node := cur.(type) {
		case map[string]any:
			v, ok := node[part]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			var i int
			if _, err := fmt.Sscanf(part, "%d", &i); err != nil || i < 0 || i >= len(node) {
				return nil, false
			}
			cur = node[i]
		default:
			return nil, false
		}
	}
	return cur, props != nil
}

// PathParts splits a property path of the engine's diffs ("a.b[0].c",
// `tags["x.y"]`) into its keys and indexes.
func PathParts(path string) []string { return splitPath(path) }

// splitPath splits a property path into its keys and indexes.
func splitPath(path string) []string {
	var parts []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			parts = append(parts, cur.String())
			cur.Reset()
		}
	}
	for i := 0; i < len(path); i++ {
		switch c := path[i]; c {
		case '.':
			flush()
		case '[':
			flush()
			end := strings.IndexByte(path[i:], ']')
			if end < 0 {
				cur.WriteString(path[i:])
				i = len(path)
				continue
			}
			inner := path[i+1 : i+end]
			if unquoted, err := unquote(inner); err == nil {
				inner = unquoted
			}
			parts = append(parts, inner)
			i += end
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return parts
}

func unquote(s string) (string, error) {
	if len(s) < 2 || s[0] != '"' {
		return "", errors.New("not quoted")
	}
	var out string
	err := json.Unmarshal([]byte(s), &out)
	return out, err
}

// lockRefusal reads a backend's refusal to run on a locked stack (Pulumi
// Cloud's 409, a DIY backend's lock message).
func lockRefusal(message string) *BusyError {
	for _, sign := range []string{"is currently locked by", "Another update is currently in progress", "[409] Conflict"} {
		if strings.Contains(message, sign) {
			return &BusyError{Holder: firstLine(message)}
		}
	}
	return nil
}

// lockContent is what a DIY backend writes into a stack's lock file.
type lockContent struct {
	Pid       int       `json:"pid"`
	Username  string    `json:"username"`
	Hostname  string    `json:"hostname"`
	Timestamp time.Time `json:"timestamp"`
}

// lockHolder looks for the lock a running update holds on a stack of a DIY
// backend (a folder, or PostgreSQL): a DIY backend's preview takes no lock
// and would run on a state the update is still writing. It reads the lock;
// it never writes or removes one. Pulumi Cloud is left to its own refusal
// of a preview of a stack under update, which lockRefusal reads.
func (r *AutoRunner) lockHolder(ctx context.Context, ws auto.Workspace, stack string) (string, bool) {
	project, err := ws.ProjectSettings(ctx)
	if err != nil {
		return "", false
	}
	backendURL := backendURLOf(project)
	if root, ok := fileBackendRoot(backendURL); ok {
		return lockedBy(root, string(project.Name), stack)
	}
	if strings.HasPrefix(backendURL, "postgres://") || strings.HasPrefix(backendURL, "postgresql://") {
		return postgresLockedBy(ctx, backendURL, string(project.Name), stack)
	}
	return "", false
}

// backendURLOf is the backend the pulumi CLI runs on: PULUMI_BACKEND_URL,
// else the project's backend.url ("" where the CLI's login decides).
func backendURLOf(project *workspace.Project) string {
	if fromEnv := os.Getenv("PULUMI_BACKEND_URL"); fromEnv != "" || project == nil || project.Backend == nil {
		return fromEnv
	}
	return project.Backend.URL
}

// sqlName is a table name that can stand in a query as it is.
var sqlName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// postgresLockedBy reads the lock of a stack in a PostgreSQL backend's
// table (the DIY backend keeps lock files there as rows), through psql
// where it is on PATH: this module holds no PostgreSQL driver. The
// password goes to psql in PGPASSWORD, never on its command line. Without
// psql, or when the query fails, the lock is not known and the stack is
// checked as it stands.
func postgresLockedBy(ctx context.Context, backendURL, project, stack string) (string, bool) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		return "", false
	}
	u, err := url.Parse(backendURL)
	if err != nil {
		return "", false
	}
	q := u.Query()
	table := q.Get("table")
	if table == "" {
		table = "pulumi_state"
	}
	if !sqlName.MatchString(table) {
		return "", false
	}
	q.Del("table") // the backend's own parameter, which psql refuses
	u.RawQuery = q.Encode()
	password := ""
	if u.User != nil {
		password, _ = u.User.Password()
		u.User = url.User(u.User.Username())
	}
	name := stack
	if parts := strings.Split(stack, "/"); len(parts) == 3 {
		name = parts[2]
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, psql, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", //nolint:gosec // G204: psql from PATH, the user's own backend
		"-v", "scoped=%/locks/organization/"+project+"/"+name+"/%", "-v", "legacy=%/locks/"+name+"/%", "-d", u.String())
	cmd.Env = append(os.Environ(), "PGPASSWORD="+password)
	cmd.Stdin = strings.NewReader("SELECT data->>'data' FROM " + table + " WHERE key LIKE :'scoped' OR key LIKE :'legacy';\n")
	out, err := cmd.Output()
	if err != nil {
		return "", false
	}
	rows := strings.Fields(string(out))
	if len(rows) == 0 {
		return "", false
	}
	raw, err := base64.StdEncoding.DecodeString(rows[0])
	if err != nil {
		return "", true // locked, by whom unknown
	}
	return holderOf(raw), true
}

// holderOf says who holds a lock, from a DIY backend's lock file.
func holderOf(raw []byte) string {
	var lock lockContent
	if json.Unmarshal(raw, &lock) != nil {
		return ""
	}
	return fmt.Sprintf("locked by %s@%s, pid %d, since %s", lock.Username, lock.Hostname, lock.Pid, lock.Timestamp.UTC().Format(time.RFC3339))
}

// lockedBy reads the lock files of a stack in a file backend's folder, in
// the project layout and the legacy one.
func lockedBy(root, project, stack string) (string, bool) {
	name := stack
	if parts := strings.Split(stack, "/"); len(parts) == 3 {
		name = parts[2]
	}
	dirs := []string{
		filepath.Join(root, ".pulumi", "locks", "organization", project, name),
		filepath.Join(root, ".pulumi", "locks", name), // the legacy layout, without projects
	}
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
				continue
			}
			raw, err := os.ReadFile(filepath.Join(dir, e.Name())) //nolint:gosec // G304: the backend's own lock folder
			if err != nil {
				return "", true
			}
			return holderOf(raw), true
		}
	}
	return "", false
}

// fileBackendRoot is the folder of a file:// backend URL.
func fileBackendRoot(backendURL string) (string, bool) {
	if !strings.HasPrefix(backendURL, "file://") {
		return "", false
	}
	u, err := url.Parse(backendURL)
	if err != nil {
		return "", false
	}
	path := u.Path
	if u.Host == "~" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", false
		}
		path = filepath.Join(home, path)
	}
	return path, path != ""
}

// maskedObject is an object config value as JSON text, each secret inside
// it stackconfig.Masked: never decrypted.
func maskedObject(v config.Value) (string, error) {
	raw, err := v.Value(config.NopDecrypter)
	if err != nil {
		return "", err
	}
	var obj any
	if err := json.Unmarshal([]byte(raw), &obj); err != nil {
		return "", err
	}
	masked, err := json.Marshal(stackconfig.MaskSecrets(obj))
	return string(masked), err
}
