package main

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"ade-platform/standin-providers/internal/bridge"
	"ade-platform/standin-providers/internal/engine"
	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// containerResource is docker_container as pulumi-docker 5.0.0 serves it: the
// provider sets DeleteBeforeReplace for the type (provider/resources.go), and
// create, read, update and delete follow resource_docker_container_funcs.go.
var containerResource = &bridge.Resource{
	Schema:              containerSchema,
	Meta:                `{"e2bfb730-ecaa-11e6-8f88-34363bc7c4c0":{"create":1200000000000,"delete":1200000000000,"update":1200000000000},"schema_version":"2"}`,
	DeleteBeforeReplace: true,
	Make:                createContainer,
	Inspect:             readContainer,
	Change:              updateContainer,
	Remove:              deleteContainer,
}

// createContainer: find (or pull) the image, create, move the container from
// the default bridge to its networks, upload files, start, wait for healthy or
// for the exit, then read it back. After the create an error leaves the
// container where it is (the engine keeps it, with the error).
func createContainer(ctx context.Context, planned resource.PropertyMap) (string, resource.PropertyMap, error) {
	var in containerInputs
	if err := standin.Decode(planned, &in); err != nil {
		return "", nil, err
	}
	if err := checkSupported(planned, in.Name); err != nil {
		return "", nil, err
	}
	if _, err := findImage(ctx, in.Image, ""); err != nil {
		return "", nil, fmt.Errorf("Unable to create container with image %s: %s", in.Image, err)
	}
	body, err := createBody(in)
	if err != nil {
		return "", nil, err
	}
	query := url.Values{"name": {in.Name}}
	if in.Platform != "" {
		query.Set("platform", in.Platform)
	}
	var created struct {
		ID string `json:"Id"`
	}
	if err := daemon.Do(ctx, "POST", "/containers/create", query, body, &created); err != nil {
		return "", nil, fmt.Errorf("Unable to create container: %s", err)
	}
	id := created.ID
	logs, err := runContainer(ctx, id, in)
	if err != nil {
		return id, nil, err
	}
	state, err := readContainer(ctx, id, planned)
	if err == nil && state != nil && in.Attach && in.Logs {
		state["containerLogs"] = resource.NewStringProperty(logs)
	}
	return id, state, err
}

func runContainer(ctx context.Context, id string, in containerInputs) (string, error) {
	if len(in.NetworksAdvanced) > 0 {
		err := daemon.Do(ctx, "POST", "/networks/bridge/disconnect", nil, map[string]any{"Container": id}, nil)
		if err != nil && !ignorable(err, "is not connected to the network bridge") {
			return "", fmt.Errorf("Unable to disconnect the default network: %s", err)
		}
	}
	for _, n := range in.NetworksAdvanced {
		endpoint := map[string]any{
			"Aliases":    n.Aliases,
			"IPAMConfig": map[string]any{"IPv4Address": n.Ipv4Address, "IPv6Address": n.Ipv6Address, "LinkLocalIPs": n.LinkLocalIps},
			"MacAddress": n.MacAddress, "DriverOpts": driverOpts(n.DriverOpts), "GwPriority": n.GwPriority,
		}
		if err := daemon.Do(ctx, "POST", "/networks/"+n.Name+"/connect", nil, map[string]any{"Container": id, "EndpointConfig": endpoint}, nil); err != nil {
			return "", fmt.Errorf("Unable to connect to network '%s': %s", n.Name, err)
		}
	}
	if err := upload(ctx, id, in); err != nil {
		return "", err
	}
	if in.Start {
		if err := daemon.Do(ctx, "POST", "/containers/"+id+"/start", nil, nil, nil); err != nil {
			return "", fmt.Errorf("Unable to start container: %s", err)
		}
		if in.Wait {
			if err := waitHealthy(ctx, id, time.Duration(in.WaitTimeout)*time.Second); err != nil {
				return "", err
			}
		}
	}
	if !in.Attach {
		return "", nil
	}
	if err := daemon.Do(ctx, "POST", "/containers/"+id+"/wait", url.Values{"condition": {"not-running"}}, nil, nil); err != nil {
		return "", fmt.Errorf("Unable to wait container end of execution: %s", err)
	}
	if !in.Logs {
		return "", nil
	}
	return containerLogs(ctx, id, in.Tty)
}

