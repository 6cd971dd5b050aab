package main

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// inspected is the part of docker inspect the Terraform provider reads.
type inspected struct {
	Name, Image, Platform string
	State                 struct {
		Running  bool
		ExitCode int
	}
	Config struct {
		Hostname, Domainname, User, WorkingDir, Image, StopSignal string
		Cmd, Entrypoint                                           []string
		Tty, OpenStdin                                            bool
		StopTimeout                                               *int
		Healthcheck                                               *struct {
			Test                                          []string
			Interval, Timeout, StartPeriod, StartInterval int64
			Retries                                       int
		}
	}
	HostConfig struct {
		AutoRemove, ReadonlyRootfs, PublishAllPorts, Privileged              bool
		Dns, DnsOptions, DnsSearch, SecurityOpt, CapAdd, CapDrop, ExtraHosts []string
		GroupAdd                                                             []string
		RestartPolicy                                                        struct {
			Name              string
			MaximumRetryCount int
		}
		Init                                                                *bool
		Runtime, CpusetCpus, NetworkMode, PidMode, UsernsMode, IpcMode      string
		Tmpfs, Sysctls, StorageOpt                                          map[string]string
		Memory, MemoryReservation, MemorySwap, ShmSize, NanoCpus, CpuShares int64
		LogConfig                                                           struct {
			Type   string
			Config map[string]string
		}
		Ulimits []struct {
			Name       string
			Soft, Hard int64
		}
	}
	NetworkSettings *networkSettings
}

type networkSettings struct {
	Bridge   string
	Ports    map[string][]struct{ HostIp, HostPort string }
	Networks map[string]struct {
		IPAddress, Gateway, GlobalIPv6Address, IPv6Gateway, MacAddress string
		IPPrefixLen, GlobalIPv6PrefixLen                               int
	}
}

// readContainer is resourceDockerContainerRead: nil when Docker no longer lists
// the container, else the state with every attribute the provider reads back.
// What it does not read (envs, labels, volumes, networksAdvanced, uploads, ...)
// keeps the stored value.
func readContainer(ctx context.Context, id string, state resource.PropertyMap) (resource.PropertyMap, error) {
	var list []struct {
		ID string `json:"Id"`
	}
	if err := daemon.Do(ctx, "GET", "/containers/json", url.Values{"all": {"true"}}, nil, &list); err != nil {
		return nil, fmt.Errorf("error fetching container information from Docker: %s\n", err)
	}
	listed := false
	for _, c := range list {
		listed = listed || c.ID == id
	}
	if !listed {
		return nil, nil
	}
	var c inspected
	if err := daemon.Do(ctx, "GET", "/containers/"+id+"/json", nil, nil, &c); err != nil {
		return nil, err
	}
	out := standin.Copy(state)
	set := func(k string, v any) { out[resource.PropertyKey(k)] = standin.Encode(v) }
	mustRun := standin.Plain(state["mustRun"]) == true
	if n := c.NetworkSettings; n != nil {
		set("bridge", n.Bridge)
		if c.State.Running || mustRun {
			set("ports", flattenPorts(n.Ports))
		}
		set("networkDatas", flattenNetworks(n))
	}
	if !c.State.Running {
		set("exitCode", c.State.ExitCode)
		if mustRun {
			set("mustRun", false)
		}
	}
	image := c.Config.Image
	if s, _ := standin.Plain(state["image"]).(string); strings.HasPrefix(s, "sha256:") {
		image = c.Image
	}
	h, cfg := c.HostConfig, c.Config
	for k, v := range map[string]any{
		"name": strings.TrimLeft(c.Name, "/"), "rm": h.AutoRemove, "readOnly": h.ReadonlyRootfs, "image": image,
		"hostname": cfg.Hostname, "domainname": cfg.Domainname, "command": list0(cfg.Cmd), "entrypoints": list0(cfg.Entrypoint),
		"user": cfg.User, "dns": list0(h.Dns), "dnsOpts": list0(h.DnsOptions), "securityOpts": list0(h.SecurityOpt),
		"dnsSearches": list0(h.DnsSearch), "publishAllPorts": h.PublishAllPorts, "restart": h.RestartPolicy.Name,
		"maxRetryCount": h.RestartPolicy.MaximumRetryCount, "init": h.Init != nil && *h.Init, "workingDir": cfg.WorkingDir,
		"runtime": h.Runtime, "platform": c.Platform, "mounts": []any{}, "tmpfs": orEmpty(h.Tmpfs), "hosts": flattenHosts(h.ExtraHosts),
		"ulimits": flattenUlimits(h.Ulimits), "privileged": h.Privileged, "deviceReadBps": []any{}, "deviceReadIops": []any{},
		"deviceWriteBps": []any{}, "deviceWriteIops": []any{}, "memory": h.Memory / 1024 / 1024,
		"memoryReservation": h.MemoryReservation / 1024 / 1024, "memorySwap": h.MemorySwap, "shmSize": h.ShmSize / 1024 / 1024,
		"cpuShares": h.CpuShares, "cpuSet": h.CpusetCpus, "logDriver": h.LogConfig.Type, "storageOpts": orEmpty(h.StorageOpt),
		"networkMode": h.NetworkMode, "pidMode": h.PidMode, "usernsMode": h.UsernsMode, "sysctls": orEmpty(h.Sysctls),
		"ipcMode": h.IpcMode, "groupAdds": list0(h.GroupAdd), "tty": cfg.Tty, "stdinOpen": cfg.OpenStdin,
		"stopSignal": cfg.StopSignal, "stopTimeout": cfg.StopTimeout,
	} {
		set(k, v)
	}
	if h.MemorySwap > 0 {
		set("memorySwap", h.MemorySwap/1024/1024)
	}
	if len(h.CapAdd) > 0 || len(h.CapDrop) > 0 {
		set("capabilities", map[string]any{"adds": list0(h.CapAdd), "drops": list0(h.CapDrop)})
	}
	if h.NanoCpus > 0 {
		set("cpus", cpusString(h.NanoCpus))
	}
	if state["logOpts"].IsNull() {
		set("logOpts", nil)
	} else {
		set("logOpts", orEmpty(h.LogConfig.Config))
	}
	if hc := cfg.Healthcheck; hc != nil {
		set("healthcheck", map[string]any{
			"tests": list0(hc.Test), "interval": time.Duration(hc.Interval).String(), "timeout": time.Duration(hc.Timeout).String(),
			"startPeriod": time.Duration(hc.StartPeriod).String(), "startInterval": time.Duration(hc.StartInterval).String(), "retries": hc.Retries,
		})
	}
	return out, nil
}

