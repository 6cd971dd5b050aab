package main

import "time"

// The Docker Engine API's Swarm service objects, for the fields the stand-in
// sends and reads, with the JSON names and omitempty rules of the Docker Go
// client's types (api/types/swarm, container, mount), so that a request
// carries exactly what the real provider's request carries: a pointer set to
// zero is sent, a plain zero value is not.

type serviceSpec struct {
	Name           string            `json:"Name,omitempty"`
	Labels         map[string]string `json:"Labels"`
	TaskTemplate   taskSpec          `json:",omitempty"`
	Mode           serviceMode       `json:",omitempty"`
	UpdateConfig   *updateConfig     `json:",omitempty"`
	RollbackConfig *updateConfig     `json:",omitempty"`
	EndpointSpec   *endpointSpec     `json:",omitempty"`
}

type taskSpec struct {
	ContainerSpec *containerSpec        `json:",omitempty"`
	Resources     *resourceRequirements `json:",omitempty"`
	RestartPolicy *restartPolicy        `json:",omitempty"`
	Placement     *placement            `json:",omitempty"`
	Networks      []networkAttachment   `json:",omitempty"`
	LogDriver     *driver               `json:",omitempty"`
	ForceUpdate   uint64
	Runtime       string `json:",omitempty"`
}

type containerSpec struct {
	Image           string            `json:",omitempty"`
	Labels          map[string]string `json:",omitempty"`
	Command         []string          `json:",omitempty"`
	Args            []string          `json:",omitempty"`
	Hostname        string            `json:",omitempty"`
	Env             []string          `json:",omitempty"`
	Dir             string            `json:",omitempty"`
	User            string            `json:",omitempty"`
	Groups          []string          `json:",omitempty"`
	Privileges      *privileges       `json:",omitempty"`
	StopSignal      string            `json:",omitempty"`
	ReadOnly        bool              `json:",omitempty"`
	Mounts          []mount           `json:",omitempty"`
	StopGracePeriod *time.Duration    `json:",omitempty"`
	Healthcheck     *healthConfig     `json:",omitempty"`
	Hosts           []string          `json:",omitempty"`
	DNSConfig       *dnsConfig        `json:",omitempty"`
	Secrets         []fileReference   `json:",omitempty"`
	Configs         []fileReference   `json:",omitempty"`
	Isolation       string            `json:",omitempty"`
	Sysctls         map[string]string `json:",omitempty"`
	CapabilityAdd   []string          `json:",omitempty"`
	CapabilityDrop  []string          `json:",omitempty"`
}

type privileges struct {
	CredentialSpec *struct{ File, Registry string } `json:",omitempty"`
	SELinuxContext *struct {
		Disable                 bool
		User, Role, Type, Level string
	} `json:",omitempty"`
}

type mount struct {
	Type        string `json:",omitempty"`
	Source      string `json:",omitempty"`
	Target      string `json:",omitempty"`
	ReadOnly    bool   `json:",omitempty"`
	BindOptions *struct {
		Propagation string `json:",omitempty"`
	} `json:",omitempty"`
	VolumeOptions *struct {
		NoCopy       bool              `json:",omitempty"`
		Labels       map[string]string `json:",omitempty"`
		DriverConfig *driver           `json:",omitempty"`
	} `json:",omitempty"`
	TmpfsOptions *struct {
		SizeBytes int64  `json:",omitempty"`
		Mode      uint32 `json:",omitempty"`
	} `json:",omitempty"`
}

type healthConfig struct {
	Test        []string      `json:",omitempty"`
	Interval    time.Duration `json:",omitempty"`
	Timeout     time.Duration `json:",omitempty"`
	StartPeriod time.Duration `json:",omitempty"`
	Retries     int           `json:",omitempty"`
}

type dnsConfig struct {
	Nameservers []string `json:",omitempty"`
	Search      []string `json:",omitempty"`
	Options     []string `json:",omitempty"`
}

// fileReference is a SecretReference or a ConfigReference: the object's ID
// and name under SecretID/SecretName or ConfigID/ConfigName.
type fileReference struct {
	File       *fileTarget `json:",omitempty"`
	SecretID   string      `json:",omitempty"`
	SecretName string      `json:",omitempty"`
	ConfigID   string      `json:",omitempty"`
	ConfigName string      `json:",omitempty"`
}

type fileTarget struct {
	Name string
	UID  string
	GID  string
	Mode uint32
}

type resourceRequirements struct {
	Limits       *resources `json:",omitempty"`
	Reservations *resources `json:",omitempty"`
}

type resources struct {
	NanoCPUs         int64             `json:",omitempty"`
	MemoryBytes      int64             `json:",omitempty"`
	GenericResources []genericResource `json:",omitempty"`
}

type genericResource struct {
	NamedResourceSpec *struct {
		Kind, Value string
	} `json:",omitempty"`
	DiscreteResourceSpec *struct {
		Kind  string
		Value int64
	} `json:",omitempty"`
}

type restartPolicy struct {
	Condition   string         `json:",omitempty"`
	Delay       *time.Duration `json:",omitempty"`
	MaxAttempts *uint64        `json:",omitempty"`
	Window      *time.Duration `json:",omitempty"`
}

type placement struct {
	Constraints []string `json:",omitempty"`
	Preferences []struct {
		Spread struct{ SpreadDescriptor string }
	} `json:",omitempty"`
	MaxReplicas uint64     `json:",omitempty"`
	Platforms   []platform `json:",omitempty"`
}

type platform struct {
	Architecture string `json:",omitempty"`
	OS           string `json:",omitempty"`
}

type networkAttachment struct {
	Target     string            `json:",omitempty"`
	Aliases    []string          `json:",omitempty"`
	DriverOpts map[string]string `json:",omitempty"`
}

type driver struct {
	Name    string            `json:",omitempty"`
	Options map[string]string `json:",omitempty"`
}

type serviceMode struct {
	Replicated *struct {
		Replicas *uint64 `json:",omitempty"`
	} `json:",omitempty"`
	Global *struct{} `json:",omitempty"`
}

type updateConfig struct {
	Parallelism     uint64
	Delay           time.Duration `json:",omitempty"`
	FailureAction   string        `json:",omitempty"`
	Monitor         time.Duration `json:",omitempty"`
	MaxFailureRatio float32
	Order           string
}

type endpointSpec struct {
	Mode  string       `json:",omitempty"`
	Ports []portConfig `json:",omitempty"`
}

type portConfig struct {
	Name          string `json:",omitempty"`
	Protocol      string `json:",omitempty"`
	TargetPort    uint32 `json:",omitempty"`
	PublishedPort uint32 `json:",omitempty"`
	PublishMode   string `json:",omitempty"`
}

// swarmService is what GET /services/{id} answers.
type swarmService struct {
	ID      string
	Version struct{ Index uint64 }
	Spec    serviceSpec
	// Endpoint is the service's endpoint as Swarm made it (mode and the ports it published).
	Endpoint struct {
		Spec  endpointSpec
		Ports []portConfig
	}
	UpdateStatus *struct{ State, Message string }
}

// swarmTask is the part of GET /tasks the convergence check reads.
type swarmTask struct {
	ID, NodeID   string
	Slot         int
	DesiredState string
	Status       struct {
		State           string
		ContainerStatus *struct{ ContainerID string }
	}
}