// waitHealthy polls the health status each second until healthy; an unhealthy
// container is waited for too, until the timeout (wait_timeout) runs out.
func waitHealthy(ctx context.Context, id string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		var c struct {
			State struct{ Health *struct{ Status string } }
		}
		if err := daemon.Do(ctx, "GET", "/containers/"+id+"/json", nil, nil, &c); err != nil {
			return fmt.Errorf("error inspecting container state: %s", err)
		}
		if c.State.Health == nil {
			return fmt.Errorf("you have supplied a 'wait' argument, but the container does not have a healthcheck defined. Please remove the 'wait' argument or add a 'healthcheck' attribute")
		}
		if c.State.Health.Status == "healthy" {
			return nil
		}
		if time.Now().Add(time.Second).After(deadline) {
			return fmt.Errorf("container failed to be in healthy state")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// updateContainer is resourceDockerContainerUpdate: start a container whose
// mustRun went from false to true, and send the resources and restart policy
// to Docker when one of them changed. Nothing else reaches the container.
func updateContainer(ctx context.Context, id string, state, planned resource.PropertyMap) (resource.PropertyMap, error) {
	return nil, applyContainerUpdate(ctx, id, state, planned)
}

func applyContainerUpdate(ctx context.Context, id string, state, planned resource.PropertyMap) error {
	var old, in containerInputs
	if err := standin.Decode(state, &old); err != nil {
		return err
	}
	if err := standin.Decode(planned, &in); err != nil {
		return err
	}
	if !old.MustRun && in.MustRun && in.Start {
		if err := daemon.Do(ctx, "POST", "/containers/"+id+"/start", nil, nil, nil); err != nil {
			return fmt.Errorf("Unable to start container: %s", err)
		}
	}
	changed := false
	for _, k := range []string{"restart", "maxRetryCount", "cpuShares", "memory", "memoryReservation", "cpuSet", "memorySwap",
		"deviceReadBps", "deviceReadIops", "deviceWriteBps", "deviceWriteIops"} {
		key := resource.PropertyKey(k)
		changed = changed || !containerSchema[k].Equal(state[key], planned[key])
	}
	if !changed {
		return nil
	}
	body := map[string]any{
		"RestartPolicy": map[string]any{"Name": in.Restart, "MaximumRetryCount": in.MaxRetryCount},
		"CpuShares":     in.CpuShares, "Memory": mib(in.Memory), "MemoryReservation": mib(in.MemoryReservation), "CpusetCpus": in.CpuSet,
	}
	if in.MemorySwap > 0 {
		body["MemorySwap"] = mib(in.MemorySwap)
	} else if in.MemorySwap < 0 {
		body["MemorySwap"] = in.MemorySwap
	}
	if err := daemon.Do(ctx, "POST", "/containers/"+id+"/update", nil, body, nil); err != nil {
		return fmt.Errorf("Unable to update a container: %v", err)
	}
	return nil
}

// deleteContainer stops the container (destroyGraceSeconds, else at once)
// unless it was attached to, removes it (with its anonymous volumes when
// removeVolumes) and waits until it is gone; a container already gone is fine.
func deleteContainer(ctx context.Context, id string, state resource.PropertyMap) error {
	var in containerInputs
	if err := standin.Decode(state, &in); err != nil {
		return err
	}
	missing := []string{"No such container", "is already in progress"}
	if !in.Attach {
		grace := max(in.DestroyGraceSeconds, 0)
		err := daemon.Do(ctx, "POST", "/containers/"+id+"/stop", url.Values{"t": {strconv.Itoa(grace)}}, nil, nil)
		if err != nil && !ignorable(err, missing[0]) {
			return fmt.Errorf("Error stopping container %s: %s", id, err)
		}
	}
	query := url.Values{"force": {"true"}, "v": {strconv.FormatBool(in.RemoveVolumes)}}
	if err := daemon.Do(ctx, "DELETE", "/containers/"+id, query, nil, nil); err != nil && !ignorable(err, missing...) {
		return fmt.Errorf("Error deleting container %s: %s", id, err)
	}
	condition := map[bool]string{true: "removed", false: "not-running"}[in.Rm]
	err := daemon.Do(ctx, "POST", "/containers/"+id+"/wait", url.Values{"condition": {condition}}, nil, nil)
	if err != nil && !engine.IsNotFound(err) && !ignorable(err, missing...) {
		return fmt.Errorf("Error waiting for container removal '%s': %s", id, err)
	}
	return nil
}
