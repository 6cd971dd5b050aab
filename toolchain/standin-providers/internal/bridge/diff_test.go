package bridge

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

var schema = Schema{
	"name":        {Replace: true},
	"memory":      {},
	"memorySwap":  {},
	"hostname":    {Replace: true, Computed: true},
	"envs":        {Replace: true, Set: true},
	"restart":     {Default: "no"},
	"user":        {Replace: true, Same: func(_, in resource.PropertyValue) bool { return in.IsNull() }},
	"exitCode":    {Output: true},
	"healthcheck": {Computed: true, Elem: Schema{"interval": {Default: "0s"}}},
}

func props(m map[string]any) resource.PropertyMap { return resource.NewPropertyMapFromMap(m) }

func TestDiffPlansWhatTerraformPlans(t *testing.T) {
	stored := map[string]any{"name": "c", "memory": 64, "memorySwap": 128, "hostname": "abc", "envs": []any{"A=1", "B=2"}, "restart": "no", "user": "999", "exitCode": nil}
	cases := []struct {
		name    string
		inputs  map[string]any
		diff    map[string]pulumirpc.PropertyDiff_Kind
		replace []string
	}{
		{"a value Docker filled in that the input lacks is planned away", map[string]any{"name": "c", "memory": 64, "envs": []any{"A=1", "B=2"}, "restart": "no"},
			map[string]pulumirpc.PropertyDiff_Kind{"memorySwap": pulumirpc.PropertyDiff_DELETE}, nil},
		{"the same set in another order, a Computed value and a suppressed one are no change", map[string]any{"name": "c", "memory": 64, "memorySwap": 128, "envs": []any{"B=2", "A=1"}, "restart": "no"},
			map[string]pulumirpc.PropertyDiff_Kind{}, nil},
		{"a ForceNew change replaces", map[string]any{"name": "c", "memory": 64, "memorySwap": 128, "envs": []any{"A=1"}, "restart": "no"},
			map[string]pulumirpc.PropertyDiff_Kind{"envs": pulumirpc.PropertyDiff_UPDATE_REPLACE}, []string{"envs"}},
		{"zero and absent are the same", map[string]any{"name": "c", "memory": 64, "memorySwap": 128, "envs": []any{"A=1", "B=2"}, "restart": "no", "exitCode": 0},
			map[string]pulumirpc.PropertyDiff_Kind{}, nil},
		{"an unknown input is a change", map[string]any{"name": "c", "memory": resource.MakeComputed(resource.NewNumberProperty(0)), "memorySwap": 128, "envs": []any{"A=1", "B=2"}, "restart": "no"},
			map[string]pulumirpc.PropertyDiff_Kind{"memory": pulumirpc.PropertyDiff_UPDATE}, nil},
		{"a value the state never had is added", map[string]any{"name": "c", "memory": 64, "memorySwap": 128, "envs": []any{"A=1", "B=2"}, "restart": "no", "healthcheck": map[string]any{"interval": "1s"}},
			map[string]pulumirpc.PropertyDiff_Kind{"healthcheck": pulumirpc.PropertyDiff_ADD}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := schema.Diff(props(stored), props(c.inputs), nil, true)
			got := map[string]pulumirpc.PropertyDiff_Kind{}
			for k, d := range resp.GetDetailedDiff() {
				got[k] = d.GetKind()
			}
			if !reflect.DeepEqual(got, c.diff) || !reflect.DeepEqual(resp.GetReplaces(), c.replace) {
				t.Fatalf("diff %v replaces %v, want %v and %v", got, resp.GetReplaces(), c.diff, c.replace)
			}
			if resp.GetDeleteBeforeReplace() != (len(c.replace) > 0) {
				t.Fatalf("deleteBeforeReplace %v with replaces %v", resp.GetDeleteBeforeReplace(), c.replace)
			}
		})
	}
}

func TestPlannedKeepsComputedAndDropsWhatTheInputLacks(t *testing.T) {
	stored := props(map[string]any{"name": "c", "memory": 64, "memorySwap": 128, "hostname": "abc", "exitCode": 3})
	planned := schema.Planned(stored, props(map[string]any{"name": "c", "memory": 96}), nil, false)
	want := map[string]any{"name": "c", "memory": 96.0, "memorySwap": nil, "hostname": "abc", "exitCode": 3.0}
	for k, v := range want {
		if got := planned[resource.PropertyKey(k)].Mappable(); !reflect.DeepEqual(got, v) {
			t.Errorf("%s: %v, want %v", k, got, v)
		}
	}
	if !schema.Planned(nil, props(map[string]any{"name": "c"}), nil, true)["hostname"].IsComputed() {
		t.Error("a Computed attribute is unknown in the preview of a create")
	}
}

func TestApplyDefaultsFillsNestedBlocks(t *testing.T) {
	m := props(map[string]any{"healthcheck": map[string]any{"tests": []any{"CMD", "true"}}})
	schema.ApplyDefaults(m)
	if m["restart"].StringValue() != "no" || m["healthcheck"].ObjectValue()["interval"].StringValue() != "0s" {
		t.Fatalf("defaults not applied: %v", m)
	}
}

