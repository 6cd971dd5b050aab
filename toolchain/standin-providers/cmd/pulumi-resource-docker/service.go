package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"ade-platform/standin-providers/internal/bridge"
	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// serviceResource is docker_service of kreuzwerker/terraform-provider-docker
// v4.2.0 (internal/provider/resource_docker_service_funcs.go): create, update
// and delete return as soon as Docker accepts the call, unless the service has
// a convergeConfig; then create and update wait until every replica's slot has
// a running task (Swarm reports a task with a healthcheck running only once it
// is healthy), and an update Swarm rolled back fails. Create and update end
// with a read; the read waits until Docker reports the endpoint's mode.
// pulumi-docker sets no DeleteBeforeReplace for it: a replacement creates the
// new service first, which fails while the old one holds the name.
var serviceResource = &bridge.Resource{
	Schema:  serviceSchema,
	Meta:    `{"schema_version":"2"}`,
	Make:    createService,
	Inspect: readServiceState,
	Change:  updateService,
	Remove:  deleteService,
}

func createService(ctx context.Context, planned resource.PropertyMap) (string, resource.PropertyMap, error) {
	in, spec, err := serviceRequest(planned)
	if err != nil {
		return "", nil, err
	}
	auth := registryAuthHeader(in, providerSettings)
	spec.TaskTemplate.ContainerSpec.Image = taggedImage(spec.TaskTemplate.ContainerSpec.Image)
	pinnedImage(ctx, &spec.TaskTemplate, auth)
	var created struct{ ID string }
	if err := daemon.DoWithHeader(ctx, "POST", "/services/create", nil, http.Header{"X-Registry-Auth": {auth}}, spec, &created); err != nil {
		return "", nil, err
	}
	if c := in.ConvergeConfig; c != nil {
		timeout := parseDuration(c.Timeout)
		err := bridge.StateChange{
			Pending:    []string{"new", "allocated", "pending", "assigned", "accepted", "preparing", "ready", "starting", "creating", "paused"},
			Target:     []string{"running", "complete"},
			Refresh:    func() (string, error) { return convergedAfterCreate(ctx, created.ID) },
			Timeout:    timeout,
			MinTimeout: 5 * time.Second,
			Delay:      parseDuration(c.Delay),
		}.Wait(ctx)
		if err != nil {
			// A service that does not converge is deleted, and the create fails without an id.
			if deleteErr := removeService(ctx, created.ID, in); deleteErr != nil {
				return "", nil, deleteErr
			}
			if ignorable(err, "timeout while waiting for state") {
				return "", nil, fmt.Errorf("Service with ID (%s) did not converge after %s", created.ID, timeout)
			}
			return "", nil, err
		}
	}
	state, err := readServiceState(ctx, created.ID, planned)
	return created.ID, state, err
}

// serviceRequest decodes the planned values and builds their Swarm spec.
func serviceRequest(planned resource.PropertyMap) (serviceInputs, serviceSpec, error) {
	var in serviceInputs
	if err := standin.Decode(planned, &in); err != nil {
		return in, serviceSpec{}, err
	}
	if in.TaskSpec.ContainerSpec == nil {
		return in, serviceSpec{}, fmt.Errorf("docker.Service %s: the stand-in provider runs containers only: taskSpec.containerSpec is required (see toolchain/standin-providers/README.md)", in.Name)
	}
	spec, err := serviceSpecOf(in)
	return in, spec, err
}

// readServiceState is resourceDockerServiceRead: after 2 s, and then every 5 s
// for up to 30 s while Docker does not report the endpoint's mode yet, read
// the service (found by id, or by name) back; nil when Docker has none.
func readServiceState(ctx context.Context, id string, state resource.PropertyMap) (resource.PropertyMap, error) {
	name, _ := standin.Plain(state["name"]).(string)
	var out resource.PropertyMap
	err := bridge.StateChange{
		Pending:    []string{"pending"},
		Target:     []string{"all_fields", "removed"},
		Timeout:    30 * time.Second,
		MinTimeout: 5 * time.Second,
		Delay:      2 * time.Second,
		Refresh: func() (string, error) {
			found, err := findService(ctx, id, name)
			if err != nil || found == "" {
				out = nil
				return "removed", err
			}
			var s swarmService
			if err := daemon.Do(ctx, "GET", "/services/"+found, nil, nil, &s); err != nil {
				return "", fmt.Errorf("Error inspecting service %s: %s", found, err)
			}
			if s.Endpoint.Spec.Mode == "" && (s.Spec.EndpointSpec == nil || s.Spec.EndpointSpec.Mode == "") {
				return "pending", nil
			}
			out = readService(s, state)
			return "all_fields", nil
		},
	}.Wait(ctx)
	return out, err
}

// findService is fetchDockerService: the service with that id, or else with that name.
func findService(ctx context.Context, id, name string) (string, error) {
	var services []struct {
		ID   string
		Spec struct{ Name string }
	}
	if err := daemon.Do(ctx, "GET", "/services", nil, nil, &services); err != nil {
		return "", fmt.Errorf("Error fetching service information from Docker: %s", err)
	}
	for _, s := range services {
		if s.ID == id || s.Spec.Name == name {
			return s.ID, nil
		}
	}
	return "", nil
}

// updateService is resourceDockerServiceUpdate: one Swarm service update with
// the whole planned spec (not only what changed), then, with a convergeConfig,
// a wait of 7 s and a check every 5 s until every replica runs; a rollback, or
// a pause, of the update fails it. It ends with a read.
func updateService(ctx context.Context, id string, _, planned resource.PropertyMap) (resource.PropertyMap, error) {
	var current swarmService
	if err := daemon.Do(ctx, "GET", "/services/"+id, nil, nil, &current); err != nil {
		return nil, err
	}
	in, spec, err := serviceRequest(planned)
	if err != nil {
		return nil, err
	}
	spec.TaskTemplate.ContainerSpec.Image = taggedImage(spec.TaskTemplate.ContainerSpec.Image)
	header := http.Header{"X-Registry-Auth": {registryAuthHeader(in, providerSettings)}}
	query := url.Values{"version": {fmt.Sprint(current.Version.Index)}}
	if err := daemon.DoWithHeader(ctx, "POST", "/services/"+id+"/update", query, header, spec, nil); err != nil {
		return nil, err
	}
	if c := in.ConvergeConfig; c != nil {
		timeout := parseDuration(c.Timeout)
		err := bridge.StateChange{
			Pending:    []string{"creating", "updating"},
			Target:     []string{"completed"},
			Refresh:    func() (string, error) { return convergedAfterUpdate(ctx, current.ID) },
			Timeout:    timeout,
			MinTimeout: 5 * time.Second,
			Delay:      7 * time.Second,
		}.Wait(ctx)
		if err != nil {
			if ignorable(err, "timeout while waiting for state") {
				return nil, fmt.Errorf("Service with ID (%s) did not converge after %s", current.ID, timeout)
			}
			return nil, err
		}
	}
	state, err := readServiceState(ctx, id, planned)
	if err == nil && state == nil {
		return nil, fmt.Errorf("the service %s was gone after its update", id)
	}
	return state, err
}

func deleteService(ctx context.Context, id string, state resource.PropertyMap) error {
	var in serviceInputs
	if err := standin.Decode(state, &in); err != nil {
		return err
	}
	return removeService(ctx, id, in)
}
