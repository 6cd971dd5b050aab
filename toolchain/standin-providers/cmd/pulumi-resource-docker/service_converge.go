package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
)

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