func TestRefreshInputsTakeTheReadValuesOfTheOldInputs(t *testing.T) {
	got := RefreshInputs(props(map[string]any{"memory": 64, "healthcheck": map[string]any{"interval": "2s"}}),
		props(map[string]any{"memory": 64, "memorySwap": 128, "healthcheck": map[string]any{"interval": "1s", "retries": 3}}))
	want := map[string]any{"memory": 64.0, "healthcheck": map[string]any{"interval": "1s"}}
	if !reflect.DeepEqual(got.Mappable(), want) {
		t.Fatalf("%v, want %v", got.Mappable(), want)
	}
}

var nested = Schema{
	"name": {Replace: true},
	"mode": {BlockReplace: true, Computed: true, Elem: Schema{"replicated": {Computed: true}}},
	"task": {Elem: Schema{
		"restart":  {Computed: true},
		"spec":     {Elem: Schema{"hosts": {Replace: true, Set: true}, "grace": {Computed: true}}},
		"networks": {Set: true, Elem: Schema{"id": {Replace: true}, "aliases": {Replace: true, Set: true}}},
	}},
}

func TestNestedRulesPlanAsTerraformDoes(t *testing.T) {
	stored := map[string]any{
		"name": "s", "mode": map[string]any{"replicated": map[string]any{"replicas": 1}},
		"task": map[string]any{
			"restart":  map[string]any{"condition": "any", "maxAttempts": 0},
			"spec":     map[string]any{"image": "a:1", "grace": "0s"},
			"networks": []any{map[string]any{"id": "n1", "aliases": []any{"x"}}},
		},
	}
	task := func(change func(map[string]any)) map[string]any {
		spec := map[string]any{"image": "a:1"}
		m := map[string]any{"spec": spec, "networks": []any{map[string]any{"id": "n1", "aliases": []any{"x"}}}}
		change(m)
		return m
	}
	cases := []struct {
		name    string
		inputs  map[string]any
		diff    map[string]pulumirpc.PropertyDiff_Kind
		replace []string
	}{
		{"nested Optional+Computed fields the input leaves out keep Docker's values", map[string]any{"name": "s", "task": task(func(map[string]any) {})},
			map[string]pulumirpc.PropertyDiff_Kind{}, nil},
		{"a nested change that is not ForceNew updates in place", map[string]any{"name": "s", "task": task(func(m map[string]any) { m["spec"].(map[string]any)["image"] = "a:2" })},
			map[string]pulumirpc.PropertyDiff_Kind{"task": pulumirpc.PropertyDiff_UPDATE}, nil},
		{"a nested block given in part plans its other fields away", map[string]any{"name": "s", "task": task(func(m map[string]any) { m["restart"] = map[string]any{"condition": "any", "delay": "5s"} })},
			map[string]pulumirpc.PropertyDiff_Kind{"task": pulumirpc.PropertyDiff_UPDATE}, nil},
		{"a ForceNew field inside a block replaces", map[string]any{"name": "s", "task": task(func(m map[string]any) { m["spec"].(map[string]any)["hosts"] = []any{"h"} })},
			map[string]pulumirpc.PropertyDiff_Kind{"task": pulumirpc.PropertyDiff_UPDATE_REPLACE}, []string{"task"}},
		{"a changed element of a set whose fields are ForceNew replaces", map[string]any{"name": "s", "task": task(func(m map[string]any) { m["networks"] = []any{map[string]any{"name": "net"}} })},
			map[string]pulumirpc.PropertyDiff_Kind{"task": pulumirpc.PropertyDiff_UPDATE_REPLACE}, []string{"task"}},
		{"a change inside a ForceNew block updates in place", map[string]any{"name": "s", "mode": map[string]any{"replicated": map[string]any{"replicas": 2}}, "task": task(func(map[string]any) {})},
			map[string]pulumirpc.PropertyDiff_Kind{"mode": pulumirpc.PropertyDiff_UPDATE}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := nested.Diff(props(stored), props(c.inputs), nil, false)
			got := map[string]pulumirpc.PropertyDiff_Kind{}
			for k, d := range resp.GetDetailedDiff() {
				got[k] = d.GetKind()
			}
			if !reflect.DeepEqual(got, c.diff) || !reflect.DeepEqual(resp.GetReplaces(), c.replace) {
				t.Fatalf("diff %v replaces %v, want %v and %v", got, resp.GetReplaces(), c.diff, c.replace)
			}
		})
	}
	if !(Rule{BlockReplace: true, Elem: Schema{"replicas": {}}}).Replaces(resource.NewNullProperty(), props(map[string]any{"b": map[string]any{"replicas": 1}})["b"]) {
		t.Error("adding a ForceNew block replaces")
	}
}

func TestPlannedKeepsNestedComputedValues(t *testing.T) {
	stored := props(map[string]any{"name": "s", "task": map[string]any{"restart": map[string]any{"condition": "any"}, "spec": map[string]any{"image": "a:1", "grace": "0s"}}})
	planned := nested.Planned(stored, props(map[string]any{"name": "s", "task": map[string]any{"spec": map[string]any{"image": "a:2"}}}), nil, false)
	want := map[string]any{"restart": map[string]any{"condition": "any"}, "spec": map[string]any{"image": "a:2", "grace": "0s"}}
	if got := planned["task"].Mappable(); !reflect.DeepEqual(got, want) {
		t.Fatalf("%v, want %v", got, want)
	}
}
