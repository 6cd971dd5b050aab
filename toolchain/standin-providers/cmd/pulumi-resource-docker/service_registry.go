package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/distribution/reference"
	"github.com/opencontainers/go-digest"
)

// taggedImage is imageWithTagString of the Docker Go client, which the
// client's ServiceCreate and ServiceUpdate apply: the familiar form with
// ":latest" added to a name without tag or digest.
func taggedImage(image string) string {
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return image
	}
	return reference.FamiliarString(reference.TagNameOnly(named))
}

// pinnedImage is the Docker Go client's resolveContainerSpecImage, which the
// provider asks for on create only (QueryRegistry): the daemon asks the
// image's registry for its digest; when it answers, the image is pinned to it
// and the placement gets the image's platforms; when it cannot, the image
// stays as it is (Docker's warning "could not be accessed on a registry to
// record its digest").
func pinnedImage(ctx context.Context, task *taskSpec, auth string) {
	var inspect struct {
		Descriptor struct{ Digest string }
		Platforms  []struct{ Architecture, OS string }
	}
	image := task.ContainerSpec.Image
	header := http.Header{"X-Registry-Auth": {auth}}
	if err := daemon.DoWithHeader(ctx, "GET", "/distribution/"+image+"/json", nil, header, nil, &inspect); err != nil {
		return
	}
	if named, err := reference.ParseNormalizedNamed(image); err == nil {
		if _, canonical := named.(reference.Canonical); !canonical {
			if withDigest, err := reference.WithDigest(named, digest.Digest(inspect.Descriptor.Digest)); err == nil {
				task.ContainerSpec.Image = reference.FamiliarString(withDigest)
			}
		}
	}
	if len(inspect.Platforms) > 0 {
		if task.Placement == nil {
			task.Placement = &placement{}
		}
		task.Placement.Platforms = nil
		for _, p := range inspect.Platforms {
			arch := p.Architecture
			if strings.ToLower(arch) == "arm" {
				arch = ""
			}
			task.Placement.Platforms = append(task.Placement.Platforms, platform{Architecture: arch, OS: p.OS})
		}
	}
}

// registryAuthHeader is retrieveAndMarshalAuth: the service's auth when it
// gives a username and password, else the provider's registryAuth for the
// image's registry (the part of the name before the first "/"), else none;
// base64url of its JSON, as the X-Registry-Auth header.
func registryAuthHeader(in serviceInputs, config providerConfig) string {
	type authConfig struct {
		Username      string `json:"username,omitempty"`
		Password      string `json:"password,omitempty"`
		ServerAddress string `json:"serveraddress,omitempty"`
	}
	var auth authConfig
	if a := in.Auth; a != nil {
		if a.Username != "" && a.Password != "" {
			auth = authConfig{a.Username, a.Password, a.ServerAddress}
		}
	} else if in.TaskSpec.ContainerSpec != nil {
		image := strings.TrimPrefix(strings.TrimPrefix(in.TaskSpec.ContainerSpec.Image, "http://"), "https://")
		if registry, _, found := strings.Cut(image, "/"); found {
			for _, r := range config.registryAuth {
				address := normalizeRegistryAddress(r.Address)
				if hostname(address) != registry {
					continue
				}
				auth = authConfig{r.Username, r.Password, address}
				if r.AuthDisabled {
					auth.Username, auth.Password = "username", "password"
				}
			}
		}
	}
	raw, _ := json.Marshal(auth)
	return base64.URLEncoding.EncodeToString(raw)
}
