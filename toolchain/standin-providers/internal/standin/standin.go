// Package standin holds what the two STAND-IN resource provider plugins share:
// the gRPC plumbing every provider needs, property helpers and error shapes.
//
// These plugins are NOT the real pulumi-docker and pulumi-command providers. They
// exist because the Go module proxy on the project's build machines refuses every
// version of the real providers' sources, while the real Pulumi engine must still
// run the program end to end. They implement only the resources and properties the
// ADE program uses (see README.md), with the real providers' observable behaviour.
package standin

import (
	"context"
	"encoding/json"
	"fmt"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Warning is printed to stderr when a stand-in starts, so that nobody mistakes it
// for the real provider in a log.
func Warning(name, version string) string {
	return fmt.Sprintf("[ade] WARNING: pulumi-resource-%s %s is the ADE project's STAND-IN provider "+
		"(toolchain/standin-providers), not the real one: it implements only what the ADE program uses.", name, version)
}

// Base answers the provider-level RPCs the same way for both stand-ins.
type Base struct {
	pulumirpc.UnimplementedResourceProviderServer
	Name    string
	Version string
}

func (b *Base) Handshake(context.Context, *pulumirpc.ProviderHandshakeRequest) (*pulumirpc.ProviderHandshakeResponse, error) {
	return &pulumirpc.ProviderHandshakeResponse{AcceptSecrets: true}, nil
}

func (b *Base) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: b.Version}, nil
}

func (b *Base) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	schema, err := json.Marshal(map[string]string{"name": b.Name, "version": b.Version})
	return &pulumirpc.GetSchemaResponse{Schema: string(schema)}, err
}

func (b *Base) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (b *Base) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

func (b *Base) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true}, nil
}

func (b *Base) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}