func list0(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// flattenPorts is flattenContainerPorts: one entry per binding, by port number.
func flattenPorts(ports map[string][]struct{ HostIp, HostPort string }) []map[string]any {
	keys := sortedKeys(ports)
	number := func(k string) int { n, _ := strconv.Atoi(strings.Split(k, "/")[0]); return n }
	sort.SliceStable(keys, func(i, j int) bool { return number(keys[i]) < number(keys[j]) })
	out := []map[string]any{}
	for _, k := range keys {
		internal, protocol, _ := strings.Cut(k, "/")
		for _, b := range ports[k] {
			in, _ := strconv.Atoi(internal)
			ext, _ := strconv.Atoi(b.HostPort)
			out = append(out, map[string]any{"internal": in, "external": ext, "ip": b.HostIp, "protocol": protocol})
		}
	}
	return out
}

// flattenNetworks is flattenContainerNetworks (the real one lists them in Go's
// random map order, which a refresh shows as changes; here they are sorted).
func flattenNetworks(n *networkSettings) []map[string]any {
	out := []map[string]any{}
	for _, name := range sortedKeys(n.Networks) {
		d := n.Networks[name]
		out = append(out, map[string]any{
			"networkName": name, "ipAddress": d.IPAddress, "ipPrefixLength": d.IPPrefixLen, "gateway": d.Gateway,
			"globalIpv6Address": d.GlobalIPv6Address, "globalIpv6PrefixLength": d.GlobalIPv6PrefixLen,
			"ipv6Gateway": d.IPv6Gateway, "macAddress": d.MacAddress,
		})
	}
	return out
}

func flattenUlimits(ulimits []struct {
	Name       string
	Soft, Hard int64
}) []map[string]any {
	out := []map[string]any{}
	for _, u := range ulimits {
		out = append(out, map[string]any{"name": u.Name, "soft": u.Soft, "hard": u.Hard})
	}
	return out
}

// flattenHosts is flattenExtraHosts: "host:ip" entries as {host, ip}.
func flattenHosts(entries []string) []map[string]string {
	out := []map[string]string{}
	for _, e := range entries {
		host, ip, _ := strings.Cut(e, ":")
		out = append(out, map[string]string{"host": host, "ip": ip})
	}
	return out
}
