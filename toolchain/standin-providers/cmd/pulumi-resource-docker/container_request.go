package main

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"ade-platform/standin-providers/internal/bridge"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// containerInputs are the container's planned inputs the stand-in acts on.
type containerInputs struct {
	Name, Image, Hostname, Domainname, User, WorkingDir, Restart string
	Runtime, Platform, StopSignal, LogDriver, NetworkMode, Cpus  string
	CpuSet, IpcMode, PidMode, UsernsMode, CgroupnsMode           string
	CgroupParent                                                 string
	Command, Entrypoints, Envs, Dns, DnsOpts, DnsSearches        []string
	SecurityOpts, GroupAdds                                      []string
	ReadOnly, Rm, Start, Wait, Attach, Logs, MustRun, Tty        bool
	StdinOpen, Privileged, PublishAllPorts, RemoveVolumes        bool
	Init                                                         *bool
	StopTimeout                                                  *int
	WaitTimeout, MaxRetryCount, Memory, MemoryReservation        int
	MemorySwap, ShmSize, CpuShares, CpuPeriod, CpuQuota          int
	DestroyGraceSeconds                                          int
	Tmpfs, LogOpts, Sysctls, StorageOpts                         map[string]string
	Labels                                                       []label
	Capabilities                                                 *struct{ Adds, Drops []string }
	Healthcheck                                                  *struct {
		Tests                                         []string
		Interval, Timeout, StartPeriod, StartInterval string
		Retries                                       int
	}
	Ports []struct {
		Internal, External int
		IP, Protocol       string
	}
	Volumes []struct {
		FromContainer, ContainerPath, HostPath, VolumeName string
		ReadOnly                                           bool
		SelinuxRelabel                                     string
	}
	Hosts   []struct{ Host, IP string }
	Ulimits []struct {
		Name       string
		Soft, Hard int
	}
	NetworksAdvanced []struct {
		Name, Ipv4Address, Ipv6Address, MacAddress string
		Aliases, LinkLocalIps, DriverOpts          []string
		GwPriority                                 int
	}
	Uploads []struct {
		File, Content, ContentBase64, Source, Permissions string
		Executable                                        bool
	}
}

// unsupported are the inputs the stand-in does not act on: set to anything but
// their zero value, they fail the create instead of being silently ignored.
var unsupported = []string{"mounts", "devices", "deviceReadBps", "deviceReadIops", "deviceWriteBps", "deviceWriteIops", "deviceRequests", "gpus"}

func checkSupported(planned resource.PropertyMap, name string) error {
	for _, k := range unsupported {
		if !bridge.IsZero(planned[resource.PropertyKey(k)]) {
			return fmt.Errorf("docker.Container %s: the stand-in provider does not implement %s (see toolchain/standin-providers/README.md)", name, k)
		}
	}
	return nil
}

// createBody is the container.Config, HostConfig and NetworkingConfig that
// resourceDockerContainerCreate sends for these inputs.
func createBody(in containerInputs) (map[string]any, error) {
	for _, c := range in.Command {
		if c == "" {
			return nil, fmt.Errorf("values for command may not be empty")
		}
	}
	if in.StopTimeout != nil && *in.StopTimeout == 0 {
		in.StopTimeout = nil // GetOk: a zero stop_timeout is not sent
	}
	config := map[string]any{
		"Image": in.Image, "Hostname": in.Hostname, "Domainname": in.Domainname, "Tty": in.Tty, "OpenStdin": in.StdinOpen,
		"StopSignal": in.StopSignal, "StopTimeout": in.StopTimeout, "Env": in.Envs, "User": in.User, "WorkingDir": in.WorkingDir,
		"Labels": labelMap(in.Labels),
	}
	if len(in.Command) > 0 {
		config["Cmd"] = in.Command
	}
	if len(in.Entrypoints) > 0 {
		config["Entrypoint"] = in.Entrypoints
	}
	exposed, bindings := map[string]any{}, map[string][]map[string]string{}
	for _, p := range in.Ports {
		port := strconv.Itoa(p.Internal) + "/" + p.Protocol
		exposed[port] = struct{}{}
		binding := map[string]string{"HostIp": p.IP}
		if p.External != 0 {
			binding["HostPort"] = strconv.Itoa(p.External)
		}
		bindings[port] = append(bindings[port], binding)
	}
	if len(exposed) > 0 {
		config["ExposedPorts"] = exposed
	}
	volumes, binds, from := map[string]any{}, []string{}, []string{}
	for _, v := range in.Volumes {
		source := v.VolumeName
		if source == "" {
			source = v.HostPath
		}
		switch {
		case v.FromContainer == "" && v.ContainerPath == "":
			return nil, fmt.Errorf("Unable to parse volumes: volume entry without container path or source container")
		case v.FromContainer != "" && v.ContainerPath != "":
			return nil, fmt.Errorf("Unable to parse volumes: both a container and a path specified in a volume entry")
		case v.FromContainer != "":
			from = append(from, v.FromContainer)
			continue
		}
		volumes[v.ContainerPath] = struct{}{}
		if source != "" {
			mode := map[bool]string{true: "ro", false: "rw"}[v.ReadOnly]
			if v.SelinuxRelabel != "" {
				mode += "," + v.SelinuxRelabel
			}
			binds = append(binds, source+":"+v.ContainerPath+":"+mode)
		}
	}
	if len(volumes) > 0 {
		config["Volumes"] = volumes
	}
	if hc := in.Healthcheck; hc != nil {
		config["Healthcheck"] = map[string]any{
			"Test": hc.Tests, "Interval": duration(hc.Interval), "Timeout": duration(hc.Timeout),
			"StartPeriod": duration(hc.StartPeriod), "StartInterval": duration(hc.StartInterval), "Retries": hc.Retries,
		}
	}
	host, err := hostConfig(in)
	if err != nil {
		return nil, err
	}
	if len(bindings) > 0 {
		host["PortBindings"] = bindings
	}
	host["Binds"], host["VolumesFrom"] = binds, from
	config["HostConfig"] = host
	config["NetworkingConfig"] = map[string]any{}
	return config, nil
}

