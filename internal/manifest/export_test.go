package manifest

import "bytes"

// JSONValue and Value expose jsonValue and value to the external tests.
var (
	JSONValue = func(v any) (any, error) { x, err := jsonValue(v); return plainEmpty(x), err }
	Value     = func(o any) (map[string]any, error) { x, err := value(o); return plainEmpty(x).(map[string]any), err }
)

// EncodeYAML returns what encodeYAML writes for v.
func EncodeYAML(v any) []byte {
	var b bytes.Buffer
	encodeYAML(&b, v)
	return b.Bytes()
}

// plainEmpty makes each setEmpty the empty object encoding/json writes for
// it (jsonValue marks those only so that prune keeps them), and each
// object the map encoding/json reads back.
func plainEmpty(v any) any {
	switch x := v.(type) {
	case setEmpty:
		return map[string]any{}
	case object:
		m := make(map[string]any, len(x))
		for _, e := range x {
			m[e.name] = plainEmpty(e.value)
		}
		return m
	case map[string]any:
		for k, e := range x {
			x[k] = plainEmpty(e)
		}
	case []any:
		for i, e := range x {
			x[i] = plainEmpty(e)
		}
	}
	return v
}
