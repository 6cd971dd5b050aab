package main

import (
	"context"
	"encoding/base64"
	"fmt"

	"ade-platform/standin-providers/internal/bridge"
	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// secretResource is docker_secret of kreuzwerker/terraform-provider-docker
// v4.2.0 (internal/provider/resource_docker_secret.go): name, data (base64,
// Sensitive, so a Pulumi secret) and labels are ForceNew and there is no
// Update. pulumi-docker sets no DeleteBeforeReplace for it, so a replacement
// creates the new secret before it deletes the old one: under the same name
// Docker refuses that ("already exists"). Docker never gives a secret's data
// back: its read sets the name only, so data and labels stay as stored. A
// secret a service still uses cannot be deleted; the delete fails with
// Docker's error, without retrying.
var secretResource = &bridge.Resource{
	Schema: bridge.Schema{
		"name":   {Replace: true},
		"data":   {Replace: true},
		"labels": {Replace: true, Set: true, Elem: labelRules},
	},
	Meta:     `{"schema_version":"1"}`,
	Validate: validateData,
	Make: func(ctx context.Context, planned resource.PropertyMap) (string, resource.PropertyMap, error) {
		return createSwarmObject(ctx, "secrets", planned, readSecret)
	},
	Inspect: readSecret,
	Remove: func(ctx context.Context, id string, _ resource.PropertyMap) error {
		return daemon.Do(ctx, "DELETE", "/secrets/"+id, nil, nil, nil)
	},
}

// serviceConfigResource is docker_config of the same provider
// (resource_docker_config.go), which pulumi-docker names ServiceConfig: the
// same as a secret, except that Docker gives its data back. Its read sets
// name, labels and data, the data as standard base64 with padding, so data
// given in another base64 form (URL-safe, unpadded) reads back different and
// replaces the config on every update.
var serviceConfigResource = &bridge.Resource{
	Schema: bridge.Schema{
		"name":   {Replace: true},
		"data":   {Replace: true},
		"labels": {Replace: true, Set: true, Elem: labelRules},
	},
	Validate: validateData,
	Make: func(ctx context.Context, planned resource.PropertyMap) (string, resource.PropertyMap, error) {
		return createSwarmObject(ctx, "configs", planned, readServiceConfig)
	},
	Inspect: readServiceConfig,
	Remove: func(ctx context.Context, id string, _ resource.PropertyMap) error {
		return daemon.Do(ctx, "DELETE", "/configs/"+id, nil, nil, nil)
	},
}

// createSwarmObject creates a secret or config from name, data (base64,
// decoded) and labels, then reads it back.
func createSwarmObject(ctx context.Context, kind string, planned resource.PropertyMap,
	read func(context.Context, string, resource.PropertyMap) (resource.PropertyMap, error)) (string, resource.PropertyMap, error) {
	var in struct {
		Name, Data string
		Labels     []label
	}
	if err := standin.Decode(planned, &in); err != nil {
		return "", nil, err
	}
	data, _ := base64.StdEncoding.DecodeString(in.Data)
	spec := map[string]any{"Name": in.Name, "Data": data}
	if len(in.Labels) > 0 {
		spec["Labels"] = labelMap(in.Labels)
	}
	var created struct{ ID string }
	if err := daemon.Do(ctx, "POST", "/"+kind+"/create", nil, spec, &created); err != nil {
		return "", nil, err
	}
	state, err := read(ctx, created.ID, planned)
	return created.ID, state, err
}

// validateData is validateStringIsBase64Encoded: data must be standard,
// padded base64. The real message shows the value; a secret's is not shown here.
func validateData(inputs resource.PropertyMap) []bridge.Failure {
	data := inputs["data"]
	value, known := standin.Plain(data).(string)
	if !known || data.ContainsUnknowns() {
		return nil
	}
	if _, err := base64.StdEncoding.DecodeString(value); err == nil {
		return nil
	}
	if data.ContainsSecrets() {
		value = "[secret]"
	}
	return []bridge.Failure{{Property: "data", Summary: fmt.Sprintf("'%v' is not base64 decodeable", value)}}
}

// readSecret is resourceDockerSecretRead: any error inspecting it means gone; only the name is read.
func readSecret(ctx context.Context, id string, state resource.PropertyMap) (resource.PropertyMap, error) {
	var s struct{ Spec struct{ Name string } }
	if err := daemon.Do(ctx, "GET", "/secrets/"+id, nil, nil, &s); err != nil {
		return nil, nil
	}
	out := standin.Copy(state)
	out["name"] = resource.NewStringProperty(s.Spec.Name)
	return out, nil
}

// readServiceConfig is resourceDockerConfigRead: name, data and labels as Docker has them.
func readServiceConfig(ctx context.Context, id string, state resource.PropertyMap) (resource.PropertyMap, error) {
	var c struct {
		Spec struct {
			Name   string
			Data   []byte
			Labels map[string]string
		}
	}
	if err := daemon.Do(ctx, "GET", "/configs/"+id, nil, nil, &c); err != nil {
		return nil, nil
	}
	out := standin.Copy(state)
	out["name"] = resource.NewStringProperty(c.Spec.Name)
	out["data"] = resource.NewStringProperty(base64.StdEncoding.EncodeToString(c.Spec.Data))
	out["labels"] = labelSet(c.Spec.Labels)
	return out, nil
}
