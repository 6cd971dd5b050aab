package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
)

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
