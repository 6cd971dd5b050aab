// Package bridge reproduces how pulumi-terraform-bridge (v3.126.0, the version
// pulumi-docker 5.0.0 is built with) serves a Terraform resource: Check adds the
// schema's defaults, Diff compares the planned state with the stored state
// attribute by attribute (ForceNew replaces, everything else updates in place),
// Read stores whatever the resource's Read set, Update keeps the planned state.
// A resource is described once, as a table of attributes (Schema); the code that
// talks to Docker is in the resource's own file.
package bridge

import (
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Rule is what the Terraform schema says about one attribute.
type Rule struct {
	// Replace: ForceNew, a change replaces the resource.
	Replace bool
	// BlockReplace: ForceNew on a block (an object, or a list or set of
	// objects). Terraform applies it to the block's count only: adding or
	// removing the block replaces the resource, a change inside it follows the
	// rules of the block's fields.
	BlockReplace bool
	// Computed: Optional+Computed, an absent input keeps the stored value (in a
	// nested block too).
	Computed bool
	// Output: Computed only, never an input.
	Output bool
	// Set: a TypeSet, whose order does not matter.
	Set bool
	// Default is the schema's Default (a plain Go value), which Check adds.
	Default any
	// Elem describes the fields of a nested block (a MaxItems=1 object, or the elements of a list or set).
	Elem Schema
	// Same suppresses a diff (Terraform's DiffSuppressFunc or StateFunc): true when
	// the stored value and the input mean the same.
	Same func(stored, input resource.PropertyValue) bool
}

// Schema is one resource's attributes by Pulumi name.
type Schema map[string]Rule

// Attrs is a schema of attributes that share one rule, so a resource's table
// can read by what its Terraform schema says ("ForceNew sets: ...").
func Attrs(rule Rule, names ...string) Schema {
	out := Schema{}
	for _, n := range names {
		out[n] = rule
	}
	return out
}

// Merge joins schemas; a later one wins for a name in both.
func Merge(parts ...Schema) Schema {
	out := Schema{}
	for _, p := range parts {
		for k, r := range p {
			out[k] = r
		}
	}
	return out
}

// Keys are the attribute names in a stable order.
func (s Schema) Keys() []string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ApplyDefaults adds the schema's defaults to absent inputs, in nested blocks too.
func (s Schema) ApplyDefaults(m resource.PropertyMap) {
	for k, rule := range s {
		key := resource.PropertyKey(k)
		v, has := m[key]
		if (!has || v.IsNull()) && rule.Default != nil {
			m[key] = resource.NewPropertyValue(rule.Default)
			continue
		}
		if rule.Elem != nil {
			rule.Elem.applyNested(v)
		}
	}
}

func (s Schema) applyNested(v resource.PropertyValue) {
	switch {
	case v.IsSecret():
		s.applyNested(v.SecretValue().Element)
	case v.IsObject():
		s.ApplyDefaults(v.ObjectValue())
	case v.IsArray():
		for _, e := range v.ArrayValue() {
			s.applyNested(e)
		}
	}
}
