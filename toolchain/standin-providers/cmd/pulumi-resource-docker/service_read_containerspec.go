package main

import "strings"

// flattenContainerSpec is the provider's flattenContainerSpec: taskSpec.containerSpec
// as Docker reports it, with only the fields Docker has set.
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
