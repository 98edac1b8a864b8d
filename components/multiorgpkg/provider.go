// Package multiorgpkg serves the MultiOrg component as a Pulumi component
// package: a provider plugin whose Construct builds atlas-multiorg:index:MultiOrg
// with multiorg.NewFromSpec, as the Go stack program builds it, and the schema
// every language's SDK is generated from. Its inputs are the org stack's
// config keys, decoded and validated by the component's own codec
// (multiorg.SpecFromValues), the Go stack program's too.
package multiorgpkg

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
)

// Main runs the plugin: the CLI starts it, and it serves until told to stop.
func Main() error {
	schema, err := Schema()
	if err != nil {
		return err
	}
	return provider.Main(Name, func(host *provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return NewServer(host.EngineConn(), schema), nil
	})
}

// NewServer is the component provider, talking to the engine over
// engineConn (its log) and answering GetSchema with schema.
func NewServer(engineConn *grpc.ClientConn, schema []byte) pulumirpc.ResourceProviderServer {
	return &server{engine: engineConn, schema: schema}
}

type server struct {
	pulumirpc.UnimplementedResourceProviderServer
	engine *grpc.ClientConn
	schema []byte
}

func (s *server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: Version}, nil
}

func (s *server) GetSchema(_ context.Context, req *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	if v := req.GetVersion(); v != 0 {
		return nil, fmt.Errorf("unsupported schema version %d", v)
	}
	return &pulumirpc.GetSchemaResponse{Schema: string(s.schema)}, nil
}

func (s *server) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true, AcceptOutputs: true}, nil
}

func (s *server) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// Construct validates the inputs as the org stack validates its config, all
// problems at once, before anything is registered; then it builds the
// MultiOrg with what the component's last deployment left in the state.
func (s *server) Construct(ctx context.Context, req *pulumirpc.ConstructRequest) (*pulumirpc.ConstructResponse, error) {
	if req.GetType() != multiorg.Type {
		return nil, status.Errorf(codes.NotFound, "unknown component type %q; this package has %s", req.GetType(), multiorg.Type)
	}
	inputs, err := plugin.UnmarshalProperties(req.GetInputs(), plugin.MarshalOptions{
		KeepSecrets: true, KeepResources: true, KeepUnknowns: true, KeepOutputValues: true,
	})
	if err != nil {
		return nil, fmt.Errorf("reading the inputs of %s: %w", req.GetName(), err)
	}
	spec, err := SpecFromInputs(inputs, req.GetStack())
	if err != nil {
		return nil, err
	}
	return provider.Construct(ctx, req, s.engine, func(ctx *pulumi.Context, _, name string, _ provider.ConstructInputs,
		options pulumi.ResourceOption,
	) (*provider.ConstructResult, error) {
		m, err := multiorg.NewFromSpec(ctx, name, spec, options)
		if err != nil {
			return nil, err
		}
		return provider.NewConstructResult(m)
	})
}

// SpecFromInputs decodes and validates the component's inputs. They are the
// org stack's config keys, decoded by the component's own codec
// (multiorg.SpecFromValues): one decoding and one validation, and the same
// messages and paths as a Go program's. stack is the default environment.
func SpecFromInputs(inputs resource.PropertyMap, stack string) (multiorg.Spec, error) {
	values := map[string]any{}
	var unknown []multiorg.Problem
	for _, key := range slices.Sorted(maps.Keys(inputs)) {
		value := inputs[key]
		if path, ok := firstUnknown(string(key), value); ok {
			unknown = append(unknown, multiorg.Problem{Path: path, Message: "must be known when the program runs: " +
				"the organizations are validated as a whole before anything is registered, so it cannot be another resource's output"})
			continue
		}
		if plain := unwrap(value); !plain.IsNull() {
			values[string(key)] = plain.Mappable()
		}
	}
	spec, err := multiorg.SpecFromValues(values, stack)
	if len(unknown) == 0 {
		return spec, err
	}
	problems := unknown
	var verr *multiorg.ValidationError
	if errors.As(err, &verr) {
		problems = append(problems, verr.Problems...)
	}
	return multiorg.Spec{}, multiorg.NewValidationError(problems)
}

// unwrap strips secrets and known outputs, down to plain values.
func unwrap(v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsSecret():
		return unwrap(v.SecretValue().Element)
	case v.IsOutput():
		return unwrap(v.OutputValue().Element)
	case v.IsArray():
		items := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, item := range v.ArrayValue() {
			items[i] = unwrap(item)
		}
		return resource.NewProperty(items)
	case v.IsObject():
		fields := resource.PropertyMap{}
		for k, field := range v.ObjectValue() {
			fields[k] = unwrap(field)
		}
		return resource.NewProperty(fields)
	}
	return v
}

// firstUnknown finds a value not known yet (in a preview, another
// resource's output) and returns its path.
func firstUnknown(path string, v resource.PropertyValue) (string, bool) {
	switch {
	case v.IsComputed():
		return path, true
	case v.IsOutput():
		if !v.OutputValue().Known {
			return path, true
		}
		return firstUnknown(path, v.OutputValue().Element)
	case v.IsSecret():
		return firstUnknown(path, v.SecretValue().Element)
	case v.IsArray():
		for i, item := range v.ArrayValue() {
			if p, ok := firstUnknown(fmt.Sprintf("%s[%d]", path, i), item); ok {
				return p, true
			}
		}
	case v.IsObject():
		object := v.ObjectValue()
		for _, k := range slices.Sorted(maps.Keys(object)) {
			if p, ok := firstUnknown(path+"."+string(k), object[k]); ok {
				return p, true
			}
		}
	}
	return "", false
}
