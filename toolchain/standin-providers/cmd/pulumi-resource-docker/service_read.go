package main

import (
	"strconv"
	"strings"
	"time"

	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// readService is what resourceDockerServiceReadRefreshFunc sets from Docker's
// service: name, labels, taskSpec, mode, updateConfig, rollbackConfig and
// endpointSpec, each replaced whole by the flatten functions of
// resource_docker_service_structures.go; auth and convergeConfig keep their
// stored values. Docker reports the spec it stores, with the defaults it
// filled in (RestartPolicy {Condition: any, MaxAttempts: 0}, Runtime
// "container", network names turned into IDs, ...).
func readService(s swarmService, state resource.PropertyMap) resource.PropertyMap {
	out := standin.Copy(state)
	out["name"] = resource.NewStringProperty(s.Spec.Name)
	out["labels"] = labelSet(s.Spec.Labels)
	out["taskSpec"] = standin.Encode(flattenTaskSpec(s.Spec.TaskTemplate))
	out["mode"] = standin.Encode(flattenMode(s.Spec.Mode))
	out["updateConfig"] = standin.Encode(flattenUpdateConfig(s.Spec.UpdateConfig))
	out["rollbackConfig"] = standin.Encode(flattenUpdateConfig(s.Spec.RollbackConfig))
	if s.Endpoint.Spec.Mode != "" {
		out["endpointSpec"] = standin.Encode(map[string]any{"mode": s.Endpoint.Spec.Mode, "ports": flattenServicePorts(s.Endpoint.Ports)})
	} else {
		out["endpointSpec"] = standin.Encode(map[string]any{"mode": s.Spec.EndpointSpec.Mode, "ports": flattenServicePorts(s.Spec.EndpointSpec.Ports)})
	}
	return out
}

func flattenTaskSpec(t taskSpec) map[string]any {
	m := map[string]any{"forceUpdate": t.ForceUpdate}
	if t.ContainerSpec != nil {
		m["containerSpec"] = flattenContainerSpec(t.ContainerSpec)
	}
	if r := t.Resources; r != nil {
		resources := map[string]any{}
		if l := r.Limits; l != nil {
			resources["limits"] = map[string]any{"nanoCpus": l.NanoCPUs, "memoryBytes": l.MemoryBytes}
		}
		if res := r.Reservations; res != nil {
			reservation := map[string]any{"nanoCpus": res.NanoCPUs, "memoryBytes": res.MemoryBytes}
			if len(res.GenericResources) > 0 {
				named, discrete := []string{}, []string{}
				for _, g := range res.GenericResources {
					if g.NamedResourceSpec != nil {
						named = append(named, g.NamedResourceSpec.Kind+"="+g.NamedResourceSpec.Value)
					}
					if g.DiscreteResourceSpec != nil {
						discrete = append(discrete, g.DiscreteResourceSpec.Kind+"="+strconv.FormatInt(g.DiscreteResourceSpec.Value, 10))
					}
				}
				reservation["genericResources"] = map[string]any{"namedResourcesSpecs": named, "discreteResourcesSpecs": discrete}
			}
			resources["reservation"] = reservation
		}
		m["resources"] = resources
	}
	if r := t.RestartPolicy; r != nil {
		policy := map[string]any{}
		if r.Condition != "" {
			policy["condition"] = r.Condition
		}
		if r.Delay != nil {
			policy["delay"] = shortDur(*r.Delay)
		}
		if r.MaxAttempts != nil {
			policy["maxAttempts"] = *r.MaxAttempts
		}
		if r.Window != nil {
			policy["window"] = shortDur(*r.Window)
		}
		m["restartPolicy"] = policy
	}
	if p := t.Placement; p != nil {
		placement := map[string]any{"maxReplicas": p.MaxReplicas}
		if len(p.Constraints) > 0 {
			placement["constraints"] = p.Constraints
		}
		if len(p.Preferences) > 0 {
			prefs := []string{}
			for _, pref := range p.Preferences {
				prefs = append(prefs, pref.Spread.SpreadDescriptor)
			}
			placement["prefs"] = prefs
		}
		if len(p.Platforms) > 0 {
			platforms := []map[string]any{}
			for _, pl := range p.Platforms {
				platforms = append(platforms, map[string]any{"architecture": pl.Architecture, "os": pl.OS})
			}
			placement["platforms"] = platforms
		}
		m["placement"] = placement
	}
	if t.Runtime != "" {
		m["runtime"] = t.Runtime
	}
	if len(t.Networks) > 0 {
		networks := []map[string]any{}
		for _, n := range t.Networks {
			// Docker keeps the network's ID: a network given by name reads back under id.
			network := map[string]any{"id": n.Target, "driverOpts": driverOptList(n.DriverOpts)}
			if len(n.Aliases) > 0 {
				network["aliases"] = n.Aliases
			}
			networks = append(networks, network)
		}
		m["networksAdvanceds"] = networks
	}
	if l := t.LogDriver; l != nil {
		logDriver := map[string]any{"name": l.Name}
		if len(l.Options) > 0 {
			logDriver["options"] = l.Options
		}
		m["logDriver"] = logDriver
	}
	return m
}
func flattenMode(mode serviceMode) map[string]any {
	m := map[string]any{"global": mode.Global != nil}
	if r := mode.Replicated; r != nil {
		replicated := map[string]any{}
		if r.Replicas != nil {
			replicated["replicas"] = *r.Replicas
		}
		m["replicated"] = replicated
	}
	return m
}

// flattenUpdateConfig is flattenServiceUpdateOrRollbackConfig: null when Docker has none.
func flattenUpdateConfig(u *updateConfig) any {
	if u == nil {
		return nil
	}
	return map[string]any{
		"parallelism": u.Parallelism, "delay": shortDur(u.Delay), "failureAction": u.FailureAction, "monitor": shortDur(u.Monitor),
		"maxFailureRatio": strconv.FormatFloat(float64(u.MaxFailureRatio), 'f', 1, 64), "order": u.Order,
	}
}

func flattenServicePorts(ports []portConfig) []map[string]any {
	out := []map[string]any{}
	for _, p := range ports {
		out = append(out, map[string]any{"name": p.Name, "protocol": p.Protocol, "targetPort": p.TargetPort, "publishedPort": p.PublishedPort, "publishMode": p.PublishMode})
	}
	return out
}
func driverOptList(opts map[string]string) []string {
	out := []string{}
	for _, k := range sortedKeys(opts) {
		out = append(out, k+"="+opts[k])
	}
	return out
}

// shortDur is the provider's shortDur: Go's duration text without a trailing
// "0s" after minutes or "0m" after hours ("1m", "1h", but "1m30s", "1h0m30s").
func shortDur(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
