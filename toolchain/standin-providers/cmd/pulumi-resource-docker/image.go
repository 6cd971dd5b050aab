package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strings"

	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// imageResource is docker.Image of pulumi-docker 5.0.0, its own native resource
// (provider/provider.go and provider/image.go), not a Terraform one: every
// change is an in-place update that builds again, Read and Delete do nothing
// (the image stays in Docker), and the state keeps the inputs in __inputs.
// Only local builds (skipPush) are made; a push fails naming this directory.
type imageResource struct{}

// Check adds buildOnPreview, the build's context and dockerfile defaults, the
// host platform when none is given and build.contextDigest, and refuses a
// Dockerfile that does not exist with the provider's own messages.
func (imageResource) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	inputs, err := standin.Unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	buildOnPreview := inputs["buildOnPreview"]
	inputs["buildOnPreview"] = resource.NewBoolProperty(buildOnPreview.IsBool() && buildOnPreview.BoolValue())
	if inputs["build"].IsNull() {
		inputs["build"] = resource.NewObjectProperty(resource.PropertyMap{})
	}
	if inputs["build"].IsObject() {
		build := inputs["build"].ObjectValue()
		contextDir, dockerfile := ".", ""
		if c := build["context"]; c.IsString() {
			contextDir = c.StringValue()
		}
		if !build["context"].ContainsUnknowns() {
			build["context"] = resource.NewStringProperty(contextDir)
		}
		if f := build["dockerfile"]; !f.ContainsUnknowns() {
			dockerfile = path.Join(contextDir, "Dockerfile")
			if f.IsString() {
				dockerfile = f.StringValue()
			}
			build["dockerfile"] = resource.NewStringProperty(dockerfile)
			if err := checkDockerfile(contextDir, dockerfile); err != nil {
				return nil, err
			}
			digest, err := contextDigest(contextDir, dockerfile)
			if err != nil {
				return nil, err
			}
			build["contextDigest"] = resource.NewStringProperty(digest)
		}
		if build["platform"].IsNull() {
			build["platform"] = resource.NewStringProperty("linux/" + runtime.GOARCH)
		}
	}
	out, err := standin.Marshal(inputs)
	return &pulumirpc.CheckResponse{Inputs: out}, err
}

func checkDockerfile(contextDir, dockerfile string) error {
	_, statErr := os.Stat(dockerfile)
	if statErr == nil {
		return nil
	}
	if filepath.IsAbs(dockerfile) {
		return fmt.Errorf("expected a relative Dockerfile path; got %q instead: %v", dockerfile, statErr)
	}
	relPath := filepath.Join(contextDir, dockerfile)
	if _, err := os.Stat(relPath); err != nil {
		return fmt.Errorf("could not open dockerfile at relative path %q: %v", dockerfile, statErr)
	}
	return fmt.Errorf("could not open dockerfile at relative path %q. Try setting `dockerfile` to %q", dockerfile, relPath)
}

// Diff compares the inputs kept in the state with the new ones: any change is an
// update (registry credentials alone are none).
func (imageResource) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	// As the real provider does, secrets are compared as plain values.
	plain := plugin.MarshalOptions{KeepUnknowns: true, SkipNulls: true}
	state, err := plugin.UnmarshalProperties(req.GetOlds(), plain)
	if err != nil {
		return nil, err
	}
	news, err := plugin.UnmarshalProperties(req.GetNews(), plain)
	if err != nil {
		return nil, err
	}
	var olds resource.PropertyMap
	if in := state["__inputs"]; in.IsObject() {
		olds = in.ObjectValue()
	}
	diff := map[string]*pulumirpc.PropertyDiff{}
	if d := olds.Diff(news); d != nil {
		for k := range d.Adds {
			diff[string(k)] = &pulumirpc.PropertyDiff{Kind: pulumirpc.PropertyDiff_ADD}
		}
		for k := range d.Deletes {
			diff[string(k)] = &pulumirpc.PropertyDiff{Kind: pulumirpc.PropertyDiff_DELETE}
		}
		for k, u := range d.Updates {
			if k == "registry" && u.Object != nil {
				if _, server := u.Object.Updates["server"]; !server {
					continue // credentials alone do not rebuild
				}
			}
			diff[string(k)] = &pulumirpc.PropertyDiff{Kind: pulumirpc.PropertyDiff_UPDATE}
		}
	}
	if len(diff) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME, DetailedDiff: diff, HasDetailedDiff: true}, nil
}

