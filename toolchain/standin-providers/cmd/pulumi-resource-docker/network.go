package main

import (
	"context"
	"time"

	"ade-platform/standin-providers/internal/bridge"
	"ade-platform/standin-providers/internal/engine"
	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// labelRules are the {label, value} blocks of every resource's labels.
var labelRules = bridge.Schema{"label": {}, "value": {}}

// networkResource is docker_network of kreuzwerker/terraform-provider-docker
// v4.2.0 (internal/provider/resource_docker_network.go): every attribute is
// ForceNew and there is no Update, so any change replaces the network.
var networkResource = &bridge.Resource{
	Schema: bridge.Schema{
		"name":        {Replace: true},
		"labels":      {Replace: true, Set: true, Elem: labelRules},
		"driver":      {Replace: true, Computed: true},
		"options":     {Replace: true, Computed: true},
		"internal":    {Replace: true, Computed: true},
		"attachable":  {Replace: true},
		"ingress":     {Replace: true},
		"ipv6":        {Replace: true},
		"ipamDriver":  {Replace: true, Default: "default"},
		"ipamOptions": {Replace: true},
		"ipamConfigs": {Replace: true, Computed: true, Set: true},
		"scope":       {Output: true},
	},
	Meta:    `{"schema_version":"1"}`,
	Make:    createNetwork,
	Inspect: readNetwork,
	Remove:  deleteNetwork,
}

type ipamConfig struct {
	Subnet     string            `json:"subnet,omitempty"`
	IPRange    string            `json:"ipRange,omitempty"`
	Gateway    string            `json:"gateway,omitempty"`
	AuxAddress map[string]string `json:"auxAddress,omitempty"`
}

// networkInputs are decoded by name, case-insensitively (ipv6, ipamDriver, ...).
type networkInputs struct {
	Name, Driver, IpamDriver      string
	Labels                        []label
	Options, IpamOptions          map[string]string
	Internal, Attachable, Ingress bool
	IPv6                          *bool
	IpamConfigs                   []ipamConfig
}

// createNetwork sends what resourceDockerNetworkCreate sends (the Docker client
// adds CheckDuplicate below API 1.44), then reads the network back.
func createNetwork(ctx context.Context, planned resource.PropertyMap) (string, resource.PropertyMap, error) {
	var in networkInputs
	if err := standin.Decode(planned, &in); err != nil {
		return "", nil, err
	}
	ipamConfigs := []map[string]any{}
	for _, c := range in.IpamConfigs {
		ipamConfigs = append(ipamConfigs, map[string]any{"Subnet": c.Subnet, "IPRange": c.IPRange, "Gateway": c.Gateway, "AuxiliaryAddresses": c.AuxAddress})
	}
	body := map[string]any{
		"Name": in.Name, "CheckDuplicate": true, "Driver": in.Driver, "Options": in.Options, "Labels": labelMap(in.Labels),
		"Internal": in.Internal, "Attachable": in.Attachable, "Ingress": in.Ingress, "EnableIPv6": in.IPv6,
		"IPAM": map[string]any{"Driver": in.IpamDriver, "Options": in.IpamOptions, "Config": ipamConfigs},
	}
	return createThenRead(ctx, "network", "/networks/create", body, "Id", planned, readNetwork)
}

// readNetwork is resourceDockerNetworkRead: after 2 s (StateChangeConf Delay),
// inspect the network; any inspect error means gone. The wait matters for a
// Swarm network, which Docker reports without driver, options and IPAM until
// its manager has allocated it. (The provider would also wait while an
// "overlay"-scoped network shows no options, but Docker reports the scope of
// an overlay network as "swarm", so it never does.)
func readNetwork(ctx context.Context, id string, state resource.PropertyMap) (resource.PropertyMap, error) {
	var out resource.PropertyMap
	err := bridge.StateChange{
		Pending: []string{"pending"}, Target: []string{"all_fields", "removed"},
		Timeout: 30 * time.Second, MinTimeout: 5 * time.Second, Delay: 2 * time.Second,
		Refresh: func() (string, error) {
			out = inspectNetwork(ctx, id, state)
			return "all_fields", nil
		},
	}.Wait(ctx)
	return out, err
}

// inspectNetwork is resourceDockerNetworkReadRefreshFunc: the state with what Docker reports, nil when gone.
func inspectNetwork(ctx context.Context, id string, state resource.PropertyMap) resource.PropertyMap {
	var n struct {
		Name, Driver, Scope           string
		Internal, Attachable, Ingress bool
		EnableIPv6                    bool
		Labels, Options               map[string]string
		IPAM                          struct {
			Driver  string
			Options map[string]string
			Config  []struct {
				Subnet, IPRange, Gateway string
				AuxiliaryAddresses       map[string]string
			}
		}
	}
	if err := daemon.Do(ctx, "GET", "/networks/"+id, nil, nil, &n); err != nil {
		return nil
	}
	configs := []ipamConfig{}
	for _, c := range n.IPAM.Config {
		configs = append(configs, ipamConfig{Subnet: c.Subnet, IPRange: c.IPRange, Gateway: c.Gateway, AuxAddress: c.AuxiliaryAddresses})
	}
	out := standin.Copy(state)
	for k, v := range map[string]any{
		"name": n.Name, "driver": n.Driver, "internal": n.Internal, "attachable": n.Attachable, "ingress": n.Ingress,
		"ipv6": n.EnableIPv6, "ipamDriver": n.IPAM.Driver, "ipamOptions": orEmpty(n.IPAM.Options), "scope": n.Scope,
		"options": orEmpty(n.Options), "ipamConfigs": configs,
	} {
		out[resource.PropertyKey(k)] = standin.Encode(v)
	}
	out["labels"] = labelSet(n.Labels)
	return out
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// deleteNetwork retries while containers are still attached, for up to 30 s.
func deleteNetwork(ctx context.Context, id string, _ resource.PropertyMap) error {
	return retry(ctx, 30*time.Second, func() (bool, error) {
		if err := daemon.Do(ctx, "GET", "/networks/"+id, nil, nil, nil); err != nil {
			return true, nil
		}
		err := daemon.Do(ctx, "DELETE", "/networks/"+id, nil, nil, nil)
		switch {
		case err == nil || engine.IsNotFound(err):
			return true, nil
		case ignorable(err, "has active endpoints"):
			return false, nil
		default:
			return false, err
		}
	})
}
