package main

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"strings"

	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// getRemoteImage is the docker_image data source (data_source_docker_image.go):
// a local image by name, never pulled; an error when Docker has none.
func getRemoteImage(ctx context.Context, args resource.PropertyMap, _ providerConfig) (resource.PropertyMap, error) {
	name, _ := standin.Plain(args["name"]).(string)
	found, err := localImage(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("dataSourceDockerImageRead: error looking up local image %q: %s", name, err)
	}
	if found == nil {
		return nil, fmt.Errorf("did not find docker image '%s'", name)
	}
	return resource.PropertyMap{
		"id": resource.NewStringProperty(found.ID), "name": resource.NewStringProperty(name),
		"repoDigest": resource.NewStringProperty(repoDigest(name, found)),
	}, nil
}

// getRegistryImage is the docker_registry_image data source
// (data_source_docker_registry_image.go): the digest a registry's HTTP API v2
// reports for name's tag. The registry is reached over https unless the
// provider's registryAuth gives its address as http://...
func getRegistryImage(_ context.Context, args resource.PropertyMap, config providerConfig) (resource.PropertyMap, error) {
	name, _ := standin.Plain(args["name"]).(string)
	insecure, _ := standin.Plain(args["insecureSkipVerify"]).(bool)
	registry, repo, tag := parseImageOptions(name)
	auth := registryAuth{Address: "https://" + registry}
	for _, a := range config.registryAuth {
		if address := normalizeRegistryAddress(a.Address); hostname(address) == registry {
			auth, auth.Address = a, address
			if a.AuthDisabled {
				auth.Username, auth.Password = "username", "password"
			}
		}
	}
	digest, err := imageDigest(registry, auth, repo, tag, insecure, false)
	if err != nil {
		if digest, err = imageDigest(registry, auth, repo, tag, insecure, true); err != nil {
			return nil, fmt.Errorf("Got error when attempting to fetch image version %s:%s from registry: %s", repo, tag, err)
		}
	}
	return resource.PropertyMap{
		"id": resource.NewStringProperty(digest), "name": resource.NewStringProperty(name),
		"sha256Digest": resource.NewStringProperty(digest), "insecureSkipVerify": resource.NewBoolProperty(insecure),
	}, nil
}

func imageDigest(registry string, auth registryAuth, repo, tag string, insecure, fallback bool) (string, error) {
	transport := &http.Transport{Proxy: http.ProxyFromEnvironment}
	if strings.HasPrefix(auth.Address, "https://") {
		transport.TLSClientConfig = &tls.Config{InsecureSkipVerify: insecure}
	}
	req, err := http.NewRequest("HEAD", auth.Address+"/v2/"+repo+"/manifests/"+tag, nil)
	if err != nil {
		return "", fmt.Errorf("Error creating registry request: %s", err)
	}
	if auth.Username != "" {
		req.SetBasicAuth(auth.Username, auth.Password)
	}
	for _, accept := range []string{"application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.distribution.manifest.list.v2+json",
		"application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json"} {
		req.Header.Add("Accept", accept)
	}
	if fallback {
		req.Header.Set("Accept", "application/vnd.docker.distribution.manifest.v1+prettyjws")
	}
	resp, err := (&http.Client{Transport: transport}).Do(req)
	if err != nil {
		return "", fmt.Errorf("Error during registry request: %s", err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		if digest := resp.Header.Get("Docker-Content-Digest"); digest != "" {
			return digest, nil
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil || len(body) == 0 {
			return "", fmt.Errorf("error reading registry response body: %v", err)
		}
		return fmt.Sprintf("sha256:%x", sha256.Sum256(body)), nil
	case http.StatusUnauthorized:
		return "", fmt.Errorf("registry %s asks for token authentication, which the stand-in provider does not implement (see toolchain/standin-providers/README.md)", registry)
	default:
		return "", fmt.Errorf("got bad response from registry: %s", resp.Status)
	}
}

// parseImageOptions splits a name into registry, repository and tag as the
// Terraform provider does: registry-1.docker.io and library/ for short names,
// "latest" without a tag, the digest when the name pins one.
func parseImageOptions(image string) (registry, repo, tag string) {
	repo = image
	slash := strings.Index(image, "/")
	if strings.Count(image, "/") > 1 || slash != -1 && (strings.ContainsAny(image[:slash], ".:") || image[:slash] == "localhost") {
		registry = image[:slash]
	}
	if i := strings.Index(image[len(registry):], ":"); i != -1 {
		repo, tag = image[:len(registry)+i], image[len(registry)+i+1:]
		if at := strings.Index(tag, "@"); at != -1 {
			tag = tag[at+1:]
		}
	}
	if tag == "" {
		tag = "latest"
	}
	if registry == "" {
		registry = "registry-1.docker.io"
		if !strings.Contains(repo, "/") {
			repo = "library/" + repo
		}
	} else {
		repo = strings.Replace(repo, registry+"/", "", 1)
	}
	return registry, repo, tag
}

func normalizeRegistryAddress(address string) string {
	if strings.HasPrefix(address, "http://") || strings.HasPrefix(address, "https://") {
		return address
	}
	return "https://" + address
}

func hostname(address string) string {
	host := strings.TrimPrefix(strings.TrimPrefix(address, "http://"), "https://")
	host, _, _ = strings.Cut(host, "/")
	return host
}
