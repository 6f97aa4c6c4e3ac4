package manifest

// JSONValue and Value expose jsonValue and value to the external tests.
var (
	JSONValue = jsonValue
	Value     = value
)
