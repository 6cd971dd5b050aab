package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// serviceSpecOf is createServiceSpec of the Terraform provider
// (resource_docker_service_structures.go): the Swarm spec of the planned
// values. Terraform hands the provider every field of a block that is there,
// zero or not, so a block the plan has sends its zero values too: a
// restartPolicy {condition, maxAttempts} sends Delay 0 and Window 0, and
// stopGracePeriod, healthcheck and dnsConfig are always sent (0s, {}, {}).
func serviceSpecOf(in serviceInputs) (serviceSpec, error) {
	spec := serviceSpec{Name: in.Name, Labels: labelMap(in.Labels)}
	task, err := taskSpecOf(in.TaskSpec)
	if err != nil {
		return spec, err
	}
	spec.TaskTemplate = task
	if m := in.Mode; m != nil {
		if m.Replicated != nil {
			spec.Mode.Replicated = &struct {
				Replicas *uint64 `json:",omitempty"`
			}{Replicas: m.Replicated.Replicas}
		}
		if m.Global {
			spec.Mode.Global = &struct{}{}
		}
	}
	spec.UpdateConfig = updateConfigOf(in.UpdateConfig)
	spec.RollbackConfig = updateConfigOf(in.RollbackConfig)
	spec.EndpointSpec = &endpointSpec{}
	if e := in.EndpointSpec; e != nil {
		spec.EndpointSpec.Mode = e.Mode
		for _, p := range e.Ports {
			spec.EndpointSpec.Ports = append(spec.EndpointSpec.Ports, portConfig{
				Name: p.Name, Protocol: p.Protocol, TargetPort: p.TargetPort, PublishedPort: p.PublishedPort, PublishMode: p.PublishMode,
			})
		}
	}
	return spec, nil
}

func taskSpecOf(in taskSpecInputs) (taskSpec, error) {
	task := taskSpec{ForceUpdate: in.ForceUpdate, Runtime: in.Runtime}
	if in.ContainerSpec != nil {
		task.ContainerSpec = containerSpecOf(*in.ContainerSpec)
	}
	task.Resources = &resourceRequirements{}
	if r := in.Resources; r != nil {
		if l := r.Limits; l != nil {
			task.Resources.Limits = &resources{NanoCPUs: l.NanoCpus, MemoryBytes: l.MemoryBytes}
		}
		if res := r.Reservation; res != nil {
			task.Resources.Reservations = &resources{NanoCPUs: res.NanoCpus, MemoryBytes: res.MemoryBytes}
			if g := res.GenericResources; g != nil {
				task.Resources.Reservations.GenericResources = genericResourcesOf(g.NamedResourcesSpecs, g.DiscreteResourcesSpecs)
			}
		}
	}
	task.RestartPolicy = &restartPolicy{}
	if r := in.RestartPolicy; r != nil {
		delay, window, attempts := parseDuration(r.Delay), parseDuration(r.Window), r.MaxAttempts
		task.RestartPolicy = &restartPolicy{Condition: r.Condition, Delay: &delay, MaxAttempts: &attempts, Window: &window}
	}
	task.Placement = &placement{}
	if p := in.Placement; p != nil {
		task.Placement.Constraints, task.Placement.MaxReplicas = p.Constraints, p.MaxReplicas
		for _, pref := range p.Prefs {
			task.Placement.Preferences = append(task.Placement.Preferences, struct {
				Spread struct{ SpreadDescriptor string }
			}{Spread: struct{ SpreadDescriptor string }{pref}})
		}
		for _, pl := range p.Platforms {
			task.Placement.Platforms = append(task.Placement.Platforms, platform{Architecture: pl.Architecture, OS: pl.Os})
		}
	}
	for _, n := range in.NetworksAdvanceds {
		target := n.ID
		if target == "" {
			target = n.Name
		}
		if target == "" {
			return task, fmt.Errorf("network 'name' or 'id' must be specified")
		}
		task.Networks = append(task.Networks, networkAttachment{Target: target, Aliases: n.Aliases, DriverOpts: driverOpts(n.DriverOpts)})
	}
	if l := in.LogDriver; l != nil {
		task.LogDriver = &driver{Name: l.Name, Options: l.Options}
	}
	return task, nil
}

func genericResourcesOf(named, discrete []string) []genericResource {
	out := []genericResource{}
	for _, n := range named {
		kind, value, _ := strings.Cut(n, "=")
		out = append(out, genericResource{NamedResourceSpec: &struct{ Kind, Value string }{kind, value}})
	}
	for _, d := range discrete {
		kind, value, _ := strings.Cut(d, "=")
		n, _ := strconv.ParseInt(value, 10, 64)
		out = append(out, genericResource{DiscreteResourceSpec: &struct {
			Kind  string
			Value int64
		}{kind, n}})
	}
	return out
}

func updateConfigOf(in *updateConfigInputs) *updateConfig {
	if in == nil {
		return nil
	}
	ratio, _ := strconv.ParseFloat(in.MaxFailureRatio, 64)
	return &updateConfig{
		Parallelism: in.Parallelism, Delay: parseDuration(in.Delay), FailureAction: in.FailureAction,
		Monitor: parseDuration(in.Monitor), MaxFailureRatio: float32(ratio), Order: in.Order,
	}
}

// parseDuration is time.ParseDuration with its error ignored, as the provider
// parses every duration (an absent one is "", which gives 0).
func parseDuration(s string) time.Duration {
	d, _ := time.ParseDuration(s)
	return d
}
