package main

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// container: docker create, uploads copied in with docker cp, docker start, then
// waiting for healthy (wait) or for the exit (attach). Any change replaces it, the
// old one first, since Docker names are unique on a host.
type container struct{}

type containerInputs struct {
	Name        string   `json:"name"`
	Image       string   `json:"image"`
	Command     []string `json:"command"`
	Entrypoints []string `json:"entrypoints"`
	Envs        []string `json:"envs"`
	Uploads     []struct {
		File          string `json:"file"`
		Content       string `json:"content"`
		ContentBase64 string `json:"contentBase64"`
		Permissions   string `json:"permissions"`
	} `json:"uploads"`
	NetworksAdvanced []struct {
		Name    string   `json:"name"`
		Aliases []string `json:"aliases"`
	} `json:"networksAdvanced"`
	NetworkMode string `json:"networkMode"`
	Ports       []struct {
		Internal int    `json:"internal"`
		External int    `json:"external"`
		IP       string `json:"ip"`
		Protocol string `json:"protocol"`
	} `json:"ports"`
	Volumes []struct {
		VolumeName    string `json:"volumeName"`
		HostPath      string `json:"hostPath"`
		ContainerPath string `json:"containerPath"`
		ReadOnly      bool   `json:"readOnly"`
	} `json:"volumes"`
	Healthcheck *struct {
		Tests       []string `json:"tests"`
		Interval    string   `json:"interval"`
		Timeout     string   `json:"timeout"`
		Retries     *int     `json:"retries"`
		StartPeriod string   `json:"startPeriod"`
	} `json:"healthcheck"`
	Wait         bool     `json:"wait"`
	WaitTimeout  *int     `json:"waitTimeout"`
	Attach       bool     `json:"attach"`
	Restart      string   `json:"restart"`
	User         string   `json:"user"`
	Memory       int      `json:"memory"`
	Cpus         string   `json:"cpus"`
	ReadOnly     bool     `json:"readOnly"`
	SecurityOpts []string `json:"securityOpts"`
	Capabilities *struct {
		Adds  []string `json:"adds"`
		Drops []string `json:"drops"`
	} `json:"capabilities"`
	Tmpfs     map[string]string `json:"tmpfs"`
	LogDriver string            `json:"logDriver"`
	LogOpts   map[string]string `json:"logOpts"`
	Labels    labelList         `json:"labels"`
}

func (container) check(resource.PropertyMap) error { return nil }
func (container) outputOnly() []string             { return []string{"exitCode"} }

func (container) diff(olds, news resource.PropertyMap, ignore []string) *pulumirpc.DiffResponse {
	return standin.Diff(standin.ChangedKeys(olds, news, ignore), true, nil, true)
}

func (container) create(ctx context.Context, news resource.PropertyMap, preview bool) (string, resource.PropertyMap, error) {
	outs := standin.Copy(news)
	if preview {
		if attach := news["attach"]; attach.IsBool() && attach.BoolValue() {
			outs["exitCode"] = standin.Computed(resource.NewNumberProperty(0))
		}
		return "", outs, nil
	}
	var in containerInputs
	if err := standin.Decode(news, &in); err != nil {
		return "", nil, err
	}
	if in.Name == "" {
		return "", nil, fmt.Errorf("docker.Container: the stand-in provider needs a name (got none for image %s)", in.Image)
	}
	id, err := standin.Docker(ctx, nil, createArgs(in)...)
	if err != nil {
		return "", nil, err
	}
	// A half-made container would block the name on the next attempt: remove it.
	fail := func(err error) (string, resource.PropertyMap, error) {
		_, _ = standin.Docker(context.Background(), nil, "rm", "-f", "-v", id)
		return "", nil, err
	}
	for _, n := range tail(in.NetworksAdvanced) {
		args := []string{"network", "connect"}
		for _, a := range n.Aliases {
			args = append(args, "--alias", a)
		}
		if _, err := standin.Docker(ctx, nil, append(args, n.Name, id)...); err != nil {
			return fail(err)
		}
	}
	if len(in.Uploads) > 0 {
		archive, err := uploadsTar(in)
		if err != nil {
			return fail(err)
		}
		if _, err := standin.Docker(ctx, archive, "cp", "-", id+":/"); err != nil {
			return fail(fmt.Errorf("copying the uploads into %s: %w", in.Name, err))
		}
	}
	if _, err := standin.Docker(ctx, nil, "start", id); err != nil {
		return fail(err)
	}
	switch {
	case in.Attach:
		code, err := standin.Docker(ctx, nil, "wait", id)
		if err != nil {
			return fail(err)
		}
		n, err := strconv.Atoi(code)
		if err != nil {
			return fail(fmt.Errorf("docker wait %s answered %q, not an exit code", in.Name, code))
		}
		outs["exitCode"] = resource.NewNumberProperty(float64(n))
	case in.Wait:
		timeout := 60
		if in.WaitTimeout != nil {
			timeout = *in.WaitTimeout
		}
		if err := waitHealthy(ctx, id, in.Name, time.Duration(timeout)*time.Second); err != nil {
			return fail(err)
		}
	}
	outs["name"] = resource.NewStringProperty(in.Name)
	return id, outs, nil
}

