package atlasmock

import (
	"context"
	"net"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Engine serves a MockResourceMonitor over gRPC, as the Pulumi engine's
// resource monitor and engine services, so that a component provider's
// Construct can be driven in-process through its real RPC surface.
type Engine struct {
	pulumirpc.UnimplementedResourceMonitorServer
	// Addr is the address to hand to a ConstructRequest as its monitor
	// endpoint.
	Addr    string
	mocks   pulumi.MockResourceMonitor
	project string
	stack   string

	mu      sync.Mutex
	outputs map[string]resource.PropertyMap
	logs    []string
	engine  engineService
}

type engineService struct {
	pulumirpc.UnimplementedEngineServer
	e *Engine
}

// RequirePulumiVersion answers as a new enough engine does: every range
// is met.
func (s *engineService) RequirePulumiVersion(context.Context, *pulumirpc.RequirePulumiVersionRequest) (*pulumirpc.RequirePulumiVersionResponse, error) {
	return &pulumirpc.RequirePulumiVersionResponse{}, nil
}

// ServeEngine starts an Engine for project and stack on a loopback port;
// it stops when the test ends.
func ServeEngine(t testing.TB, mocks pulumi.MockResourceMonitor, project, stack string) *Engine {
	t.Helper()
	listener, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := &Engine{Addr: listener.Addr().String(), mocks: mocks, project: project, stack: stack, outputs: map[string]resource.PropertyMap{}}
	e.engine.e = e
	server := grpc.NewServer()
	pulumirpc.RegisterResourceMonitorServer(server, e)
	pulumirpc.RegisterEngineServer(server, &e.engine)
	go func() { _ = server.Serve(listener) }()
	t.Cleanup(server.Stop)
	return e
}

// Conn dials the engine service, as a provider's host connection.
func (e *Engine) Conn(t testing.TB) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(e.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// Outputs are the outputs each component registered, by URN, secrets kept.
func (e *Engine) Outputs(urn string) resource.PropertyMap {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.outputs[urn]
}

// Logs are the messages logged through the engine, in order.
func (e *Engine) Logs() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.logs...)
}

func (e *Engine) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(e.stack), tokens.PackageName(e.project), parentType, tokens.Type(typ), name))
}

var keep = plugin.MarshalOptions{KeepSecrets: true, KeepResources: true}

// SupportsFeature says yes to every feature but output values.
func (e *Engine) SupportsFeature(_ context.Context, req *pulumirpc.SupportsFeatureRequest) (*pulumirpc.SupportsFeatureResponse, error) {
	// Like the SDK's own mocks: no output values, so inputs arrive plain.
	return &pulumirpc.SupportsFeatureResponse{HasSupport: req.GetId() != "outputValues"}, nil
}

// RegisterResource answers a custom resource with the mocks' ID and state,
// and a component with its URN alone.
func (e *Engine) RegisterResource(_ context.Context, req *pulumirpc.RegisterResourceRequest) (*pulumirpc.RegisterResourceResponse, error) {
	urn := e.urn(req.GetParent(), req.GetType(), req.GetName())
	if !req.GetCustom() {
		return &pulumirpc.RegisterResourceResponse{Urn: urn}, nil
	}
	inputs, err := plugin.UnmarshalProperties(req.GetObject(), keep)
	if err != nil {
		return nil, err
	}
	id, state, err := e.mocks.NewResource(pulumi.MockResourceArgs{
		TypeToken: req.GetType(), Name: req.GetName(), Inputs: inputs, Provider: req.GetProvider(),
		ID: req.GetImportId(), Custom: true, RegisterRPC: req,
	})
	if err != nil {
		return nil, err
	}
	object, err := plugin.MarshalProperties(state, keep)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.RegisterResourceResponse{Urn: urn, Id: id, Object: object}, nil
}

// RegisterResourceOutputs records a component's outputs (see Outputs).
func (e *Engine) RegisterResourceOutputs(_ context.Context, req *pulumirpc.RegisterResourceOutputsRequest) (*emptypb.Empty, error) {
	outputs, err := plugin.UnmarshalProperties(req.GetOutputs(), keep)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	e.outputs[req.GetUrn()] = outputs
	e.mu.Unlock()
	return &emptypb.Empty{}, nil
}

// Invoke answers through the mocks' Call.
func (e *Engine) Invoke(_ context.Context, req *pulumirpc.ResourceInvokeRequest) (*pulumirpc.ResourceInvokeResponse, error) {
	args, err := plugin.UnmarshalProperties(req.GetArgs(), keep)
	if err != nil {
		return nil, err
	}
	result, err := e.mocks.Call(pulumi.MockCallArgs{Token: req.GetTok(), Args: args, Provider: req.GetProvider()})
	if err != nil {
		return nil, err
	}
	ret, err := plugin.MarshalProperties(result, keep)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ResourceInvokeResponse{Return: ret}, nil
}

// RegisterResourceHook accepts a hook and never calls it.
func (e *Engine) RegisterResourceHook(context.Context, *pulumirpc.RegisterResourceHookRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (s *engineService) Log(_ context.Context, req *pulumirpc.LogRequest) (*emptypb.Empty, error) {
	s.e.mu.Lock()
	s.e.logs = append(s.e.logs, req.GetMessage())
	s.e.mu.Unlock()
	return &emptypb.Empty{}, nil
}

func (s *engineService) GetRootResource(context.Context, *pulumirpc.GetRootResourceRequest) (*pulumirpc.GetRootResourceResponse, error) {
	return &pulumirpc.GetRootResourceResponse{}, nil
}

func (s *engineService) SetRootResource(context.Context, *pulumirpc.SetRootResourceRequest) (*pulumirpc.SetRootResourceResponse, error) {
	return &pulumirpc.SetRootResourceResponse{}, nil
}
