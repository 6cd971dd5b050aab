package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
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

// removeService is the provider's deleteService: remove the service; only
// with a stopGracePeriod other than 0s, first note its tasks' containers, then
// wait for each (on the daemon the provider talks to) to be removed, for up to
// that period each, and remove what is left. Without one, nothing waits for
// the tasks to go.
func removeService(ctx context.Context, id string, in serviceInputs) error {
	grace := ""
	if c := in.TaskSpec.ContainerSpec; c != nil {
		grace = c.StopGracePeriod
	}
	waits := grace != "" && grace != "0s"
	var containers []string
	if waits {
		var tasks []swarmTask
		filter, _ := json.Marshal(map[string][]string{"service": {in.Name}})
		if err := daemon.Do(ctx, "GET", "/tasks", url.Values{"filters": {string(filter)}}, nil, &tasks); err != nil {
			return err
		}
		for _, t := range tasks {
			if s := t.Status.ContainerStatus; s != nil && strings.TrimSpace(s.ContainerID) != "" && t.Status.State != "shutdown" {
				containers = append(containers, s.ContainerID)
			}
		}
	}
	if err := daemon.Do(ctx, "DELETE", "/services/"+id, nil, nil, nil); err != nil {
		return fmt.Errorf("Error deleting service with ID '%s': %s", id, err)
	}
	for _, c := range containers {
		if err := awaitContainerRemoval(ctx, c, parseDuration(grace)); err != nil {
			return err
		}
	}
	return nil
}

func awaitContainerRemoval(ctx context.Context, id string, grace time.Duration) error {
	waitCtx, cancel := context.WithTimeout(ctx, grace)
	defer cancel()
	var result struct{ Error *struct{ Message string } }
	err := daemon.Do(waitCtx, "POST", "/containers/"+id+"/wait", url.Values{"condition": {"removed"}}, nil, &result)
	switch {
	case err != nil && waitCtx.Err() != nil:
		return fmt.Errorf("error on wait for container with ID '%s': %v", id, waitCtx.Err())
	case err != nil && !ignorable(err, "No such container"):
		return fmt.Errorf("error on wait for container with ID '%s': %v", id, err)
	case result.Error != nil && !ignorable(fmt.Errorf("%s", result.Error.Message), "No such container"):
		return fmt.Errorf("failed to wait for container with ID '%s': '%v'", id, result.Error.Message)
	}
	query := url.Values{"v": {"true"}, "force": {"true"}}
	if err := daemon.Do(waitCtx, "DELETE", "/containers/"+id, query, nil, nil); err != nil && !ignorable(err, "No such container", "is already in progress") {
		return fmt.Errorf("Error deleting container with ID '%s': %s", id, err)
	}
	return nil
}

// convergedAfterCreate is resourceDockerServiceCreateRefreshFunc: "running"
// once every replica's slot has a running task.
func convergedAfterCreate(ctx context.Context, id string) (string, error) {
	var s swarmService
	if err := daemon.Do(ctx, "GET", "/services/"+id, nil, nil, &s); err != nil {
		return "", err
	}
	running, err := runningReplicas(ctx, s)
	if err != nil {
		return "", err
	}
	if running == *s.Spec.Mode.Replicated.Replicas {
		return "running", nil
	}
	return "creating", nil
}

// convergedAfterUpdate is resourceDockerServiceUpdateRefreshFunc: Swarm's
// update state decides when it says completed, rolled back or paused;
// otherwise the update is "completed" once every replica's slot has a running
// task, which while a rollback runs means the rollback completed.
func convergedAfterUpdate(ctx context.Context, id string) (string, error) {
	var s swarmService
	if err := daemon.Do(ctx, "GET", "/services/"+id, nil, nil, &s); err != nil {
		return "", err
	}
	rollback := false
	if u := s.UpdateStatus; u != nil {
		switch u.State {
		case "completed":
			return "completed", nil
		case "rollback_started":
			rollback = true
		case "rollback_completed":
			return "", fmt.Errorf("service rollback completed: %s", u.Message)
		case "paused":
			return "", fmt.Errorf("service update paused: %s", u.Message)
		case "rollback_paused":
			return "", fmt.Errorf("service rollback paused: %s", u.Message)
		}
	}
	running, err := runningReplicas(ctx, s)
	if err != nil {
		return "", err
	}
	if running != *s.Spec.Mode.Replicated.Replicas {
		return "updating", nil
	}
	if rollback {
		return "", fmt.Errorf("service rollback completed: %s", s.UpdateStatus.Message)
	}
	return "completed", nil
}

// taskOrder is numberedStates of the provider (the order of Swarm's task states).
var taskOrder = map[string]int{
	"new": 1, "allocated": 2, "pending": 3, "assigned": 4, "accepted": 5, "preparing": 6, "ready": 7, "starting": 8, "running": 9,
	"complete": 10, "shutdown": 11, "failed": 12, "rejected": 13,
}

// runningReplicas is replicatedConsoleLogUpdater.update: how many of the
// service's slots have a task that should run and does run, among its tasks
// whose desired state is running, on nodes that are not down.
func runningReplicas(ctx context.Context, s swarmService) (uint64, error) {
	var tasks []swarmTask
	filter, _ := json.Marshal(map[string][]string{"service": {s.ID}, "desired-state": {"running"}})
	if err := daemon.Do(ctx, "GET", "/tasks", url.Values{"filters": {string(filter)}}, nil, &tasks); err != nil {
		return 0, err
	}
	var nodes []struct {
		ID     string
		Status struct{ State string }
	}
	if err := daemon.Do(ctx, "GET", "/nodes", nil, nil, &nodes); err != nil {
		return 0, err
	}
	if r := s.Spec.Mode.Replicated; r == nil || r.Replicas == nil {
		return 0, fmt.Errorf("no replica count")
	}
	active := map[string]bool{}
	for _, n := range nodes {
		active[n.ID] = n.Status.State != "down"
	}
	return runningSlots(tasks, active), nil
}

// runningSlots counts per slot the task with the lowest desired state, then
// the lowest observed state (so a new task still starting hides the old one
// still running), when it should run and does.

func runningSlots(tasks []swarmTask, active map[string]bool) uint64 {
	bySlot := map[int]swarmTask{}
	for _, t := range tasks {
		if taskOrder[t.DesiredState] == 0 || taskOrder[t.Status.State] == 0 {
			continue
		}
		if existing, ok := bySlot[t.Slot]; ok {
			if taskOrder[existing.DesiredState] < taskOrder[t.DesiredState] {
				continue
			}
			if taskOrder[existing.DesiredState] == taskOrder[t.DesiredState] && taskOrder[existing.Status.State] <= taskOrder[t.Status.State] {
				continue
			}
		}
		if t.NodeID != "" && !active[t.NodeID] {
			continue
		}
		bySlot[t.Slot] = t
	}
	running := uint64(0)
	for _, t := range bySlot {
		if taskOrder[t.DesiredState] <= taskOrder["running"] && t.Status.State == "running" {
			running++
		}
	}
	return running
}
