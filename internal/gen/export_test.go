package gen

// JSONValue exposes jsonValue to the external tests.
var JSONValue = jsonValue