func (imageResource) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	id, props, err := build(ctx, req.GetProperties(), req.GetPreview())
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, nil
}

func (imageResource) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	_, props, err := build(ctx, req.GetNews(), req.GetPreview())
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: props}, nil
}

// Read returns the state as it is: the real provider reconciles nothing.
func (imageResource) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

// Delete leaves the image in Docker, as the real provider does.
func (imageResource) Delete(context.Context, *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

type imageInputs struct {
	ImageName      string
	SkipPush       bool
	BuildOnPreview bool
	Build          struct {
		Context, Dockerfile, BuilderVersion, Target, Platform, Network string
		Args                                                           map[string]string
		AddHosts                                                       []string
	}
}

// build runs docker build (the classic builder for BuilderV1, else BuildKit)
// and answers with the provider's outputs; its id is the image name. In a
// preview without buildOnPreview it builds nothing and answers with the inputs.
func build(ctx context.Context, props *structpb.Struct, preview bool) (string, *structpb.Struct, error) {
	inputs, err := standin.Unmarshal(props)
	if err != nil {
		return "", nil, err
	}
	var in imageInputs
	if err := standin.Decode(inputs, &in); err != nil {
		return "", nil, err
	}
	if preview && !in.BuildOnPreview {
		return "", props, nil
	}
	if !in.SkipPush {
		return "", nil, fmt.Errorf("docker.Image %s: the stand-in provider builds local images only (skipPush: true); it cannot push (see toolchain/standin-providers/README.md)", in.ImageName)
	}
	b := in.Build
	args := []string{"build", "-t", in.ImageName, "-f", b.Dockerfile}
	for _, k := range sortedKeys(b.Args) {
		args = append(args, "--build-arg", k+"="+b.Args[k])
	}
	for flag, value := range map[string]string{"--target": b.Target, "--platform": b.Platform, "--network": b.Network} {
		if value != "" {
			args = append(args, flag, value)
		}
	}
	for _, h := range b.AddHosts {
		args = append(args, "--add-host", h)
	}
	builder := map[bool]string{true: "DOCKER_BUILDKIT=0", false: "DOCKER_BUILDKIT=1"}[b.BuilderVersion == "BuilderV1"]
	cmd := exec.CommandContext(ctx, "docker", append(args, b.Context)...)
	cmd.Env = append(os.Environ(), builder)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", nil, fmt.Errorf("error building image: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	var image struct {
		ID string `json:"Id"`
	}
	if err := daemon.Do(ctx, "GET", "/images/"+in.ImageName+"/json", nil, nil, &image); err != nil {
		return "", nil, err
	}
	outputs := resource.PropertyMap{
		"dockerfile": resource.NewStringProperty(relativeDockerfile(b.Context, b.Dockerfile)), "context": resource.NewStringProperty(b.Context),
		"baseImageName": resource.NewStringProperty(in.ImageName), "registryServer": resource.NewStringProperty(""),
		"imageName": resource.NewStringProperty(in.ImageName), "platform": resource.NewStringProperty(b.Platform),
		"repoDigest": resource.NewStringProperty(image.ID),
		"__inputs":   resource.MakeSecret(resource.NewPropertyValue(standin.Plain(resource.NewObjectProperty(inputs)))),
	}
	out, err := standin.Marshal(outputs)
	return in.ImageName, out, err
}
