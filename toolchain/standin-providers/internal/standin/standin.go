// Package standin holds what the two STAND-IN resource provider plugins share:
// the gRPC plumbing every provider needs, property helpers and a docker CLI runner.
//
// These plugins are NOT the real pulumi-docker and pulumi-command providers. They
// exist because the Go module proxy on the project's build machines refuses every
// version of the real providers' sources, while the real Pulumi engine must still
// run the program end to end. They implement only the resources and properties the
// ADE program uses (see README.md), by driving the docker CLI and /bin/sh.
package standin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
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

// Secrets and unknowns travel both ways wrapped, so the engine keeps encrypting
// what the program marked secret.
var opts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, SkipNulls: true}

// Unmarshal reads a property struct, keeping secrets and unknowns.
func Unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	if s == nil {
		return resource.PropertyMap{}, nil
	}
	return plugin.UnmarshalProperties(s, opts)
}

// Marshal writes a property map, keeping secrets and unknowns.
func Marshal(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, opts)
}

// Plain is the value without secret or output wrappers, as JSON-like Go values;
// unknowns become nil. Only for building commands: never log what it returns.
func Plain(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return Plain(v.SecretValue().Element)
	case v.IsOutput():
		if !v.OutputValue().Known {
			return nil
		}
		return Plain(v.OutputValue().Element)
	case v.IsComputed(), v.IsNull():
		return nil
	case v.IsArray():
		out := []any{}
		for _, e := range v.ArrayValue() {
			out = append(out, Plain(e))
		}
		return out
	case v.IsObject():
		out := map[string]any{}
		for k, e := range v.ObjectValue() {
			out[string(k)] = Plain(e)
		}
		return out
	default:
		return v.V
	}
}

// Decode fills the struct at target from the plain form of m (JSON field names
// are the properties' camelCase names).
func Decode(m resource.PropertyMap, target any) error {
	raw, err := json.Marshal(Plain(resource.NewObjectProperty(m)))
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, target)
}

// ChangedKeys lists the top-level properties whose values differ between olds and
// news, comparing values without their secret wrappers (a value that only became
// secret is no change). An unknown new value always counts as a change.
func ChangedKeys(olds, news resource.PropertyMap, ignore []string) []string {
	ignored := map[string]bool{}
	for _, k := range ignore {
		ignored[k] = true
	}
	keys := map[resource.PropertyKey]bool{}
	for k := range olds {
		keys[k] = true
	}
	for k := range news {
		keys[k] = true
	}
	var changed []string
	for k := range keys {
		if ignored[string(k)] || strings.HasPrefix(string(k), "__") {
			continue
		}
		o, n := olds[k], news[k]
		if n.ContainsUnknowns() {
			changed = append(changed, string(k))
			continue
		}
		ob, _ := json.Marshal(Plain(o))
		nb, _ := json.Marshal(Plain(n))
		if !bytes.Equal(ob, nb) {
			changed = append(changed, string(k))
		}
	}
	sort.Strings(changed)
	return changed
}

// OldInputs prefers the engine's old inputs and falls back to the old outputs
// (which hold every input too) without the given output-only keys.
func OldInputs(oldInputs, olds *structpb.Struct, outputOnly ...string) (resource.PropertyMap, error) {
	if oldInputs != nil && len(oldInputs.GetFields()) > 0 {
		return Unmarshal(oldInputs)
	}
	m, err := Unmarshal(olds)
	if err != nil {
		return nil, err
	}
	for _, k := range outputOnly {
		delete(m, resource.PropertyKey(k))
	}
	return m, nil
}

// Diff answers a DiffRequest: the changed keys, all of them replacements when
// replaceAll, else only those in replaceOn.
func Diff(changed []string, replaceAll bool, replaceOn map[string]bool, deleteBeforeReplace bool) *pulumirpc.DiffResponse {
	if len(changed) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}
	}
	var replaces []string
	for _, k := range changed {
		if replaceAll || replaceOn[k] {
			replaces = append(replaces, k)
		}
	}
	return &pulumirpc.DiffResponse{
		Changes:             pulumirpc.DiffResponse_DIFF_SOME,
		Diffs:               changed,
		Replaces:            replaces,
		DeleteBeforeReplace: deleteBeforeReplace && len(replaces) > 0,
	}
}

// Copy is a shallow copy of m, for building outputs from inputs.
func Copy(m resource.PropertyMap) resource.PropertyMap {
	out := resource.PropertyMap{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Computed is an unknown output of the given example type, for previews.
func Computed(example resource.PropertyValue) resource.PropertyValue {
	return resource.MakeComputed(example)
}

// Docker runs the docker CLI with args (and stdin when given) and returns its
// trimmed stdout; a failure's error carries docker's stderr. Callers must not pass
// secret values as arguments.
func Docker(ctx context.Context, stdin []byte, args ...string) (string, error) {
	return DockerEnv(ctx, nil, stdin, args...)
}

// DockerEnv is Docker with extra environment variables.
func DockerEnv(ctx context.Context, env []string, stdin []byte, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Env = append(os.Environ(), env...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		verb := strings.Join(args[:min(2, len(args))], " ")
		return strings.TrimSpace(stdout.String()), fmt.Errorf("docker %s failed (%v): %s", verb, err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}

// IsNotFound tells docker's "no such object" failures apart from real ones.
func IsNotFound(err error) bool {
	s := strings.ToLower(err.Error())
	return strings.Contains(s, "no such") || strings.Contains(s, "not found")
}

// DockerCombined runs the docker CLI and returns its stdout and stderr together,
// for commands such as docker logs that split their output over both.
func DockerCombined(ctx context.Context, args ...string) (string, error) {
	out, err := exec.CommandContext(ctx, "docker", args...).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}
