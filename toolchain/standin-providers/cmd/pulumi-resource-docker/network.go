package main

import (
	"context"

	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

type labelList = []struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// network: docker network create/rm. Docker cannot change a network in place.
type network struct{}

func (network) check(resource.PropertyMap) error { return nil }
func (network) outputOnly() []string             { return nil }

func (network) diff(olds, news resource.PropertyMap, ignore []string) *pulumirpc.DiffResponse {
	return standin.Diff(standin.ChangedKeys(olds, news, ignore), true, nil, true)
}

func (network) create(ctx context.Context, news resource.PropertyMap, preview bool) (string, resource.PropertyMap, error) {
	if preview {
		return "", standin.Copy(news), nil
	}
	var in struct {
		Name     string    `json:"name"`
		Driver   string    `json:"driver"`
		Internal bool      `json:"internal"`
		Labels   labelList `json:"labels"`
	}
	if err := standin.Decode(news, &in); err != nil {
		return "", nil, err
	}
	args := []string{"network", "create"}
	if in.Driver != "" {
		args = append(args, "--driver", in.Driver)
	}
	if in.Internal {
		args = append(args, "--internal")
	}
	args = append(append(args, labelArgs(in.Labels)...), in.Name)
	id, err := standin.Docker(ctx, nil, args...)
	if err != nil {
		return "", nil, err
	}
	return id, outputsWithName(news, in.Name), nil
}

func (network) exists(ctx context.Context, id string) (bool, error) {
	return inspectExists(ctx, "network", id)
}

func (network) delete(ctx context.Context, id string, _ resource.PropertyMap) error {
	return removeIgnoringMissing(ctx, "network", "rm", id)
}

// volume: docker volume create/rm. Its id is its name.
type volume struct{}

func (volume) check(resource.PropertyMap) error { return nil }
func (volume) outputOnly() []string             { return nil }

func (volume) diff(olds, news resource.PropertyMap, ignore []string) *pulumirpc.DiffResponse {
	return standin.Diff(standin.ChangedKeys(olds, news, ignore), true, nil, true)
}

func (volume) create(ctx context.Context, news resource.PropertyMap, preview bool) (string, resource.PropertyMap, error) {
	if preview {
		return "", standin.Copy(news), nil
	}
	var in struct {
		Name   string    `json:"name"`
		Driver string    `json:"driver"`
		Labels labelList `json:"labels"`
	}
	if err := standin.Decode(news, &in); err != nil {
		return "", nil, err
	}
	args := []string{"volume", "create"}
	if in.Driver != "" {
		args = append(args, "--driver", in.Driver)
	}
	args = append(args, labelArgs(in.Labels)...)
	if in.Name != "" {
		args = append(args, in.Name)
	}
	name, err := standin.Docker(ctx, nil, args...)
	if err != nil {
		return "", nil, err
	}
	return name, outputsWithName(news, name), nil
}

func (volume) exists(ctx context.Context, id string) (bool, error) {
	return inspectExists(ctx, "volume", id)
}

func (volume) delete(ctx context.Context, id string, _ resource.PropertyMap) error {
	return removeIgnoringMissing(ctx, "volume", "rm", id)
}
