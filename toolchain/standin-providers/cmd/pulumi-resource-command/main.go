// pulumi-resource-command STAND-IN: command:local:Command of @pulumi/command
// 1.2.1 (provider/pkg/provider/local of pulumi-command, served by
// pulumi-go-provider v1.3.0's infer package), only as far as the ADE program
// uses it. See ../../README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is the npm package's version, which the engine asks for; set with -ldflags -X.
var version = "1.2.1"

const commandType = "command:local:Command"

type commandProvider struct {
	standin.Base
	host *provider.HostClient
}

func main() {
	fmt.Fprintln(os.Stderr, standin.Warning("command", version))
	err := provider.Main("command", func(host *provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return &commandProvider{Base: standin.Base{Name: "command", Version: version}, host: host}, nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func checkType(urn string) error {
	if t := string(resource.URN(urn).Type()); t != commandType {
		return fmt.Errorf("the stand-in command provider implements only %s, not %s (see toolchain/standin-providers/README.md)", commandType, t)
	}
	return nil
}

// Check takes the inputs as they are: Command has no defaults.
func (p *commandProvider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	if err := checkType(req.GetUrn()); err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

// Diff compares the old inputs with the new ones. Every change is an update:
// the provider marks triggers replaceOnChanges, but compares it by element
// path ("triggers[0]"), so the replacement comes from the replaceOnChanges
// option the Node SDK adds to every Command, applied by the engine.
func (p *commandProvider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	m, err := standin.UnmarshalAll(req.GetOldInputs(), req.GetNews(), req.GetOlds())
	if err != nil {
		return nil, err
	}
	olds, news, state := m[0], m[1], m[2]
	for _, k := range req.GetIgnoreChanges() {
		if v, ok := state[resource.PropertyKey(k)]; ok {
			news[resource.PropertyKey(k)] = v
		}
	}
	for k := range news {
		if k == "version" || strings.HasPrefix(string(k), "__") {
			delete(news, k)
		}
	}
	diff := olds.Diff(news)
	resp := &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE, HasDetailedDiff: true, DetailedDiff: map[string]*pulumirpc.PropertyDiff{}}
	if !diff.AnyChanges() {
		return resp, nil
	}
	resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
	seen := map[string]bool{}
	for path, d := range plugin.NewDetailedDiffFromObjectDiff(diff, false) {
		resp.DetailedDiff[path] = &pulumirpc.PropertyDiff{Kind: pulumirpc.PropertyDiff_Kind(d.Kind)}
		if head := topLevel(path); !seen[head] {
			seen[head] = true
			resp.Diffs = append(resp.Diffs, head)
		}
	}
	return resp, nil
}

func topLevel(path string) string {
	if pp, err := resource.ParsePropertyPath(path); err == nil && len(pp) > 0 {
		if head, ok := pp[0].(string); ok {
			return head
		}
	}
	return path
}

// Create runs create (nothing in a preview, where stdout and stderr are unknown).
// The id is the resource's name with 8 random hex digits.
func (p *commandProvider) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	if err := checkType(req.GetUrn()); err != nil {
		return nil, err
	}
	news, err := standin.Unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	id, err := resource.NewUniqueHex(resource.URN(req.GetUrn()).Name(), 8, 0)
	if err != nil {
		return nil, err
	}
	out, err := p.outputs(ctx, req.GetUrn(), news, nil, "create", req.GetPreview())
	if err != nil {
		return nil, err
	}
	props, err := standin.Marshal(out)
	if req.GetPreview() {
		id = ""
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, err
}

// Update runs update (create when there is none), with the previous stdout and
// stderr in its environment; in a preview stdout and stderr become unknown.
func (p *commandProvider) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	m, err := standin.UnmarshalAll(req.GetOlds(), req.GetNews())
	if err != nil {
		return nil, err
	}
	olds, news := m[0], m[1]
	which := "update"
	if news["update"].IsNull() {
		which = "create"
	}
	out, err := p.outputs(ctx, req.GetUrn(), news, olds, which, req.GetPreview())
	if err != nil {
		return nil, err
	}
	props, err := standin.Marshal(out)
	return &pulumirpc.UpdateResponse{Properties: props}, err
}

// Read returns the state as it is: a local command has nothing to look at.
func (p *commandProvider) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

// Delete runs delete, when there is one, with the last stdout and stderr in its environment.
func (p *commandProvider) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	state, err := standin.Unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	if !state["delete"].IsNull() {
		if _, _, err := p.run(ctx, req.GetUrn(), state, state, "delete"); err != nil {
			return nil, err
		}
	}
	return &emptypb.Empty{}, nil
}

// outputs are the inputs plus stdout and stderr: those of the command run now,
// unknown in a preview, the previous ones when there is no command to run.
func (p *commandProvider) outputs(ctx context.Context, urn string, news, olds resource.PropertyMap, which string, preview bool) (resource.PropertyMap, error) {
	out := standin.Copy(news)
	for _, k := range []resource.PropertyKey{"stdout", "stderr"} {
		out[k] = resource.NewStringProperty("")
		if v, ok := olds[k]; ok {
			out[k] = v
		}
		if preview {
			out[k] = resource.MakeComputed(resource.NewStringProperty(""))
		}
	}
	if preview || news[resource.PropertyKey(which)].IsNull() {
		return out, nil
	}
	stdout, stderr, err := p.run(ctx, urn, news, olds, which)
	if err != nil {
		return nil, err
	}
	out["stdout"], out["stderr"] = resource.NewStringProperty(stdout), resource.NewStringProperty(stderr)
	return out, nil
}
