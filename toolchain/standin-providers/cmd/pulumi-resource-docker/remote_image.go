package main

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"ade-platform/standin-providers/internal/bridge"
	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// remoteImageResource is docker_image of kreuzwerker/terraform-provider-docker
// v4.2.0 (internal/provider/resource_docker_image.go and _funcs.go), which
// pulumi-docker names RemoteImage: an image already local is used as it is,
// else it is pulled; name, pullTriggers, triggers and platform replace it,
// keepLocally and forceRemove update in place. The id is the image ID followed
// by the name.
var remoteImageResource = &bridge.Resource{
	Schema: bridge.Schema{
		"name":         {Replace: true},
		"imageId":      {Output: true},
		"repoDigest":   {Output: true},
		"keepLocally":  {},
		"pullTriggers": {Replace: true, Set: true},
		"forceRemove":  {},
		"build":        {},
		"triggers":     {Replace: true},
		"platform":     {Replace: true, Default: ""},
	},
	Meta:    `{"e2bfb730-ecaa-11e6-8f88-34363bc7c4c0":{"create":1200000000000,"delete":1200000000000,"update":1200000000000},"schema_version":"0"}`,
	Make:    createRemoteImage,
	Inspect: readRemoteImage,
	Change:  updateRemoteImage,
	Remove:  deleteRemoteImage,
}

type remoteImageInputs struct {
	Name, Platform           string
	KeepLocally, ForceRemove bool
	Build                    any
}

func createRemoteImage(ctx context.Context, planned resource.PropertyMap) (string, resource.PropertyMap, error) {
	var in remoteImageInputs
	if err := standin.Decode(planned, &in); err != nil {
		return "", nil, err
	}
	if in.Build != nil {
		return "", nil, fmt.Errorf("docker.RemoteImage %s: the stand-in provider does not build images here; use docker.Image (see toolchain/standin-providers/README.md)", in.Name)
	}
	found, err := findImage(ctx, in.Name, in.Platform)
	if err != nil {
		return "", nil, fmt.Errorf("Unable to read Docker image into resource: %s", err)
	}
	state, err := readRemoteImage(ctx, found.ID+in.Name, planned)
	return found.ID + in.Name, state, err
}

// readRemoteImage sets imageId and repoDigest from the local image of that
// name; an image no longer there reads as gone.
func readRemoteImage(ctx context.Context, _ string, state resource.PropertyMap) (resource.PropertyMap, error) {
	name, _ := standin.Plain(state["name"]).(string)
	found, err := localImage(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("resourceDockerImageRead: error looking up local image %q: %s", name, err)
	}
	if found == nil {
		return nil, nil
	}
	out := standin.Copy(state)
	out["imageId"] = resource.NewStringProperty(found.ID)
	out["repoDigest"] = resource.NewStringProperty(repoDigest(name, found))
	return out, nil
}

func updateRemoteImage(ctx context.Context, _ string, _, planned resource.PropertyMap) (resource.PropertyMap, error) {
	var in remoteImageInputs
	if err := standin.Decode(planned, &in); err != nil {
		return nil, err
	}
	if _, err := findImage(ctx, in.Name, in.Platform); err != nil {
		return nil, fmt.Errorf("Unable to read Docker image into resource: %s", err)
	}
	return readRemoteImage(ctx, "", planned)
}

// deleteRemoteImage removes the image's name from Docker (forced when
// forceRemove) unless keepLocally; Docker refuses while a container uses it.
func deleteRemoteImage(ctx context.Context, _ string, state resource.PropertyMap) error {
	var in remoteImageInputs
	if err := standin.Decode(state, &in); err != nil {
		return err
	}
	if in.KeepLocally {
		return nil
	}
	if in.Name == "" {
		return fmt.Errorf("Unable to remove Docker image: empty image name is not allowed")
	}
	found, err := localImage(ctx, in.Name)
	if err != nil {
		return fmt.Errorf("Unable to remove Docker image: removeImage: error looking up local image %q: %s", in.Name, err)
	}
	if found == nil {
		return nil
	}
	query := url.Values{"force": {strconv.FormatBool(in.ForceRemove)}}
	if err := daemon.Do(ctx, "DELETE", "/images/"+in.Name, query, nil, nil); err != nil {
		return fmt.Errorf("Unable to remove Docker image: %s", err)
	}
	return nil
}

// repoDigest is determineRepoDigest: the image's only repo digest, else the one
// of the name's repository, else the first; "" for an image that has none (one
// built or imported here).
func repoDigest(name string, image *imageSummary) string {
	switch len(image.RepoDigests) {
	case 0:
		return ""
	case 1:
		return image.RepoDigests[0]
	}
	repo := name
	if i := strings.Index(name, ":"); i != -1 {
		repo = name[:i]
	}
	for _, d := range image.RepoDigests {
		if strings.HasPrefix(d, repo) {
			return d
		}
	}
	return image.RepoDigests[0]
}
