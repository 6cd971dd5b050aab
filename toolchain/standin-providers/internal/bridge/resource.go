package bridge

import (
	"context"
	"fmt"
	"strings"

	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Resource is one Terraform resource served through the bridge: its schema
// and the functions that do its work against the real system. Each function
// returns plain error messages (Terraform diagnostics); the bridge wraps them.
type Resource struct {
	Schema Schema
	// Meta is the state's __meta payload (schema version and timeouts).
	Meta string
	// DeleteBeforeReplace is the provider's own setting for the type.
	DeleteBeforeReplace bool
	// Validate returns the schema's validation failures for the inputs, each a
	// Terraform diagnostic's summary and the property it is about.
	Validate func(inputs resource.PropertyMap) []Failure
	// Make creates the object from the planned inputs and returns its id and the
	// state its Read saw. An id with an error is a partly made object: it stays in
	// the state (with the planned values) and the error is reported.
	Make func(ctx context.Context, planned resource.PropertyMap) (string, resource.PropertyMap, error)
	// Inspect returns the state with what the object reports, or nil when it is gone.
	Inspect func(ctx context.Context, id string, state resource.PropertyMap) (resource.PropertyMap, error)
	// Change applies the planned state in place and returns the state its Read
	// saw, or nil to keep the planned one; nil when every change replaces.
	Change func(ctx context.Context, id string, state, planned resource.PropertyMap) (resource.PropertyMap, error)
	Remove func(ctx context.Context, id string, state resource.PropertyMap) error
}

// Failure is one validation failure: a Terraform diagnostic's summary and the property it is about.
type Failure struct {
	Property, Summary string
}

// Check adds the schema's defaults and reports validation failures as the
// bridge does: "<summary>. Examine values at '<name>.<property>'.".
func (r *Resource) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	news, err := standin.Unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	r.Schema.ApplyDefaults(news)
	var failures []*pulumirpc.CheckFailure
	if r.Validate != nil {
		for _, f := range r.Validate(news) {
			reason := fmt.Sprintf("%s. Examine values at '%s.%s'.", f.Summary, resource.URN(req.GetUrn()).Name(), f.Property)
			failures = append(failures, &pulumirpc.CheckFailure{Reason: reason})
		}
	}
	inputs, err := standin.Marshal(news)
	return &pulumirpc.CheckResponse{Inputs: inputs, Failures: failures}, err
}

// Diff compares the stored state (not the old inputs) with the new inputs.
func (r *Resource) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	m, err := standin.UnmarshalAll(req.GetOlds(), req.GetNews())
	if err != nil {
		return nil, err
	}
	return r.Schema.Diff(m[0], m[1], req.GetIgnoreChanges(), r.DeleteBeforeReplace), nil
}

func (r *Resource) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	news, err := standin.Unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	planned := r.Schema.Planned(nil, news, nil, req.GetPreview())
	if req.GetPreview() {
		props, err := standin.Marshal(planned)
		return &pulumirpc.CreateResponse{Properties: props}, err
	}
	id, state, err := r.Make(ctx, planned)
	if err != nil {
		if id == "" {
			return nil, standin.TFErrors(err.Error())
		}
		partial := r.withMeta(planned)
		return nil, standin.InitError(id, partial, fmt.Sprintf("creating %s: %v", req.GetUrn(), standin.TFErrors(err.Error())))
	}
	NullEmpties(state, planned)
	props, err := standin.Marshal(r.withMeta(state))
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, err
}

func (r *Resource) Read(ctx context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	state, err := standin.Unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	read, err := r.Inspect(ctx, req.GetId(), r.Schema.complete(state))
	if err != nil {
		return nil, fmt.Errorf("refreshing %s: %w", req.GetUrn(), standin.TFErrors(err.Error()))
	}
	if read == nil {
		return &pulumirpc.ReadResponse{}, nil
	}
	oldInputs, err := standin.Unmarshal(req.GetInputs())
	if err != nil {
		return nil, err
	}
	props, err := standin.Marshal(r.withMeta(read))
	if err != nil {
		return nil, err
	}
	inputs, err := standin.Marshal(RefreshInputs(oldInputs, read))
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: props, Inputs: inputs}, err
}

// Update keeps the planned state; the resource's Change does what Terraform's Update does.
func (r *Resource) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	m, err := standin.UnmarshalAll(req.GetOlds(), req.GetNews())
	if err != nil {
		return nil, err
	}
	state, news := m[0], m[1]
	planned := r.Schema.Planned(state, news, req.GetIgnoreChanges(), req.GetPreview())
	if !req.GetPreview() && r.Change != nil {
		read, err := r.Change(ctx, req.GetId(), r.Schema.complete(state), planned)
		if err != nil {
			reason := fmt.Sprintf("updating %s: %v", req.GetUrn(), standin.TFErrors(err.Error()))
			return nil, standin.InitError(req.GetId(), r.withMeta(planned), reason)
		}
		if read != nil {
			planned = read
		}
	}
	props, err := standin.Marshal(r.withMeta(planned))
	return &pulumirpc.UpdateResponse{Properties: props}, err
}

func (r *Resource) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	state, err := standin.Unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	if err := r.Remove(ctx, req.GetId(), r.Schema.complete(state)); err != nil {
		return nil, fmt.Errorf("deleting %s: %w", req.GetUrn(), standin.TFErrors(err.Error()))
	}
	return &emptypb.Empty{}, nil
}

func (r *Resource) withMeta(m resource.PropertyMap) resource.PropertyMap {
	out := standin.Copy(m)
	if r.Meta != "" {
		out["__meta"] = resource.NewStringProperty(r.Meta)
	}
	return out
}

// complete gives every attribute a value (null when absent) and drops the
// bridge's reserved keys, so a resource's functions see the whole state.
func (s Schema) complete(state resource.PropertyMap) resource.PropertyMap {
	out := resource.PropertyMap{}
	for _, k := range s.Keys() {
		out[resource.PropertyKey(k)] = resource.NewNullProperty()
	}
	for k, v := range state {
		if !strings.HasPrefix(string(k), "__") {
			out[k] = v
		}
	}
	return out
}
