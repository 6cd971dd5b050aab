package main

// containerSpecOf is the provider's createContainerSpec: the Swarm container
// spec of taskSpec.containerSpec (see serviceSpecOf for the zero values it sends).
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