func (container) exists(ctx context.Context, id string) (bool, error) {
	return inspectExists(ctx, "container", id)
}

func (container) delete(ctx context.Context, id string, _ resource.PropertyMap) error {
	return removeIgnoringMissing(ctx, "rm", "-f", "-v", id)
}

func tail[T any](s []T) []T {
	if len(s) < 2 {
		return nil
	}
	return s[1:]
}

// createArgs mirrors createContainer in tests/e2e/containers.e2e.test.ts.
func createArgs(in containerInputs) []string {
	args := []string{"create", "--name", in.Name}
	if in.Restart != "" {
		args = append(args, "--restart", in.Restart)
	}
	if in.LogDriver != "" {
		args = append(args, "--log-driver", in.LogDriver)
	}
	for _, k := range sortedKeys(in.LogOpts) {
		args = append(args, "--log-opt", k+"="+in.LogOpts[k])
	}
	for _, e := range in.Envs {
		args = append(args, "--env", e)
	}
	args = append(args, labelArgs(in.Labels)...)
	for _, p := range in.Ports {
		spec := fmt.Sprintf("%d:%d", p.External, p.Internal)
		if p.IP != "" {
			spec = p.IP + ":" + spec
		}
		if p.Protocol != "" {
			spec += "/" + p.Protocol
		}
		args = append(args, "-p", spec)
	}
	for _, v := range in.Volumes {
		source := v.VolumeName
		if source == "" {
			source = v.HostPath
		}
		spec := source + ":" + v.ContainerPath
		if v.ReadOnly {
			spec += ":ro"
		}
		args = append(args, "-v", spec)
	}
	for _, p := range sortedKeys(in.Tmpfs) {
		spec := p
		if in.Tmpfs[p] != "" {
			spec += ":" + in.Tmpfs[p]
		}
		args = append(args, "--tmpfs", spec)
	}
	for _, s := range in.SecurityOpts {
		args = append(args, "--security-opt", s)
	}
	if in.Capabilities != nil {
		for _, c := range in.Capabilities.Adds {
			args = append(args, "--cap-add", c)
		}
		for _, c := range in.Capabilities.Drops {
			args = append(args, "--cap-drop", c)
		}
	}
	if in.ReadOnly {
		args = append(args, "--read-only")
	}
	if in.User != "" {
		args = append(args, "--user", in.User)
	}
	if in.Memory > 0 {
		args = append(args, "--memory", fmt.Sprintf("%dm", in.Memory))
	}
	if in.Cpus != "" {
		args = append(args, "--cpus", in.Cpus)
	}
	if hc := in.Healthcheck; hc != nil && len(hc.Tests) > 0 {
		switch hc.Tests[0] {
		case "NONE":
			args = append(args, "--no-healthcheck")
		default:
			cmd := strings.Join(hc.Tests[1:], " ")
			if hc.Tests[0] == "CMD" {
				// The CLI only takes the shell form; quote each word of the exec form.
				cmd = shellJoin(hc.Tests[1:])
			}
			args = append(args, "--health-cmd", cmd)
			for flag, value := range map[string]string{"--health-interval": hc.Interval, "--health-timeout": hc.Timeout, "--health-start-period": hc.StartPeriod} {
				if value != "" && value != "0s" {
					args = append(args, flag, value)
				}
			}
			if hc.Retries != nil {
				args = append(args, "--health-retries", strconv.Itoa(*hc.Retries))
			}
		}
	}
	if in.NetworkMode != "" {
		args = append(args, "--network", in.NetworkMode)
	}
	if len(in.NetworksAdvanced) > 0 {
		first := in.NetworksAdvanced[0]
		args = append(args, "--network", first.Name)
		for _, a := range first.Aliases {
			args = append(args, "--network-alias", a)
		}
	}
	if len(in.Entrypoints) > 0 {
		args = append(args, "--entrypoint", in.Entrypoints[0])
	}
	args = append(args, in.Image)
	if len(in.Entrypoints) > 1 {
		args = append(args, in.Entrypoints[1:]...)
	}
	return append(args, in.Command...)
}

