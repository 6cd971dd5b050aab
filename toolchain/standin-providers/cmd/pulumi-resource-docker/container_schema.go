package main

import (
	"ade-platform/standin-providers/internal/bridge"
	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// containerSchema is docker_container of kreuzwerker/terraform-provider-docker
// v4.2.0 (internal/provider/resource_docker_container.go) under pulumi-docker's
// names: which attributes are ForceNew (a change replaces the container), which
// are Optional+Computed (an absent input keeps what Docker reports), and the
// defaults Check adds. Everything not ForceNew is updated in place, although
// Terraform's Update only acts on restart, maxRetryCount, cpuShares, memory,
// memoryReservation, cpuSet, memorySwap, the device limits and mustRun (see
// updateContainer): a change of tmpfs, healthcheck, init, wait, ... is recorded
// in the state and not applied to the container.
var containerSchema = bridge.Merge(
	// ForceNew: a change replaces the container.
	bridge.Attrs(bridge.Rule{Replace: true}, "name", "image", "domainname", "publishAllPorts", "logOpts", "privileged",
		"pidMode", "usernsMode", "sysctls", "storageOpts", "gpus", "cpus", "cgroupnsMode", "cgroupParent"),
	// ForceNew and Optional+Computed: absent, Docker's value stays.
	bridge.Attrs(bridge.Rule{Replace: true, Computed: true}, "hostname", "command", "entrypoints", "runtime", "platform",
		"stopSignal", "stopTimeout", "shmSize", "logDriver", "ipcMode"),
	bridge.Attrs(bridge.Rule{Replace: true, Computed: true, Set: true}, "securityOpts", "envs"),
	bridge.Attrs(bridge.Rule{Replace: true, Set: true}, "dns", "dnsOpts", "dnsSearches", "mounts", "volumes", "hosts", "ulimits", "groupAdds"),
	// Updated in place (Terraform's Update applies only some of them, see above).
	bridge.Attrs(bridge.Rule{}, "maxRetryCount", "tmpfs", "destroyGraceSeconds", "memory", "memorySwap", "cpuShares", "cpuSet", "cpuPeriod", "cpuQuota"),
	bridge.Attrs(bridge.Rule{Set: true}, "deviceReadBps", "deviceReadIops", "deviceWriteBps", "deviceWriteIops"),
	bridge.Attrs(bridge.Rule{Computed: true}, "init"),
	bridge.Attrs(bridge.Rule{Output: true}, "exitCode", "containerLogs", "bridge", "networkDatas"),
	bridge.Schema{
		"rm": {Default: false}, "start": {Default: true}, "wait": {Default: false}, "waitTimeout": {Default: 60},
		"attach": {Default: false}, "logs": {Default: false}, "mustRun": {Default: true}, "restart": {Default: "no"},
		"removeVolumes": {Default: true}, "memoryReservation": {Default: 0}, "containerReadRefreshTimeoutMilliseconds": {Default: 15000},
		"healthcheck": {Computed: true, Elem: healthcheckRules},
		"readOnly":    {Replace: true, Default: false}, "tty": {Replace: true, Default: false}, "stdinOpen": {Replace: true, Default: false},
		"networkMode": {Replace: true, Default: "bridge"},
		"user":        {Replace: true, Same: emptyInputKeeps}, "workingDir": {Replace: true, Same: emptyInputKeeps},
		"ports":            {Replace: true, Elem: portRules, Same: samePorts},
		"capabilities":     {Replace: true, Elem: bridge.Schema{"adds": {Set: true}, "drops": {Set: true}}},
		"labels":           {Replace: true, Computed: true, Set: true, Elem: labelRules},
		"devices":          {Replace: true, Set: true, Elem: bridge.Schema{"permissions": {Default: "rwm"}}},
		"deviceRequests":   {Replace: true, Set: true, Elem: bridge.Schema{"driver": {Default: "cdi"}, "count": {Default: 0}}},
		"networksAdvanced": {Replace: true, Set: true, Elem: bridge.Schema{"aliases": {Set: true}, "linkLocalIps": {Set: true}, "driverOpts": {Set: true}}},
		"uploads":          {Replace: true, Set: true, Elem: bridge.Schema{"executable": {Default: false}}},
	},
)

var portRules = bridge.Schema{"ip": {Default: "0.0.0.0"}, "protocol": {Default: "tcp"}}

var healthcheckRules = bridge.Schema{
	"interval": {Default: "0s"}, "timeout": {Default: "0s"}, "startPeriod": {Default: "0s"},
	"startInterval": {Default: "0s"}, "retries": {Default: 0},
}

// emptyInputKeeps is the DiffSuppressFunc of user and working_dir: an empty
// input means "whatever Docker has".
func emptyInputKeeps(stored, input resource.PropertyValue) bool {
	in, _ := standin.Plain(input).(string)
	old, _ := standin.Plain(stored).(string)
	return in == "" || in == old
}

// samePorts is suppressIfPortsDidNotChangeForMigrationV0ToV1: the lists match
// when they are as long and each stored port finds an input port with its
// internal port and then the same external port, address and protocol.
func samePorts(stored, input resource.PropertyValue) bool {
	olds, _ := standin.Plain(stored).([]any)
	news, _ := standin.Plain(input).([]any)
	if len(olds) != len(news) {
		return false
	}
	field := func(p any, k string) any { m, _ := p.(map[string]any); return m[k] }
	hasProtocol := func(internal, protocol any) bool {
		for _, n := range news {
			if field(n, "internal") == internal && field(n, "protocol") == protocol {
				return true
			}
		}
		return false
	}
	for _, o := range olds {
		found := false
		for _, n := range news {
			if field(n, "internal") != field(o, "internal") {
				continue
			}
			if field(n, "protocol") != field(o, "protocol") {
				if hasProtocol(field(o, "internal"), field(o, "protocol")) {
					continue
				}
				return false
			}
			if field(n, "external") != field(o, "external") || field(n, "ip") != field(o, "ip") {
				return false
			}
			found = true
			break
		}
		if !found {
			return false
		}
	}
	return true
}