func hostConfig(in containerInputs) (map[string]any, error) {
	host := map[string]any{
		"Privileged": in.Privileged, "PublishAllPorts": in.PublishAllPorts, "Runtime": in.Runtime, "AutoRemove": in.Rm,
		"RestartPolicy":  map[string]any{"Name": in.Restart, "MaximumRetryCount": in.MaxRetryCount},
		"ReadonlyRootfs": in.ReadOnly, "LogConfig": map[string]any{"Type": in.LogDriver, "Config": in.LogOpts},
		"Tmpfs": in.Tmpfs, "Dns": in.Dns, "DnsOptions": in.DnsOpts, "DnsSearch": in.DnsSearches, "SecurityOpt": in.SecurityOpts,
		"Memory": mib(in.Memory), "MemoryReservation": mib(in.MemoryReservation), "ShmSize": mib(in.ShmSize),
		"CpuShares": in.CpuShares, "CpusetCpus": in.CpuSet, "NetworkMode": in.NetworkMode, "UsernsMode": in.UsernsMode,
		"PidMode": in.PidMode, "Sysctls": in.Sysctls, "IpcMode": in.IpcMode, "GroupAdd": in.GroupAdds,
		"CgroupnsMode": in.CgroupnsMode, "CgroupParent": in.CgroupParent, "StorageOpt": in.StorageOpts,
		"Init": in.Init != nil && *in.Init,
	}
	if in.MemorySwap > 0 {
		host["MemorySwap"] = mib(in.MemorySwap)
	} else if in.MemorySwap < 0 {
		host["MemorySwap"] = in.MemorySwap
	}
	if in.Cpus != "" {
		nano, err := parseCPUs(in.Cpus)
		if err != nil {
			return nil, fmt.Errorf("Error setting cpus: %s", err)
		}
		host["NanoCpus"] = nano
	} else {
		host["CpuPeriod"], host["CpuQuota"] = in.CpuPeriod, in.CpuQuota
	}
	if c := in.Capabilities; c != nil {
		host["CapAdd"], host["CapDrop"] = nonNil(c.Adds), nonNil(c.Drops)
	}
	for i, opt := range in.SecurityOpts {
		if opt == "systempaths=unconfined" {
			host["SecurityOpt"] = append(append([]string{}, in.SecurityOpts[:i]...), in.SecurityOpts[i+1:]...)
			host["MaskedPaths"], host["ReadonlyPaths"] = []string{}, []string{}
			break
		}
	}
	var hosts []string
	for _, h := range in.Hosts {
		hosts = append(hosts, h.Host+":"+h.IP)
	}
	var ulimits []map[string]any
	for _, u := range in.Ulimits {
		ulimits = append(ulimits, map[string]any{"Name": u.Name, "Soft": u.Soft, "Hard": u.Hard})
	}
	host["ExtraHosts"], host["Ulimits"] = hosts, ulimits
	return host, nil
}

func mib(n int) int64 { return int64(n) * 1024 * 1024 }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func duration(s string) int64 {
	d, _ := time.ParseDuration(s)
	return int64(d)
}

// parseCPUs is opts.ParseCPUs of the Docker CLI: a decimal number of CPUs, in nano-CPUs.
func parseCPUs(value string) (int64, error) {
	cpu, ok := new(big.Rat).SetString(value)
	if !ok {
		return 0, fmt.Errorf("failed to parse %v as a rational number", value)
	}
	nano := cpu.Mul(cpu, big.NewRat(1e9, 1))
	if !nano.IsInt() {
		return 0, fmt.Errorf("value is too precise")
	}
	return nano.Num().Int64(), nil
}

// cpusString is nanoInt64ToDecimalString of the Terraform provider: how the
// cpus attribute reads back ("1.0" for one CPU, "0.5" for half of one).
func cpusString(nano int64) string {
	if nano == 0 {
		return "0"
	}
	rat := new(big.Rat).SetFrac64(nano, 1e9)
	s := rat.FloatString(9)
	if strings.Count(s, "0") == 9 {
		return rat.FloatString(1)
	}
	return strings.TrimRight(s, "0")
}