var safeWord = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

func shellJoin(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		if safeWord.MatchString(w) {
			quoted[i] = w
		} else {
			quoted[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
		}
	}
	return strings.Join(quoted, " ")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// uploadsTar packs the uploads as a tar stream owned by root, with their
// permissions, for docker cp - <container>:/. The contents never leave memory.
func uploadsTar(in containerInputs) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dirs := map[string]bool{}
	now := time.Now()
	for _, u := range in.Uploads {
		name := strings.TrimPrefix(path.Clean("/"+u.File), "/")
		if name == "" {
			return nil, fmt.Errorf("docker.Container %s: an upload has no file path", in.Name)
		}
		content := []byte(u.Content)
		if u.ContentBase64 != "" {
			var err error
			if content, err = base64.StdEncoding.DecodeString(u.ContentBase64); err != nil {
				return nil, fmt.Errorf("docker.Container %s: upload %s: contentBase64 is not base64", in.Name, u.File)
			}
		}
		mode := int64(0o644)
		if u.Permissions != "" {
			m, err := strconv.ParseInt(u.Permissions, 8, 32)
			if err != nil {
				return nil, fmt.Errorf("docker.Container %s: upload %s: permissions must be octal such as 0444 (got %q)", in.Name, u.File, u.Permissions)
			}
			mode = m
		}
		// Parent directories the image may not have, from the top down.
		var parents []string
		for d := path.Dir(name); d != "." && d != "/"; d = path.Dir(d) {
			parents = append([]string{d}, parents...)
		}
		for _, d := range parents {
			if !dirs[d] {
				dirs[d] = true
				if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: 0o755, ModTime: now}); err != nil {
					return nil, err
				}
			}
		}
		hdr := &tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(content)), ModTime: now}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(content); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), tw.Close()
}

// waitHealthy polls Docker's health status until healthy, or fails with the last
// log lines when the container turns unhealthy, stops, or the time runs out.
func waitHealthy(ctx context.Context, id, name string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		state, err := standin.Docker(ctx, nil, "inspect", "--format", "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}", id)
		if err != nil {
			return err
		}
		status, health, _ := strings.Cut(state, " ")
		problem := ""
		switch {
		case health == "healthy":
			return nil
		case health == "none" && status == "running":
			return nil // no healthcheck: running is all there is to wait for
		case health == "unhealthy":
			problem = "is unhealthy"
		case status == "exited" || status == "dead":
			problem = "stopped (" + status + ")"
		case time.Now().After(deadline):
			problem = fmt.Sprintf("is still %s (%s) after %s", health, status, timeout)
		}
		if problem != "" {
			logs, _ := dockerLogs(id)
			probe, _ := standin.Docker(context.Background(), nil, "inspect", "--format",
				"{{if .State.Health}}{{range .State.Health.Log}}{{.Output}}{{end}}{{end}}", id)
			if lines := strings.Split(strings.TrimSpace(probe), "\n"); probe != "" {
				problem += "; its healthcheck last said: " + lines[len(lines)-1]
			}
			return fmt.Errorf("container %s %s; its last log lines:\n%s", name, problem, logs)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

func dockerLogs(id string) (string, error) {
	// docker logs writes the container's stderr to its own stderr: combine both.
	out, err := standin.DockerCombined(context.Background(), "logs", "--tail", "20", id)
	return out, err
}
