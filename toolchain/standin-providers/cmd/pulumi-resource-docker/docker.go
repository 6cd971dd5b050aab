package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"ade-platform/standin-providers/internal/engine"
	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// providerConfig is the provider's configuration the stand-in honours: the
// daemon's address (host, else DOCKER_HOST, else the local socket) and the
// registries it may authenticate to (and, through "http://", reach without TLS).
type providerConfig struct {
	host         string
	registryAuth []registryAuth
}

type registryAuth struct {
	Address      string `json:"address"`
	Username     string `json:"username"`
	Password     string `json:"password"`
	AuthDisabled bool   `json:"authDisabled"`
}

func readProviderConfig(vars map[string]string) (providerConfig, error) {
	for _, k := range []string{"certPath", "caMaterial", "certMaterial", "keyMaterial", "context", "sshOpts"} {
		if v := vars["docker:config:"+k]; v != "" && v != "[]" {
			return providerConfig{}, fmt.Errorf("the stand-in docker provider reaches a daemon over unix:// or plain tcp:// only: docker:%s is not implemented (see toolchain/standin-providers/README.md)", k)
		}
	}
	c := providerConfig{host: vars["docker:config:host"]}
	if c.host == "" {
		c.host = engine.DefaultHost()
	}
	raw, ok := vars["docker:config:registryAuth"]
	if !ok || raw == "" {
		return c, nil
	}
	if err := json.Unmarshal([]byte(raw), &c.registryAuth); err != nil {
		return c, fmt.Errorf("docker:config:registryAuth must be a list of {address, username, password, authDisabled} (got %d characters that are not one): %w", len(raw), err)
	}
	return c, nil
}

// label is the {label, value} pair the Terraform schemas use for Docker labels.
type label struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

func labelMap(labels []label) map[string]string {
	if len(labels) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, l := range labels {
		out[l.Label] = l.Value
	}
	return out
}

// labelSet is mapToLabelSet of the Terraform provider: what Docker holds, as a set.
func labelSet(m map[string]string) resource.PropertyValue {
	return standin.Encode(labelList(m))
}

// labelList is the {label, value} list of a map, by label.
func labelList(m map[string]string) []label {
	out := []label{}
	for _, k := range sortedKeys(m) {
		out = append(out, label{Label: k, Value: m[k]})
	}
	return out
}

func sortedKeys[T any](m map[string]T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// createThenRead posts body to create an object, takes its id from the answer's
// field idField, and reads the object back, as each Terraform create ends.
func createThenRead(ctx context.Context, what, path string, body map[string]any, idField string, planned resource.PropertyMap,
	read func(context.Context, string, resource.PropertyMap) (resource.PropertyMap, error)) (string, resource.PropertyMap, error) {
	var created map[string]any
	if err := daemon.Do(ctx, "POST", path, nil, body, &created); err != nil {
		return "", nil, fmt.Errorf("Unable to create %s: %s", what, err)
	}
	id, _ := created[idField].(string)
	state, err := read(ctx, id, planned)
	return id, state, err
}

// imageSummary is the part of Docker's image list the providers use.
type imageSummary struct {
	ID          string   `json:"Id"`
	RepoTags    []string `json:"RepoTags"`
	RepoDigests []string `json:"RepoDigests"`
}

// localImage is searchLocalImages of the Terraform provider: the image Docker
// resolves the name to, or nil when it has none.
func localImage(ctx context.Context, name string) (*imageSummary, error) {
	var inspect struct {
		ID string `json:"Id"`
	}
	if err := daemon.Do(ctx, "GET", "/images/"+name+"/json", nil, nil, &inspect); err != nil {
		if engine.IsNotFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("unable to inspect image %s: %w", name, err)
	}
	var list []imageSummary
	if err := daemon.Do(ctx, "GET", "/images/json", nil, nil, &list); err != nil {
		return nil, fmt.Errorf("unable to list Docker images: %w", err)
	}
	for i := range list {
		if list[i].ID == inspect.ID {
			return &list[i], nil
		}
	}
	return nil, nil
}

// findImage is the Terraform provider's findImage: the local image, else a pull.
func findImage(ctx context.Context, name, platform string) (*imageSummary, error) {
	if name == "" {
		return nil, fmt.Errorf("empty image name is not allowed")
	}
	found, err := localImage(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("findImage1: error looking up local image %q: %w", name, err)
	}
	if found != nil {
		return found, nil
	}
	repo, tag := pullReference(name)
	query := url.Values{"fromImage": {repo}, "tag": {tag}}
	if platform != "" {
		query.Set("platform", strings.ToLower(platform))
	}
	if _, err := daemon.Stream(ctx, "POST", "/images/create", query); err != nil {
		return nil, fmt.Errorf("unable to pull image %s: error pulling image %s: %w", name, name, err)
	}
	if found, err = localImage(ctx, name); err != nil {
		return nil, fmt.Errorf("findImage2: error looking up local image %q: %w", name, err)
	}
	if found == nil {
		return nil, fmt.Errorf("unable to find or pull image %s", name)
	}
	return found, nil
}

// pullReference is what the Docker client sends for a pull: the normalized
// repository (docker.io/library/... for short names) and the tag or digest.
func pullReference(name string) (string, string) {
	repo, tag := name, "latest"
	if at := strings.Index(name, "@"); at >= 0 {
		repo, tag = name[:at], name[at+1:]
	} else if colon := strings.LastIndex(name, ":"); colon > strings.LastIndex(name, "/") {
		repo, tag = name[:colon], name[colon+1:]
	}
	first, _, hasSlash := strings.Cut(repo, "/")
	switch {
	case !hasSlash:
		repo = "docker.io/library/" + repo
	case !strings.ContainsAny(first, ".:") && first != "localhost":
		repo = "docker.io/" + repo
	}
	return repo, tag
}

// retry is the Terraform SDK's StateChangeConf as the providers use it: try
// until done, pausing while the object is still busy, up to the timeout.
func retry(ctx context.Context, timeout time.Duration, try func() (done bool, err error)) error {
	deadline := time.Now().Add(timeout)
	for {
		done, err := try()
		if err != nil || done {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timeout while waiting for state to become 'removed' (timeout: %s)", timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}

// ignorable is containsIgnorableErrorMessage of the Terraform provider.
func ignorable(err error, messages ...string) bool {
	for _, m := range messages {
		if strings.Contains(strings.ToLower(err.Error()), strings.ToLower(m)) {
			return true
		}
	}
	return false
}
