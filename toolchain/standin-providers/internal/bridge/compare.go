package bridge

import (
	"encoding/json"
	"reflect"
	"sort"

	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Equal tells whether a stored value and an input mean the same to Terraform:
// an absent value equals a zero one, sets ignore order, a nested
// Optional+Computed field the input leaves out keeps the stored value, and a
// rule's Same decides where the schema suppresses diffs.
func (r Rule) Equal(stored, input resource.PropertyValue) bool {
	if r.Same != nil {
		return r.Same(stored, input)
	}
	if r.Elem != nil && !r.Set {
		if so, io, ok := blocks(stored, input); ok {
			for _, k := range unionKeys(so, io) {
				sub, in := r.Elem[k], io[resource.PropertyKey(k)]
				if !(in.IsNull() && sub.Computed) && !sub.Equal(so[resource.PropertyKey(k)], in) {
					return false
				}
			}
			return true
		}
		if sl, il, ok := lists(stored, input); ok && len(sl) == len(il) {
			for i := range sl {
				if !(Rule{Elem: r.Elem}).Equal(sl[i], il[i]) {
					return false
				}
			}
			return true
		}
	}
	return reflect.DeepEqual(canon(standin.Plain(stored), r), canon(standin.Plain(input), r))
}

// Replaces tells whether changing the stored value to the input replaces the
// resource, as Terraform's RequiresNew: a change of a ForceNew attribute (an
// unknown one too), the addition or removal of a ForceNew block, or such a
// change of a field inside a block. An element added to or removed from a
// list or set of blocks replaces when the elements have ForceNew fields.
func (r Rule) Replaces(stored, input resource.PropertyValue) bool {
	if !input.ContainsUnknowns() && r.Equal(stored, input) {
		return false
	}
	if r.Replace || (r.BlockReplace && IsZero(stored) != IsZero(input)) {
		return true
	}
	if r.Elem == nil {
		return false
	}
	if so, io, ok := blocks(stored, input); ok && !r.Set {
		for _, k := range unionKeys(so, io) {
			sub, in := r.Elem[k], io[resource.PropertyKey(k)]
			if !(in.IsNull() && sub.Computed) && sub.Replaces(so[resource.PropertyKey(k)], in) {
				return true
			}
		}
		return false
	}
	for _, sub := range r.Elem {
		if sub.Replace {
			return true
		}
	}
	return false
}

// plan is what Terraform plans for a changed value: the input, where a nested
// Optional+Computed field the input leaves out keeps its stored value.
func (r Rule) plan(stored, input resource.PropertyValue) resource.PropertyValue {
	if input.IsSecret() {
		return resource.MakeSecret(r.plan(stored, input.SecretValue().Element))
	}
	so, io, ok := blocks(stored, input)
	if r.Elem == nil || r.Set || !ok || !input.IsObject() {
		return input
	}
	out := standin.Copy(io)
	for k, sub := range r.Elem {
		key := resource.PropertyKey(k)
		switch {
		case io[key].IsNull() && sub.Computed && !so[key].IsNull():
			out[key] = so[key]
		case !io[key].IsNull():
			out[key] = sub.plan(so[key], io[key])
		}
	}
	return resource.NewObjectProperty(out)
}

// blocks are the fields of two objects (a MaxItems=1 block each; an absent one is empty).
func blocks(stored, input resource.PropertyValue) (resource.PropertyMap, resource.PropertyMap, bool) {
	so, sok := objectOf(stored)
	io, iok := objectOf(input)
	return so, io, sok && iok && (unwrap(stored).IsObject() || unwrap(input).IsObject())
}

func objectOf(v resource.PropertyValue) (resource.PropertyMap, bool) {
	v = unwrap(v)
	switch {
	case v.IsObject():
		return v.ObjectValue(), true
	case v.IsNull():
		return resource.PropertyMap{}, true
	default:
		return nil, false
	}
}

func lists(stored, input resource.PropertyValue) ([]resource.PropertyValue, []resource.PropertyValue, bool) {
	s, i := unwrap(stored), unwrap(input)
	if !s.IsArray() || !i.IsArray() {
		return nil, nil, false
	}
	return s.ArrayValue(), i.ArrayValue(), true
}

func unwrap(v resource.PropertyValue) resource.PropertyValue {
	if v.IsSecret() {
		return unwrap(v.SecretValue().Element)
	}
	return v
}

func unionKeys(a, b resource.PropertyMap) []string {
	seen := map[string]bool{}
	for k := range a {
		seen[string(k)] = true
	}
	for k := range b {
		seen[string(k)] = true
	}
	return sortedNames(seen)
}

func sortedNames(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// canon drops zero values (Terraform does not tell them from absent ones),
// sorts sets and makes numbers comparable.
func canon(v any, r Rule) any {
	switch t := v.(type) {
	case nil:
		return nil
	case bool:
		if !t {
			return nil
		}
		return t
	case string:
		if t == "" {
			return nil
		}
		return t
	case float64:
		if t == 0 {
			return nil
		}
		return t
	case []any:
		out := []any{}
		for _, e := range t {
			out = append(out, canon(e, Rule{Elem: r.Elem}))
		}
		if len(out) == 0 {
			return nil
		}
		if r.Set {
			sort.Slice(out, func(i, j int) bool { return jsonOf(out[i]) < jsonOf(out[j]) })
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range t {
			if c := canon(e, r.Elem[k]); c != nil {
				out[k] = c
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	default:
		return t
	}
}

func jsonOf(v any) string {
	raw, _ := json.Marshal(v)
	return string(raw)
}

// IsZero is true for what Terraform treats as unset: null, "", 0, false, empty collections.
func IsZero(v resource.PropertyValue) bool {
	return canon(standin.Plain(v), Rule{}) == nil && !v.ContainsUnknowns()
}
