package main

import (
	"context"
	"fmt"
	"time"

	"ade-platform/standin-providers/internal/bridge"
	"ade-platform/standin-providers/internal/engine"
	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// volumeResource is docker_volume of kreuzwerker/terraform-provider-docker v4.2.0
// (internal/provider/resource_docker_volume.go): name, labels, driver and
// driverOpts are ForceNew; its Update only changes Swarm cluster volumes, which
// the stand-in does not make. The id is the volume's name.
var volumeResource = &bridge.Resource{
	Schema: bridge.Schema{
		"name":       {Replace: true, Computed: true},
		"labels":     {Replace: true, Set: true, Elem: labelRules},
		"driver":     {Replace: true, Computed: true},
		"driverOpts": {Replace: true},
		"cluster":    {},
		"mountpoint": {Output: true},
	},
	Meta:    `{"schema_version":"1"}`,
	Make:    createVolume,
	Inspect: readVolume,
	Change:  keepPlanned,
	Remove:  deleteVolume,
}

// keepPlanned is an Update that changes nothing in Docker.
func keepPlanned(context.Context, string, resource.PropertyMap, resource.PropertyMap) (resource.PropertyMap, error) {
	return nil, nil
}

func createVolume(ctx context.Context, planned resource.PropertyMap) (string, resource.PropertyMap, error) {
	var in struct {
		Name, Driver string
		Labels       []label
		DriverOpts   map[string]string
		Cluster      any
	}
	if err := standin.Decode(planned, &in); err != nil {
		return "", nil, err
	}
	if in.Cluster != nil {
		return "", nil, fmt.Errorf("docker.Volume %s: the stand-in provider does not make Swarm cluster volumes (see toolchain/standin-providers/README.md)", in.Name)
	}
	body := map[string]any{"Name": in.Name, "Labels": labelMap(in.Labels), "Driver": in.Driver, "DriverOpts": in.DriverOpts}
	return createThenRead(ctx, "volume", "/volumes/create", body, "Name", planned, readVolume)
}

// readVolume is resourceDockerVolumeRead: name, labels, driver, options and mountpoint as Docker has them.
func readVolume(ctx context.Context, id string, state resource.PropertyMap) (resource.PropertyMap, error) {
	var v struct {
		Name, Driver, Mountpoint string
		Labels, Options          map[string]string
	}
	if err := daemon.Do(ctx, "GET", "/volumes/"+id, nil, nil, &v); err != nil {
		if engine.IsNotFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("Unable to inspect volume: %s", err)
	}
	out := standin.Copy(state)
	out["name"] = resource.NewStringProperty(v.Name)
	out["labels"] = labelSet(v.Labels)
	out["driver"] = resource.NewStringProperty(v.Driver)
	out["driverOpts"] = standin.Encode(orEmpty(v.Options))
	out["mountpoint"] = resource.NewStringProperty(v.Mountpoint)
	return out, nil
}

// deleteVolume removes the volume (forced), retrying while a container uses it, for up to 30 s.
func deleteVolume(ctx context.Context, id string, _ resource.PropertyMap) error {
	return retry(ctx, 30*time.Second, func() (bool, error) {
		err := daemon.Do(ctx, "DELETE", "/volumes/"+id, map[string][]string{"force": {"true"}}, nil, nil)
		switch {
		case err == nil:
			return true, nil
		case ignorable(err, "volume is in use"):
			return false, nil
		default:
			return false, err
		}
	})
}
