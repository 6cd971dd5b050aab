package bridge

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// change is how one attribute differs between the stored state and the plan.
type change struct {
	kind    pulumirpc.PropertyDiff_Kind
	replace bool
}

// changes compares the stored state with the inputs the way Terraform plans:
// an absent input keeps a Computed attribute and removes any other, so a value
// the resource read back (Docker's default) that the program does not set is
// planned away (a DELETE); an unknown input is always a change.
func (s Schema) changes(state, news resource.PropertyMap, ignore []string) map[string]change {
	out := map[string]change{}
	for _, k := range s.Keys() {
		rule, key := s[k], resource.PropertyKey(k)
		if rule.Output || ignored(ignore, k) {
			continue
		}
		stored, hasStored := state[key]
		input := news[key]
		present := hasStored && !stored.IsNull()
		var kind pulumirpc.PropertyDiff_Kind
		switch {
		case input.ContainsUnknowns():
			kind = pick(present, pulumirpc.PropertyDiff_UPDATE, pulumirpc.PropertyDiff_ADD)
		case input.IsNull():
			if rule.Computed || IsZero(stored) || (rule.Same != nil && rule.Same(stored, input)) {
				continue
			}
			kind = pulumirpc.PropertyDiff_DELETE
		case rule.Equal(stored, input):
			continue
		default:
			kind = pick(present, pulumirpc.PropertyDiff_UPDATE, pulumirpc.PropertyDiff_ADD)
		}
		out[k] = change{kind: kind, replace: rule.Replaces(stored, input)}
	}
	return out
}

func pick(cond bool, yes, no pulumirpc.PropertyDiff_Kind) pulumirpc.PropertyDiff_Kind {
	if cond {
		return yes
	}
	return no
}

func ignored(ignore []string, k string) bool {
	for _, i := range ignore {
		if i == k || strings.HasPrefix(i, k+".") || strings.HasPrefix(i, k+"[") {
			return true
		}
	}
	return false
}

var replaceKind = map[pulumirpc.PropertyDiff_Kind]pulumirpc.PropertyDiff_Kind{
	pulumirpc.PropertyDiff_ADD:    pulumirpc.PropertyDiff_ADD_REPLACE,
	pulumirpc.PropertyDiff_DELETE: pulumirpc.PropertyDiff_DELETE_REPLACE,
	pulumirpc.PropertyDiff_UPDATE: pulumirpc.PropertyDiff_UPDATE_REPLACE,
}

// Diff is the bridge's answer: the changed properties, which of them replace,
// the ForceNew ones that stay (stables), and delete-before-replace when the
// resource asks for it and something replaces.
func (s Schema) Diff(state, news resource.PropertyMap, ignore []string, deleteBeforeReplace bool) *pulumirpc.DiffResponse {
	resp := &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE, HasDetailedDiff: true, DetailedDiff: map[string]*pulumirpc.PropertyDiff{}}
	changes := s.changes(state, news, ignore)
	for _, k := range s.Keys() {
		c, changed := changes[k]
		if !changed {
			if s[k].Replace || s[k].BlockReplace {
				resp.Stables = append(resp.Stables, k)
			}
			continue
		}
		kind := c.kind
		if c.replace {
			kind = replaceKind[kind]
			resp.Replaces = append(resp.Replaces, k)
		}
		resp.Diffs = append(resp.Diffs, k)
		resp.DetailedDiff[k] = &pulumirpc.PropertyDiff{Kind: kind}
	}
	if len(resp.Diffs) > 0 {
		resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
		resp.DeleteBeforeReplace = deleteBeforeReplace && len(resp.Replaces) > 0
	}
	return resp
}

// Planned is the state Terraform plans from the stored state and the inputs:
// unchanged attributes keep their stored value, changed ones take the input
// (absent: null), Computed ones the input does not set keep the stored value
// (unknown before the first create when preview is true), in nested blocks too.
func (s Schema) Planned(state, news resource.PropertyMap, ignore []string, preview bool) resource.PropertyMap {
	changes := s.changes(state, news, ignore)
	out := resource.PropertyMap{}
	for _, k := range s.Keys() {
		rule, key := s[k], resource.PropertyKey(k)
		stored, hasStored := state[key]
		input := news[key]
		_, changed := changes[k]
		switch {
		case !changed && hasStored:
			out[key] = stored
		case !input.IsNull():
			out[key] = rule.plan(stored, input)
		case (rule.Computed || rule.Output) && preview && !hasStored:
			out[key] = resource.MakeComputed(resource.NewStringProperty(""))
		default:
			out[key] = resource.NewNullProperty()
		}
	}
	return out
}

// NullEmpties is the SDK's normalisation after a create: an empty collection the
// resource read back stays null where the plan had none. (A refresh does not do
// this, which is why it shows empty lists and maps as changes.)
func NullEmpties(state, planned resource.PropertyMap) {
	for k, v := range state {
		empty := (v.IsArray() && len(v.ArrayValue()) == 0) || (v.IsObject() && len(v.ObjectValue()) == 0)
		if p := planned[k]; empty && p.IsNull() {
			state[k] = resource.NewNullProperty()
		}
	}
}

// RefreshInputs is what a refresh stores as the new inputs: each old input takes
// the value the resource read back, field by field.
func RefreshInputs(oldInputs, state resource.PropertyMap) resource.PropertyMap {
	out := resource.PropertyMap{}
	for k, old := range oldInputs {
		if v, ok := state[k]; ok {
			out[k] = extract(old, v)
		} else if strings.HasPrefix(string(k), "__") {
			out[k] = old
		}
	}
	return out
}

func extract(old, read resource.PropertyValue) resource.PropertyValue {
	switch {
	case old.IsSecret():
		return resource.MakeSecret(extract(old.SecretValue().Element, read))
	case old.IsObject() && read.IsObject():
		return resource.NewObjectProperty(RefreshInputs(old.ObjectValue(), read.ObjectValue()))
	case old.IsArray() && read.IsArray():
		var out []resource.PropertyValue
		for i, e := range old.ArrayValue() {
			if i < len(read.ArrayValue()) {
				out = append(out, extract(e, read.ArrayValue()[i]))
			}
		}
		return resource.NewArrayProperty(out)
	default:
		return read
	}
}
