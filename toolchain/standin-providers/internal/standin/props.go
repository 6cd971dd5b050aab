package standin

import (
	"encoding/json"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"google.golang.org/protobuf/types/known/structpb"
)

// Secrets and unknowns travel both ways wrapped, so the engine keeps encrypting
// what the program marked secret. Outputs keep their nulls, as the real
// providers' do (every attribute of a Terraform resource is in its state).
var (
	inOpts  = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, SkipNulls: true}
	outOpts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true}
)

// Unmarshal reads a property struct, keeping secrets and unknowns.
func Unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	if s == nil {
		return resource.PropertyMap{}, nil
	}
	return plugin.UnmarshalProperties(s, inOpts)
}

// UnmarshalAll reads several property structs at once.
func UnmarshalAll(structs ...*structpb.Struct) ([]resource.PropertyMap, error) {
	out := make([]resource.PropertyMap, len(structs))
	for i, s := range structs {
		m, err := Unmarshal(s)
		if err != nil {
			return nil, err
		}
		out[i] = m
	}
	return out, nil
}

// Marshal writes a property map, keeping secrets, unknowns and nulls.
func Marshal(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, outOpts)
}

// Plain is the value without secret or output wrappers, as JSON-like Go values;
// unknowns become nil. Only for building requests: never log what it returns.
func Plain(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return Plain(v.SecretValue().Element)
	case v.IsOutput():
		if !v.OutputValue().Known {
			return nil
		}
		return Plain(v.OutputValue().Element)
	case v.IsComputed(), v.IsNull():
		return nil
	case v.IsArray():
		out := []any{}
		for _, e := range v.ArrayValue() {
			out = append(out, Plain(e))
		}
		return out
	case v.IsObject():
		out := map[string]any{}
		for k, e := range v.ObjectValue() {
			out[string(k)] = Plain(e)
		}
		return out
	default:
		return v.V
	}
}

// Decode fills the struct at target from the plain form of m (JSON field names
// are the properties' camelCase names).
func Decode(m resource.PropertyMap, target any) error {
	raw, err := json.Marshal(Plain(resource.NewObjectProperty(m)))
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, target)
}

// Encode is the property form of a JSON-like Go value (structs through their JSON tags).
func Encode(v any) resource.PropertyValue {
	raw, err := json.Marshal(v)
	if err != nil {
		return resource.NewNullProperty()
	}
	var plain any
	if json.Unmarshal(raw, &plain) != nil {
		return resource.NewNullProperty()
	}
	return resource.NewPropertyValue(plain)
}

// Copy is a shallow copy of m.
func Copy(m resource.PropertyMap) resource.PropertyMap {
	out := resource.PropertyMap{}
	for k, v := range m {
		out[k] = v
	}
	return out
}
