package manifest

import "bytes"

// JSONValue and Value expose jsonValue and value to the external tests.
var (
	JSONValue = jsonValue
	Value     = value
)

// EncodeYAML returns what encodeYAML writes for v.
func EncodeYAML(v any) []byte {
	var b bytes.Buffer
	encodeYAML(&b, v)
	return b.Bytes()
}
