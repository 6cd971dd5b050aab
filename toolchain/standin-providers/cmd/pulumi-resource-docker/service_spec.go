package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/distribution/reference"
	"github.com/opencontainers/go-digest"
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

func containerSpecOf(in containerSpecInputs) *containerSpec {
	grace := parseDuration(in.StopGracePeriod)
	c := &containerSpec{
		Image: in.Image, Labels: labelMap(in.Labels), Command: in.Commands, Args: in.Args, Hostname: in.Hostname,
		Env: envList(in.Env), Dir: in.Dir, User: in.User, Groups: in.Groups, ReadOnly: in.ReadOnly, StopSignal: in.StopSignal,
		StopGracePeriod: &grace, Healthcheck: &healthConfig{}, DNSConfig: &dnsConfig{}, Isolation: in.Isolation,
		Sysctls: in.Sysctl, CapabilityAdd: in.CapAdds, CapabilityDrop: in.CapDrops,
	}
	if p := in.Privileges; p != nil {
		c.Privileges = &privileges{}
		if cs := p.CredentialSpec; cs != nil {
			// The provider writes the registry value into File too (createContainerSpec).
			file := cs.File
			if cs.Registry != "" {
				file = cs.Registry
			}
			c.Privileges.CredentialSpec = &struct{ File, Registry string }{File: file}
		}
		if se := p.SeLinuxContext; se != nil {
			c.Privileges.SELinuxContext = &struct {
				Disable                 bool
				User, Role, Type, Level string
			}{se.Disable, se.User, se.Role, se.Type, se.Level}
		}
	}
	for _, m := range in.Mounts {
		out := mount{Type: m.Type, Target: m.Target, Source: m.Source, ReadOnly: m.ReadOnly}
		if b := m.BindOptions; b != nil {
			out.BindOptions = &struct {
				Propagation string `json:",omitempty"`
			}{b.Propagation}
		}
		if v := m.VolumeOptions; v != nil {
			out.VolumeOptions = &struct {
				NoCopy       bool              `json:",omitempty"`
				Labels       map[string]string `json:",omitempty"`
				DriverConfig *driver           `json:",omitempty"`
			}{NoCopy: v.NoCopy, Labels: labelMap(v.Labels), DriverConfig: &driver{Name: v.DriverName, Options: v.DriverOptions}}
		}
		if t := m.TmpfsOptions; t != nil {
			out.TmpfsOptions = &struct {
				SizeBytes int64  `json:",omitempty"`
				Mode      uint32 `json:",omitempty"`
			}{t.SizeBytes, t.Mode}
		}
		c.Mounts = append(c.Mounts, out)
	}
	if h := in.Healthcheck; h != nil {
		c.Healthcheck = &healthConfig{
			Test: h.Tests, Interval: parseDuration(h.Interval), Timeout: parseDuration(h.Timeout),
			StartPeriod: parseDuration(h.StartPeriod), Retries: h.Retries,
		}
	}
	for _, h := range in.Hosts {
		// The delimiter is a space and the address comes first (extraHostsSetToServiceExtraHosts).
		c.Hosts = append(c.Hosts, h.IP+" "+h.Host)
	}
	if d := in.DnsConfig; d != nil {
		c.DNSConfig = &dnsConfig{Nameservers: d.Nameservers, Search: d.Searches, Options: d.Options}
	}
	for _, s := range in.Secrets {
		c.Secrets = append(c.Secrets, fileReference{SecretID: s.SecretId, SecretName: s.SecretName,
			File: &fileTarget{Name: s.FileName, UID: s.FileUid, GID: s.FileGid, Mode: s.FileMode}})
	}
	for _, s := range in.Configs {
		c.Configs = append(c.Configs, fileReference{ConfigID: s.ConfigId, ConfigName: s.ConfigName,
			File: &fileTarget{Name: s.FileName, UID: s.FileUid, GID: s.FileGid, Mode: s.FileMode}})
	}
	return c
}

// envList is mapTypeMapValsToStringSlice: KEY=value entries in Go's map
// order, which is random, so two updates can send the same environment in
// another order (and Swarm then sees a changed task spec).
func envList(env map[string]string) []string {
	out := []string{}
	for k, v := range env {
		if k != "" {
			out = append(out, k+"="+v)
		}
	}
	return out
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

// taggedImage is imageWithTagString of the Docker Go client, which the
// client's ServiceCreate and ServiceUpdate apply: the familiar form with
// ":latest" added to a name without tag or digest.
func taggedImage(image string) string {
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return image
	}
	return reference.FamiliarString(reference.TagNameOnly(named))
}

// pinnedImage is the Docker Go client's resolveContainerSpecImage, which the
// provider asks for on create only (QueryRegistry): the daemon asks the
// image's registry for its digest; when it answers, the image is pinned to it
// and the placement gets the image's platforms; when it cannot, the image
// stays as it is (Docker's warning "could not be accessed on a registry to
// record its digest").
func pinnedImage(ctx context.Context, task *taskSpec, auth string) {
	var inspect struct {
		Descriptor struct{ Digest string }
		Platforms  []struct{ Architecture, OS string }
	}
	image := task.ContainerSpec.Image
	header := http.Header{"X-Registry-Auth": {auth}}
	if err := daemon.DoWithHeader(ctx, "GET", "/distribution/"+image+"/json", nil, header, nil, &inspect); err != nil {
		return
	}
	if named, err := reference.ParseNormalizedNamed(image); err == nil {
		if _, canonical := named.(reference.Canonical); !canonical {
			if withDigest, err := reference.WithDigest(named, digest.Digest(inspect.Descriptor.Digest)); err == nil {
				task.ContainerSpec.Image = reference.FamiliarString(withDigest)
			}
		}
	}
	if len(inspect.Platforms) > 0 {
		if task.Placement == nil {
			task.Placement = &placement{}
		}
		task.Placement.Platforms = nil
		for _, p := range inspect.Platforms {
			arch := p.Architecture
			if strings.ToLower(arch) == "arm" {
				arch = ""
			}
			task.Placement.Platforms = append(task.Placement.Platforms, platform{Architecture: arch, OS: p.OS})
		}
	}
}

// registryAuthHeader is retrieveAndMarshalAuth: the service's auth when it
// gives a username and password, else the provider's registryAuth for the
// image's registry (the part of the name before the first "/"), else none;
// base64url of its JSON, as the X-Registry-Auth header.
func registryAuthHeader(in serviceInputs, config providerConfig) string {
	type authConfig struct {
		Username      string `json:"username,omitempty"`
		Password      string `json:"password,omitempty"`
		ServerAddress string `json:"serveraddress,omitempty"`
	}
	var auth authConfig
	if a := in.Auth; a != nil {
		if a.Username != "" && a.Password != "" {
			auth = authConfig{a.Username, a.Password, a.ServerAddress}
		}
	} else if in.TaskSpec.ContainerSpec != nil {
		image := strings.TrimPrefix(strings.TrimPrefix(in.TaskSpec.ContainerSpec.Image, "http://"), "https://")
		if registry, _, found := strings.Cut(image, "/"); found {
			for _, r := range config.registryAuth {
				address := normalizeRegistryAddress(r.Address)
				if hostname(address) != registry {
					continue
				}
				auth = authConfig{r.Username, r.Password, address}
				if r.AuthDisabled {
					auth.Username, auth.Password = "username", "password"
				}
			}
		}
	}
	raw, _ := json.Marshal(auth)
	return base64.URLEncoding.EncodeToString(raw)
}
