// pulumi-resource-docker STAND-IN: Network, Volume, Image and Container of
// @pulumi/docker 5.0.0, only as far as the ADE program uses them, done with the
// docker CLI. See ../../README.md.
package main

import (
	"context"
	"fmt"
	"os"

	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is the npm package's version, which the engine asks for; set with -ldflags -X.
var version = "5.0.0"

// kind is one resource type: how it is checked, diffed, created and deleted.
type kind interface {
	// check may add derived inputs (the image's context hash) to news.
	check(news resource.PropertyMap) error
	diff(olds, news resource.PropertyMap, ignore []string) *pulumirpc.DiffResponse
	// create returns the id and the outputs; in a preview it runs nothing.
	create(ctx context.Context, news resource.PropertyMap, preview bool) (string, resource.PropertyMap, error)
	// exists tells whether the object with this id is still there, for refresh.
	exists(ctx context.Context, id string) (bool, error)
	delete(ctx context.Context, id string, olds resource.PropertyMap) error
	// outputOnly names the outputs that are not inputs.
	outputOnly() []string
}

var kinds = map[string]kind{
	"docker:index/network:Network":     network{},
	"docker:index/volume:Volume":       volume{},
	"docker:index/image:Image":         image{},
	"docker:index/container:Container": container{},
}

type dockerProvider struct{ standin.Base }

func main() {
	fmt.Fprintln(os.Stderr, standin.Warning("docker", version))
	err := provider.Main("docker", func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return &dockerProvider{standin.Base{Name: "docker", Version: version}}, nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func kindOf(t string) (kind, error) {
	if k, ok := kinds[t]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("the stand-in docker provider implements only Network, Volume, Image and Container, not %s (see toolchain/standin-providers/README.md)", t)
}

func (p *dockerProvider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	k, err := kindOf(req.GetType())
	if err != nil {
		return nil, err
	}
	news, err := standin.Unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	if err := k.check(news); err != nil {
		return nil, err
	}
	inputs, err := standin.Marshal(news)
	return &pulumirpc.CheckResponse{Inputs: inputs}, err
}

func (p *dockerProvider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	k, err := kindOf(req.GetType())
	if err != nil {
		return nil, err
	}
	olds, err := standin.OldInputs(req.GetOldInputs(), req.GetOlds(), k.outputOnly()...)
	if err != nil {
		return nil, err
	}
	news, err := standin.Unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	return k.diff(olds, news, req.GetIgnoreChanges()), nil
}

func (p *dockerProvider) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	k, err := kindOf(req.GetType())
	if err != nil {
		return nil, err
	}
	news, err := standin.Unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	id, outs, err := k.create(ctx, news, req.GetPreview())
	if err != nil {
		return nil, err
	}
	props, err := standin.Marshal(outs)
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, err
}

// Update is never needed for a change (every kind replaces on any change), but
// the engine also calls it when only ignored or derived inputs moved: keep the object.
func (p *dockerProvider) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	k, err := kindOf(req.GetType())
	if err != nil {
		return nil, err
	}
	olds, err := standin.Unmarshal(req.GetOlds())
	if err != nil {
		return nil, err
	}
	news, err := standin.Unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	outs := standin.Copy(news)
	for _, key := range k.outputOnly() {
		if v, ok := olds[resource.PropertyKey(key)]; ok {
			outs[resource.PropertyKey(key)] = v
		}
	}
	props, err := standin.Marshal(outs)
	return &pulumirpc.UpdateResponse{Properties: props}, err
}

func (p *dockerProvider) Read(ctx context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	k, err := kindOf(req.GetType())
	if err != nil {
		return nil, err
	}
	ok, err := k.exists(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	if !ok {
		return &pulumirpc.ReadResponse{}, nil
	}
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

func (p *dockerProvider) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	k, err := kindOf(req.GetType())
	if err != nil {
		return nil, err
	}
	olds, err := standin.Unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, k.delete(ctx, req.GetId(), olds)
}

// inspectExists runs docker <object> inspect on id: false when Docker has no such object.
func inspectExists(ctx context.Context, object, id string) (bool, error) {
	if id == "" {
		return false, nil
	}
	if _, err := standin.Docker(ctx, nil, object, "inspect", "--format", "{{.Name}}", id); err != nil {
		if standin.IsNotFound(err) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// removeIgnoringMissing runs a docker removal, treating "already gone" as done.
func removeIgnoringMissing(ctx context.Context, args ...string) error {
	if _, err := standin.Docker(ctx, nil, args...); err != nil && !standin.IsNotFound(err) {
		return err
	}
	return nil
}

// labelArgs turns [{label, value}] into --label flags.
func labelArgs(labels labelList) []string {
	var args []string
	for _, l := range labels {
		args = append(args, "--label", l.Label+"="+l.Value)
	}
	return args
}

// outputsWithName returns the inputs plus the name Docker knows the object by.
func outputsWithName(news resource.PropertyMap, name string) resource.PropertyMap {
	outs := standin.Copy(news)
	outs["name"] = resource.NewStringProperty(name)
	return outs
}
