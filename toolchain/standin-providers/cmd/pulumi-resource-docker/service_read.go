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

func flattenContainerSpec(c *containerSpec) map[string]any {
	m := map[string]any{}
	set := func(k string, v any, present bool) {
		if present {
			m[k] = v
		}
	}
	set("image", c.Image, c.Image != "")
	set("labels", labelList(c.Labels), len(c.Labels) > 0)
	set("commands", c.Command, len(c.Command) > 0)
	set("args", c.Args, len(c.Args) > 0)
	set("hostname", c.Hostname, c.Hostname != "")
	set("env", envMap(c.Env), len(c.Env) > 0)
	set("user", c.User, c.User != "")
	set("dir", c.Dir, c.Dir != "")
	set("groups", c.Groups, len(c.Groups) > 0)
	set("readOnly", c.ReadOnly, c.ReadOnly)
	set("stopSignal", c.StopSignal, c.StopSignal != "")
	set("isolation", c.Isolation, c.Isolation != "")
	set("sysctl", c.Sysctls, len(c.Sysctls) > 0)
	set("capAdds", c.CapabilityAdd, len(c.CapabilityAdd) > 0)
	set("capDrops", c.CapabilityDrop, len(c.CapabilityDrop) > 0)
	if p := c.Privileges; p != nil {
		privileges := map[string]any{}
		if cs := p.CredentialSpec; cs != nil {
			privileges["credentialSpec"] = map[string]any{"file": cs.File, "registry": cs.Registry}
		}
		if se := p.SELinuxContext; se != nil {
			privileges["seLinuxContext"] = map[string]any{"disable": se.Disable, "user": se.User, "role": se.Role, "type": se.Type, "level": se.Level}
		}
		m["privileges"] = privileges
	}
	if len(c.Mounts) > 0 {
		mounts := []map[string]any{}
		for _, mt := range c.Mounts {
			out := map[string]any{"target": mt.Target, "source": mt.Source, "type": mt.Type, "readOnly": mt.ReadOnly}
			if b := mt.BindOptions; b != nil {
				bind := map[string]any{}
				if b.Propagation != "" {
					bind["propagation"] = b.Propagation
				}
				out["bindOptions"] = bind
			}
			if v := mt.VolumeOptions; v != nil {
				volume := map[string]any{"noCopy": v.NoCopy, "labels": labelList(v.Labels)}
				if d := v.DriverConfig; d != nil {
					if d.Name != "" {
						volume["driverName"] = d.Name
					}
					volume["driverOptions"] = orEmpty(d.Options)
				}
				out["volumeOptions"] = volume
			}
			if t := mt.TmpfsOptions; t != nil {
				out["tmpfsOptions"] = map[string]any{"sizeBytes": t.SizeBytes, "mode": t.Mode & 0o777}
			}
			mounts = append(mounts, out)
		}
		m["mounts"] = mounts
	}
	if c.StopGracePeriod != nil {
		m["stopGracePeriod"] = shortDur(*c.StopGracePeriod)
	}
	if h := c.Healthcheck; h != nil {
		health := map[string]any{"interval": shortDur(h.Interval), "timeout": shortDur(h.Timeout), "startPeriod": shortDur(h.StartPeriod), "retries": h.Retries}
		if len(h.Test) > 0 {
			health["tests"] = h.Test
		}
		m["healthcheck"] = health
	}
	if len(c.Hosts) > 0 {
		hosts := []map[string]any{}
		for _, h := range c.Hosts {
			parts := strings.Split(h, " ")
			host := map[string]any{"ip": parts[0]}
			if len(parts) > 1 {
				host["host"] = parts[1]
			}
			hosts = append(hosts, host)
		}
		m["hosts"] = hosts
	}
	if d := c.DNSConfig; d != nil {
		dns := map[string]any{}
		set := func(k string, v []string) {
			if len(v) > 0 {
				dns[k] = v
			}
		}
		set("nameservers", d.Nameservers)
		set("searches", d.Search)
		set("options", d.Options)
		m["dnsConfig"] = dns
	}
	if len(c.Secrets) > 0 {
		m["secrets"] = flattenReferences(c.Secrets, "secretId", "secretName", func(r fileReference) (string, string) { return r.SecretID, r.SecretName })
	}
	if len(c.Configs) > 0 {
		m["configs"] = flattenReferences(c.Configs, "configId", "configName", func(r fileReference) (string, string) { return r.ConfigID, r.ConfigName })
	}
	return m
}

// flattenReferences is flattenServiceSecrets and flattenServiceConfigs.
func flattenReferences(refs []fileReference, idKey, nameKey string, of func(fileReference) (string, string)) []map[string]any {
	out := []map[string]any{}
	for _, r := range refs {
		id, name := of(r)
		m := map[string]any{idKey: id}
		if name != "" {
			m[nameKey] = name
		}
		if f := r.File; f != nil {
			m["fileName"], m["fileMode"] = f.Name, f.Mode
			if f.UID != "" {
				m["fileUid"] = f.UID
			}
			if f.GID != "" {
				m["fileGid"] = f.GID
			}
		}
		out = append(out, m)
	}
	return out
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

// envMap is mapStringSliceToMap: KEY=value entries as a map (the value keeps any further "=").
func envMap(env []string) map[string]string {
	out := map[string]string{}
	for _, e := range env {
		if e != "" {
			k, v, _ := strings.Cut(e, "=")
			out[k] = v
		}
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
