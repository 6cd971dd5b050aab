package main

import (
	"strconv"

	"ade-platform/standin-providers/internal/bridge"
	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// serviceSchema is docker_service of kreuzwerker/terraform-provider-docker
// v4.2.0 (internal/provider/resource_docker_service.go) under pulumi-docker's
// names. Only name and auth are ForceNew at the top; mode is ForceNew as a
// block (adding or removing it replaces, its replicas update in place); inside
// taskSpec, containerSpec.hosts, containerSpec.sysctl and every field of a
// networksAdvanceds element are ForceNew, so changing them replaces the
// service. Everything else updates the service in place (a Swarm service
// update). Optional+Computed (Docker's value stays when the input leaves it
// out): labels, mode, endpointSpec, and inside taskSpec resources,
// restartPolicy, placement, forceUpdate, runtime, containerSpec.healthcheck,
// stopGracePeriod and dnsConfig. Their nested fields are not: restartPolicy
// {condition, maxAttempts} without delay and window plans Docker's "0s" away
// on every update (pulumi-docker #1285).
var serviceSchema = bridge.Schema{
	"auth":   {Replace: true},
	"name":   {Replace: true},
	"labels": {Computed: true, Set: true, Elem: labelRules},
	"taskSpec": {Elem: bridge.Schema{
		"containerSpec": {Elem: containerSpecRules},
		"resources": {Computed: true, Elem: bridge.Schema{
			"reservation": {Elem: bridge.Schema{"genericResources": {Elem: bridge.Schema{
				"namedResourcesSpecs": {Set: true}, "discreteResourcesSpecs": {Set: true},
			}}}},
		}},
		"restartPolicy": {Computed: true},
		"placement":     {Computed: true, Elem: bridge.Schema{"constraints": {Set: true}, "prefs": {Set: true}, "platforms": {Set: true}}},
		"forceUpdate":   {Computed: true},
		"runtime":       {Computed: true},
		"networksAdvanceds": {Set: true, Elem: bridge.Schema{
			"name": {Replace: true}, "id": {Replace: true}, "aliases": {Replace: true, Set: true}, "driverOpts": {Replace: true, Set: true},
		}},
	}},
	"mode": {BlockReplace: true, Computed: true, Elem: bridge.Schema{
		"replicated": {Computed: true, Elem: bridge.Schema{"replicas": {Default: 1}}},
		"global":     {Default: false},
	}},
	"updateConfig":   {Elem: updateConfigRules},
	"rollbackConfig": {Elem: updateConfigRules},
	"endpointSpec": {Computed: true, Elem: bridge.Schema{
		"mode":  {Computed: true},
		"ports": {Elem: bridge.Schema{"protocol": {Default: "tcp"}, "publishMode": {Default: "ingress"}, "publishedPort": {Computed: true}}},
	}},
	"convergeConfig": {Elem: bridge.Schema{"delay": {Default: "7s"}, "timeout": {Default: "3m"}}},
}

var containerSpecRules = bridge.Schema{
	"labels": {Set: true, Elem: labelRules},
	"mounts": {Set: true, Elem: bridge.Schema{
		"bindOptions":   {Elem: bridge.Schema{"propagation": {Default: "rprivate"}}},
		"volumeOptions": {Elem: bridge.Schema{"labels": {Set: true, Elem: labelRules}}},
	}},
	"stopGracePeriod": {Computed: true},
	"healthcheck": {Computed: true, Elem: bridge.Schema{
		"interval": {Default: "0s"}, "timeout": {Default: "0s"}, "startPeriod": {Default: "0s"}, "retries": {Default: 0},
	}},
	"hosts":     {Replace: true, Set: true},
	"dnsConfig": {Computed: true},
	"secrets":   {Set: true, Elem: fileReferenceRules},
	"configs":   {Set: true, Elem: fileReferenceRules},
	"isolation": {Default: "default"},
	"sysctl":    {Replace: true},
}

var fileReferenceRules = bridge.Schema{"fileUid": {Default: "0"}, "fileGid": {Default: "0"}, "fileMode": {Default: 0o444}}

var updateConfigRules = bridge.Schema{
	"parallelism": {Default: 1}, "delay": {Default: "0s"}, "failureAction": {Default: "pause"}, "monitor": {Default: "5s"},
	"maxFailureRatio": {Default: "0.0", Same: sameFloatRatio}, "order": {Default: "stop-first"},
}

// sameFloatRatio is suppressEquivalentFloatRatio: "0" and "0.0" are one ratio.
func sameFloatRatio(stored, input resource.PropertyValue) bool {
	s, _ := standin.Plain(stored).(string)
	i, _ := standin.Plain(input).(string)
	old, errOld := strconv.ParseFloat(s, 64)
	now, errNew := strconv.ParseFloat(i, 64)
	if errOld != nil || errNew != nil {
		return s == i
	}
	return old == now
}

// serviceInputs are a service's planned values, decoded by name (case-insensitively).
type serviceInputs struct {
	Name     string
	Labels   []label
	Auth     *struct{ ServerAddress, Username, Password string }
	TaskSpec taskSpecInputs
	Mode     *struct {
		Replicated *struct{ Replicas *uint64 }
		Global     bool
	}
	UpdateConfig, RollbackConfig *updateConfigInputs
	EndpointSpec                 *struct {
		Mode  string
		Ports []struct {
			Name, Protocol, PublishMode string
			TargetPort, PublishedPort   uint32
		}
	}
	ConvergeConfig *struct{ Delay, Timeout string }
}

type taskSpecInputs struct {
	ContainerSpec *containerSpecInputs
	Resources     *struct {
		Limits      *struct{ NanoCpus, MemoryBytes int64 }
		Reservation *struct {
			NanoCpus, MemoryBytes int64
			GenericResources      *struct{ NamedResourcesSpecs, DiscreteResourcesSpecs []string }
		}
	}
	RestartPolicy *struct {
		Condition, Delay, Window string
		MaxAttempts              uint64
	}
	Placement *struct {
		Constraints, Prefs []string
		MaxReplicas        uint64
		Platforms          []struct{ Architecture, Os string }
	}
	ForceUpdate       uint64
	Runtime           string
	NetworksAdvanceds []struct {
		ID, Name            string
		Aliases, DriverOpts []string
	}
	LogDriver *struct {
		Name    string
		Options map[string]string
	}
}

type containerSpecInputs struct {
	Image, Hostname, Dir, User, StopSignal, StopGracePeriod, Isolation string
	Labels                                                             []label
	Commands, Args, Groups, CapAdds, CapDrops                          []string
	Env, Sysctl                                                        map[string]string
	ReadOnly                                                           bool
	Privileges                                                         *struct {
		CredentialSpec *struct{ File, Registry string }
		SeLinuxContext *struct {
			Disable                 bool
			User, Role, Type, Level string
		}
	}
	Mounts []struct {
		Target, Source, Type string
		ReadOnly             bool
		BindOptions          *struct{ Propagation string }
		VolumeOptions        *struct {
			NoCopy        bool
			Labels        []label
			DriverName    string
			DriverOptions map[string]string
		}
		TmpfsOptions *struct {
			SizeBytes int64
			Mode      uint32
		}
	}
	Healthcheck *struct {
		Tests                          []string
		Interval, Timeout, StartPeriod string
		Retries                        int
	}
	Hosts     []struct{ Host, IP string }
	DnsConfig *struct{ Nameservers, Searches, Options []string }
	Secrets   []struct {
		SecretId, SecretName, FileName, FileUid, FileGid string
		FileMode                                         uint32
	}
	Configs []struct {
		ConfigId, ConfigName, FileName, FileUid, FileGid string
		FileMode                                         uint32
	}
}

type updateConfigInputs struct {
	Parallelism                                           uint64
	Delay, FailureAction, Monitor, MaxFailureRatio, Order string
}
