// pulumi-resource-docker STAND-IN: what the ADE program uses of @pulumi/docker
// 5.0.0 (Network, Volume, Container, RemoteImage, Service, Secret,
// ServiceConfig and two invokes as its Terraform bridge serves them; Image as
// its native Go resource), driving the Docker Engine API. See ../../README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	"ade-platform/standin-providers/internal/engine"
	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is the npm package's version, which the engine asks for; set with -ldflags -X.
var version = "5.0.0"

// daemon is the Docker Engine the provider drives: the provider's host
// (configure), else DOCKER_HOST, else the local socket. Each provider instance
// is a process of its own, so one daemon per process.
var daemon = engine.New()

// providerSettings is the provider's configuration, for the resources that need
// more of it than the daemon (a service's registry credentials).
var providerSettings providerConfig

// handler serves one resource type.
type handler interface {
	Check(context.Context, *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error)
	Diff(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error)
	Create(context.Context, *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error)
	Read(context.Context, *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error)
	Update(context.Context, *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error)
	Delete(context.Context, *pulumirpc.DeleteRequest) (*emptypb.Empty, error)
}

var handlers = map[string]handler{
	"docker:index/network:Network":             networkResource,
	"docker:index/volume:Volume":               volumeResource,
	"docker:index/container:Container":         containerResource,
	"docker:index/remoteImage:RemoteImage":     remoteImageResource,
	"docker:index/image:Image":                 imageResource{},
	"docker:index/service:Service":             serviceResource,
	"docker:index/secret:Secret":               secretResource,
	"docker:index/serviceConfig:ServiceConfig": serviceConfigResource,
}

// invokes are the data sources, each taking its arguments and the provider's configuration.
var invokes = map[string]func(context.Context, resource.PropertyMap, providerConfig) (resource.PropertyMap, error){
	"docker:index/getRemoteImage:getRemoteImage":     getRemoteImage,
	"docker:index/getRegistryImage:getRegistryImage": getRegistryImage,
}

type dockerProvider struct {
	standin.Base
	config providerConfig
}

func main() {
	fmt.Fprintln(os.Stderr, standin.Warning("docker", version))
	err := provider.Main("docker", func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return &dockerProvider{Base: standin.Base{Name: "docker", Version: version}}, nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func (p *dockerProvider) Configure(ctx context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	config, err := readProviderConfig(req.GetVariables())
	if err != nil {
		return nil, err
	}
	p.config, providerSettings = config, config
	if daemon, err = engine.NewHost(config.host); err != nil {
		return nil, err
	}
	return p.Base.Configure(ctx, req)
}

func handlerOf(urn string) (handler, error) {
	t := string(resource.URN(urn).Type())
	if h, ok := handlers[t]; ok {
		return h, nil
	}
	return nil, fmt.Errorf("the stand-in docker provider implements only %s, not %s (see toolchain/standin-providers/README.md)", known(handlers), t)
}

func known[T any](m map[string]T) string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k[strings.LastIndex(k, ":")+1:])
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// route serves one RPC with the handler of the request's resource type.
func route[Req interface{ GetUrn() string }, Resp any](ctx context.Context, req Req, op func(handler, context.Context, Req) (Resp, error)) (Resp, error) {
	h, err := handlerOf(req.GetUrn())
	if err != nil {
		var none Resp
		return none, err
	}
	return op(h, ctx, req)
}

// The resource RPCs, each served by the handler of the request's type.
func (p *dockerProvider) Check(ctx context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return route(ctx, req, handler.Check)
}
func (p *dockerProvider) Diff(ctx context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return route(ctx, req, handler.Diff)
}
func (p *dockerProvider) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	return route(ctx, req, handler.Create)
}
func (p *dockerProvider) Read(ctx context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	return route(ctx, req, handler.Read)
}
func (p *dockerProvider) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	return route(ctx, req, handler.Update)
}
func (p *dockerProvider) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	return route(ctx, req, handler.Delete)
}

// Invoke runs a data source and answers as the bridge does: its error wrapped
// as "invoking <token>: ...".
func (p *dockerProvider) Invoke(ctx context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	fn, ok := invokes[req.GetTok()]
	if !ok {
		return nil, fmt.Errorf("the stand-in docker provider implements only the invokes %s, not %s (see toolchain/standin-providers/README.md)", known(invokes), req.GetTok())
	}
	args, err := standin.Unmarshal(req.GetArgs())
	if err != nil {
		return nil, err
	}
	out, err := fn(ctx, args, p.config)
	if err != nil {
		return nil, fmt.Errorf("invoking %s: %w", req.GetTok(), standin.TFErrors(err.Error()))
	}
	ret, err := standin.Marshal(out)
	return &pulumirpc.InvokeResponse{Return: ret}, err
}
