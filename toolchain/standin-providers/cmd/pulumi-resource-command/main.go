// pulumi-resource-command STAND-IN: command:local:Command of @pulumi/command 1.2.1,
// only as far as the ADE program uses it. See ../../README.md.
package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is the npm package's version, which the engine asks for; set with -ldflags -X.
var version = "1.2.1"

const commandType = "command:local:Command"

type commandProvider struct{ standin.Base }

type inputs struct {
	Create      string            `json:"create"`
	Update      string            `json:"update"`
	Delete      string            `json:"delete"`
	Dir         string            `json:"dir"`
	Environment map[string]string `json:"environment"`
	Interpreter []string          `json:"interpreter"`
	Stdin       string            `json:"stdin"`
}

func main() {
	fmt.Fprintln(os.Stderr, standin.Warning("command", version))
	err := provider.Main("command", func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return &commandProvider{standin.Base{Name: "command", Version: version}}, nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func checkType(t string) error {
	if t != commandType {
		return fmt.Errorf("the stand-in command provider implements only %s, not %s (see toolchain/standin-providers/README.md)", commandType, t)
	}
	return nil
}

func (p *commandProvider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	if err := checkType(req.GetType()); err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (p *commandProvider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, err := standin.OldInputs(req.GetOldInputs(), req.GetOlds(), "stdout", "stderr")
	if err != nil {
		return nil, err
	}
	news, err := standin.Unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	changed := standin.ChangedKeys(olds, news, req.GetIgnoreChanges())
	return standin.Diff(changed, false, map[string]bool{"triggers": true}, false), nil
}

func (p *commandProvider) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	if err := checkType(req.GetType()); err != nil {
		return nil, err
	}
	news, err := standin.Unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	out, err := p.run(ctx, news, "create", req.GetPreview())
	if err != nil {
		return nil, err
	}
	id := ""
	if !req.GetPreview() {
		if id, err = resource.NewUniqueHex("command-", 8, 0); err != nil {
			return nil, err
		}
	}
	props, err := standin.Marshal(out)
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, err
}

func (p *commandProvider) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	news, err := standin.Unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	which := "update"
	if v := news["update"]; v.IsNull() || (v.IsString() && v.StringValue() == "") {
		which = "create"
	}
	out, err := p.run(ctx, news, which, req.GetPreview())
	if err != nil {
		return nil, err
	}
	props, err := standin.Marshal(out)
	return &pulumirpc.UpdateResponse{Properties: props}, err
}

func (p *commandProvider) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	// A local command has nothing to look at: what ran is what the state says.
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

func (p *commandProvider) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	olds, err := standin.Unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	if v := olds["delete"]; !v.IsNull() && !(v.IsString() && v.StringValue() == "") {
		if _, err := p.run(ctx, olds, "delete", false); err != nil {
			return nil, err
		}
	}
	return &emptypb.Empty{}, nil
}

// run runs the command in property `which` and returns the outputs: the inputs plus
// stdout and stderr, secret when any input is secret (they may echo it). In a
// preview it runs nothing and leaves stdout and stderr unknown.
func (p *commandProvider) run(ctx context.Context, news resource.PropertyMap, which string, preview bool) (resource.PropertyMap, error) {
	out := standin.Copy(news)
	if preview {
		out["stdout"] = standin.Computed(resource.NewStringProperty(""))
		out["stderr"] = standin.Computed(resource.NewStringProperty(""))
		return out, nil
	}
	var in inputs
	if err := standin.Decode(news, &in); err != nil {
		return nil, err
	}
	script := map[string]string{"create": in.Create, "update": in.Update, "delete": in.Delete}[which]
	interpreter := in.Interpreter
	if len(interpreter) == 0 {
		interpreter = []string{"/bin/sh", "-c"}
	}
	cmd := exec.CommandContext(ctx, interpreter[0], append(interpreter[1:], script)...)
	cmd.Dir = in.Dir
	cmd.Env = os.Environ()
	for k, v := range in.Environment {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if in.Stdin != "" {
		cmd.Stdin = strings.NewReader(in.Stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	so, se := strings.TrimSpace(stdout.String()), strings.TrimSpace(stderr.String())
	if runErr != nil {
		what := "the " + which + " command"
		if v := news[resource.PropertyKey(which)]; !v.ContainsSecrets() {
			what = fmt.Sprintf("%s command %q", which, script)
		}
		return nil, fmt.Errorf("%s failed: %v\nstderr:\n%s\nstdout:\n%s", what, runErr, se, so)
	}
	secret := resource.NewObjectProperty(news).ContainsSecrets()
	for k, v := range map[string]string{"stdout": so, "stderr": se} {
		val := resource.NewStringProperty(v)
		if secret {
			val = resource.MakeSecret(val)
		}
		out[resource.PropertyKey(k)] = val
	}
	return out, nil
}
