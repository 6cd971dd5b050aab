package main

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func TestDurationsReadBackInTheProvidersShortForm(t *testing.T) {
	for in, want := range map[time.Duration]string{
		0: "0s", time.Second: "1s", 500 * time.Millisecond: "500ms", time.Minute: "1m", 90 * time.Second: "1m30s",
		time.Hour: "1h", time.Hour + 30*time.Second: "1h0m30s",
	} {
		if got := shortDur(in); got != want {
			t.Errorf("%v reads back as %q, want %q", in, got, want)
		}
	}
}

func TestImagesAreTaggedAsTheDockerClientTagsThem(t *testing.T) {
	for in, want := range map[string]string{
		"nginx":                     "nginx:latest",
		"docker.io/library/nginx:1": "nginx:1",
		"ade-swfid/app":             "ade-swfid/app:latest",
		"127.0.0.1:5000/ade/app:1":  "127.0.0.1:5000/ade/app:1",
		"ade/app@sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef": "ade/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	} {
		if got := taggedImage(in); got != want {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
}

func TestConvergenceCountsEachSlotsLeastAdvancedTask(t *testing.T) {
	task := func(slot int, desired, state, node string) swarmTask {
		t := swarmTask{Slot: slot, DesiredState: desired, NodeID: node}
		t.Status.State = state
		return t
	}
	active := map[string]bool{"n1": true, "n2": false}
	cases := []struct {
		name  string
		tasks []swarmTask
		want  uint64
	}{
		{"a new task still starting hides the old one still running", []swarmTask{task(1, "running", "running", "n1"), task(1, "running", "starting", "n1")}, 0},
		{"an old task no longer wanted gives way to the new one", []swarmTask{task(1, "shutdown", "running", "n1"), task(1, "running", "running", "n1")}, 1},
		{"a slot the update has not reached counts with its old task", []swarmTask{task(1, "running", "running", "n1"), task(2, "running", "running", "n1")}, 2},
		{"a task on a node that is down does not count", []swarmTask{task(1, "running", "running", "n2")}, 0},
	}
	for _, c := range cases {
		if got := runningSlots(c.tasks, active); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

// storedByDocker is what Docker keeps of a spec and reports back: the JSON
// it was sent, with a network name turned into the network's ID, a restart
// condition defaulted to "any" and the runtime "container".
func storedByDocker(t *testing.T, spec serviceSpec) swarmService {
	raw, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	var s swarmService
	if err := json.Unmarshal(raw, &s.Spec); err != nil {
		t.Fatal(err)
	}
	for i, n := range s.Spec.TaskTemplate.Networks {
		if n.Target == "ade-net" {
			s.Spec.TaskTemplate.Networks[i].Target = "id-of-ade-net"
		}
	}
	if s.Spec.TaskTemplate.RestartPolicy.Condition == "" {
		s.Spec.TaskTemplate.RestartPolicy.Condition = "any"
	}
	s.Spec.TaskTemplate.Runtime = "container"
	s.Endpoint.Spec.Mode = s.Spec.EndpointSpec.Mode
	return s
}

func platformService(change func(task map[string]any)) resource.PropertyMap {
	task := map[string]any{
		"containerSpec": map[string]any{
			"image": "ade/app:1", "commands": []any{"node"}, "args": []any{"server.js"}, "env": map[string]any{"A": "1", "B": "x=y"},
			"user": "1000:1000", "readOnly": true, "stopGracePeriod": "10s", "stopSignal": "SIGTERM", "capDrops": []any{"ALL"},
			"healthcheck": map[string]any{"tests": []any{"CMD", "true"}, "interval": "1s", "timeout": "3s", "retries": 2, "startPeriod": "1m"},
			"secrets":     []any{map[string]any{"secretId": "s1", "secretName": "ade-token-1", "fileName": "token", "fileUid": "1000", "fileMode": 256}},
			"mounts":      []any{map[string]any{"target": "/data", "source": "ade-data", "type": "volume"}},
			"labels":      []any{map[string]any{"label": "a", "value": "b"}},
		},
		"networksAdvanceds": []any{map[string]any{"id": "id-of-ade-net", "aliases": []any{"app"}}},
		"placement":         map[string]any{"constraints": []any{"node.role==manager"}, "maxReplicas": 2},
		"resources":         map[string]any{"limits": map[string]any{"memoryBytes": 67108864, "nanoCpus": 500000000}},
		"restartPolicy":     map[string]any{"condition": "any", "maxAttempts": 3, "delay": "5s", "window": "1m"},
		"logDriver":         map[string]any{"name": "json-file", "options": map[string]any{"max-size": "10m"}},
	}
	change(task)
	m := resource.NewPropertyMapFromMap(map[string]any{
		"name": "ade-app", "mode": map[string]any{"replicated": map[string]any{"replicas": 2}}, "taskSpec": task,
		"updateConfig":   map[string]any{"order": "start-first", "failureAction": "rollback", "maxFailureRatio": "0"},
		"endpointSpec":   map[string]any{"mode": "dnsrr"},
		"convergeConfig": map[string]any{"timeout": "2m"},
	})
	serviceSchema.ApplyDefaults(m)
	return m
}

func TestAServiceReadsBackAsThePlatformWritesIt(t *testing.T) {
	cases := []struct {
		name    string
		change  func(task map[string]any)
		diff    map[string]pulumirpc.PropertyDiff_Kind
		replace []string
	}{
		{"no change", func(map[string]any) {}, map[string]pulumirpc.PropertyDiff_Kind{}, nil},
		{"a restart policy without delay and window (pulumi-docker #1285)", func(task map[string]any) {
			task["restartPolicy"] = map[string]any{"condition": "any", "maxAttempts": 3}
		}, map[string]pulumirpc.PropertyDiff_Kind{"taskSpec": pulumirpc.PropertyDiff_UPDATE}, nil},
		{"a network given by name", func(task map[string]any) {
			task["networksAdvanceds"] = []any{map[string]any{"name": "ade-net", "aliases": []any{"app"}}}
		}, map[string]pulumirpc.PropertyDiff_Kind{"taskSpec": pulumirpc.PropertyDiff_UPDATE_REPLACE}, []string{"taskSpec"}},
		{"a duration not in Go's short form", func(task map[string]any) {
			task["containerSpec"].(map[string]any)["stopGracePeriod"] = "60s"
		}, map[string]pulumirpc.PropertyDiff_Kind{"taskSpec": pulumirpc.PropertyDiff_UPDATE}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inputs := platformService(c.change)
			_, spec, err := serviceRequest(serviceSchema.Planned(nil, inputs, nil, false))
			if err != nil {
				t.Fatal(err)
			}
			read := readService(storedByDocker(t, spec), inputs)
			resp := serviceSchema.Diff(read, inputs, nil, false)
			got := map[string]pulumirpc.PropertyDiff_Kind{}
			for k, d := range resp.GetDetailedDiff() {
				got[k] = d.GetKind()
			}
			if !reflect.DeepEqual(got, c.diff) || !reflect.DeepEqual(resp.GetReplaces(), c.replace) {
				t.Fatalf("diff %v replaces %v, want %v and %v\nread back: %v", got, resp.GetReplaces(), c.diff, c.replace, standin.Plain(read["taskSpec"]))
			}
		})
	}
}

func TestAPresentBlockSendsItsZeroValues(t *testing.T) {
	_, spec, err := serviceRequest(platformService(func(task map[string]any) {
		task["restartPolicy"] = map[string]any{"condition": "any", "maxAttempts": 3}
		delete(task["containerSpec"].(map[string]any), "stopGracePeriod")
	}))
	if err != nil {
		t.Fatal(err)
	}
	rp, c := spec.TaskTemplate.RestartPolicy, spec.TaskTemplate.ContainerSpec
	if rp.Delay == nil || *rp.Delay != 0 || rp.Window == nil || *rp.Window != 0 {
		t.Errorf("restart policy %+v: delay and window must be sent as 0", rp)
	}
	if c.StopGracePeriod == nil || *c.StopGracePeriod != 0 || c.DNSConfig == nil {
		t.Errorf("stopGracePeriod %v and dnsConfig %v must always be sent", c.StopGracePeriod, c.DNSConfig)
	}
}
