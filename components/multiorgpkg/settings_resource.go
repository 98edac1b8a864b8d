package multiorgpkg

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/atlas-multiorg/atlas-multiorg/components/orgsettings"
)

// The plugin's custom resource, OrganizationSettings (components/orgsettings):
// the engine's calls, each of which decodes the properties, keeping secrets
// and unknowns as they are, and encodes the answer the same way. The
// credential comes in as a secret input and is never among the outputs.

// keep keeps secrets, unknowns and outputs as the engine sent them.
var keep = plugin.MarshalOptions{KeepSecrets: true, KeepUnknowns: true, KeepOutputValues: true}

// settingsResource refuses a URN of any other custom resource.
func settingsResource(urn string) error {
	if t := resource.URN(urn).Type(); string(t) != orgsettings.Type {
		return status.Errorf(codes.NotFound, "unknown resource type %q; this package's custom resource is %s", t, orgsettings.Type)
	}
	return nil
}

func decodeProperties(props *structpb.Struct, what string) (resource.PropertyMap, error) {
	m, err := plugin.UnmarshalProperties(props, keep)
	if err != nil {
		return nil, fmt.Errorf("reading the %s of %s: %w", what, orgsettings.Type, err)
	}
	return m, nil
}

// decodeCall checks a call's URN and decodes its state (olds) and inputs
// (news), either of which may be absent from the call.
func decodeCall(urn string, olds, news *structpb.Struct) (resource.PropertyMap, resource.PropertyMap, error) {
	if err := settingsResource(urn); err != nil {
		return nil, nil, err
	}
	state, err := decodeProperties(olds, "state")
	if err != nil {
		return nil, nil, err
	}
	inputs, err := decodeProperties(news, "inputs")
	return state, inputs, err
}

func encodeProperties(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, keep)
}

func (s *server) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	_, news, err := decodeCall(req.GetUrn(), nil, req.GetNews())
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.CheckResponse{Inputs: req.GetNews()}
	for _, f := range orgsettings.Check(news) {
		resp.Failures = append(resp.Failures, &pulumirpc.CheckFailure{Property: f.Property, Reason: f.Reason})
	}
	return resp, nil
}

func (s *server) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, news, err := decodeCall(req.GetUrn(), req.GetOlds(), req.GetNews())
	if err != nil {
		return nil, err
	}
	found := orgsettings.Diff(olds, news)
	resp := &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE, HasDetailedDiff: true, DetailedDiff: map[string]*pulumirpc.PropertyDiff{}}
	if len(found.Changed) > 0 {
		resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	resp.Diffs = found.Changed
	for _, name := range found.Changed {
		kind := pulumirpc.PropertyDiff_UPDATE
		if name == orgsettings.OrgID && found.Replace {
			kind = pulumirpc.PropertyDiff_UPDATE_REPLACE
			resp.Replaces = append(resp.Replaces, name)
		}
		resp.DetailedDiff[name] = &pulumirpc.PropertyDiff{Kind: kind, InputDiff: true}
	}
	return resp, nil
}

func (s *server) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	_, news, err := decodeCall(req.GetUrn(), nil, req.GetProperties())
	if err != nil {
		return nil, err
	}
	if req.GetPreview() {
		outs, err := encodeProperties(orgsettings.Preview(news))
		return &pulumirpc.CreateResponse{Properties: outs}, err
	}
	id, outputs, err := orgsettings.Create(ctx, news)
	if err != nil {
		return nil, err
	}
	outs, err := encodeProperties(outputs)
	return &pulumirpc.CreateResponse{Id: id, Properties: outs}, err
}

func (s *server) Read(ctx context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	olds, inputs, err := decodeCall(req.GetUrn(), req.GetProperties(), req.GetInputs())
	if err != nil {
		return nil, err
	}
	newInputs, outputs, err := orgsettings.Read(ctx, req.GetId(), inputs, olds)
	if err != nil || outputs == nil {
		return &pulumirpc.ReadResponse{}, err // no ID: Atlas no longer has the organization
	}
	ins, err := encodeProperties(newInputs)
	if err != nil {
		return nil, err
	}
	outs, err := encodeProperties(outputs)
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: outs, Inputs: ins}, err
}

func (s *server) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	olds, news, err := decodeCall(req.GetUrn(), req.GetOlds(), req.GetNews())
	if err != nil {
		return nil, err
	}
	if req.GetPreview() {
		outs, err := encodeProperties(orgsettings.Preview(news))
		return &pulumirpc.UpdateResponse{Properties: outs}, err
	}
	outputs, err := orgsettings.Update(ctx, olds, news)
	if err != nil {
		return nil, err
	}
	outs, err := encodeProperties(outputs)
	return &pulumirpc.UpdateResponse{Properties: outs}, err
}

func (s *server) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	olds, oldInputs, err := decodeCall(req.GetUrn(), req.GetProperties(), req.GetOldInputs())
	if err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, orgsettings.Delete(ctx, oldInputs, olds)
}
