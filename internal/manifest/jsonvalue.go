package manifest

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// jsonValue returns what json.Unmarshal into an `any` gives for
// json.Marshal(v): maps, lists, strings, float64, bool and nil, following
// encoding/json's rules (field tags and embedding, omitempty, omitzero,
// ",string", Marshaler and TextMarshaler, []byte as base64).
//
// It exists for speed. On first use encoding/json builds an encoder for
// every type reachable from the value's type — from a Deployment, through
// PodSpec, several hundred — which cost every rollspec process about 3 ms;
// apimachinery's unstructured converter is slower still. jsonValue learns
// only the struct types it meets in the value, and skips the JSON bytes in
// between. TestJSONValueMatchesEncodingJSON pins it to encoding/json on
// every example's objects, on hand-made edge cases and on randomly filled
// Kubernetes and Istio objects.
func jsonValue(v any) (any, error) {
	return valueOf(reflect.ValueOf(v), false)
}

// object is a JSON object as jsonValue builds it from a struct or a map:
// its members sorted by name, the order the YAML writer needs (a struct's
// fields come sorted from typeFields), held in one slice where a map
// would allocate buckets.
type object []member

// member is one member of an object.
type member struct {
	name  string
	value any
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	zeroerType        = reflect.TypeFor[interface{ IsZero() bool }]()
	numberType        = reflect.TypeFor[json.Number]()
)

// valueOf converts v; quoted is the ",string" option of the field v is in.
func valueOf(v reflect.Value, quoted bool) (any, error) {
	if !v.IsValid() {
		return nil, nil
	}
	t := v.Type()
	// Marshalers win over the kind, in encoding/json's order.
	ti := infoOf(t)
	switch {
	case ti.ptrJSON && v.CanAddr():
		return marshalJSON(v.Addr())
	case ti.json:
		return marshalJSON(v)
	case ti.ptrText && v.CanAddr():
		return marshalText(v.Addr())
	case ti.text:
		return marshalText(v)
	}
	switch t.Kind() {
	case reflect.Bool:
		if quoted {
			return strconv.FormatBool(v.Bool()), nil
		}
		return v.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if quoted {
			return strconv.FormatInt(v.Int(), 10), nil
		}
		return float64(v.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if quoted {
			return strconv.FormatUint(v.Uint(), 10), nil
		}
		return float64(v.Uint()), nil
	case reflect.Float32, reflect.Float64:
		return floatValue(v, quoted)
	case reflect.String:
		if t == numberType {
			return numberValue(v.String(), quoted)
		}
		if quoted {
			b, err := json.Marshal(v.String())
			return string(b), err
		}
		return validUTF8(v.String()), nil
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return nil, nil
		}
		out, err := valueOf(v.Elem(), quoted)
		if m, ok := out.(object); ok && len(m) == 0 && t.Kind() == reflect.Pointer {
			return setEmpty{}, err // `emptyDir: {}`: set, and meant
		}
		return out, err
	case reflect.Struct:
		return structValue(v, ti.fields)
	case reflect.Map:
		return mapValue(v)
	case reflect.Slice:
		if v.IsNil() {
			return nil, nil
		}
		if e := reflect.PointerTo(t.Elem()); t.Elem().Kind() == reflect.Uint8 &&
			!e.Implements(marshalerType) && !e.Implements(textMarshalerType) {
			return base64.StdEncoding.EncodeToString(v.Bytes()), nil
		}
		return listValue(v)
	case reflect.Array:
		return listValue(v)
	}
	return nil, fmt.Errorf("json: unsupported type: %s", t)
}

// marshalJSON calls v's MarshalJSON and reads its output back.
func marshalJSON(v reflect.Value) (any, error) {
	if (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && v.IsNil() {
		return nil, nil
	}
	b, err := v.Interface().(json.Marshaler).MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("json: error calling MarshalJSON for type %s: %w", v.Type(), err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("json: error calling MarshalJSON for type %s: %w", v.Type(), err)
	}
	return out, nil
}

// marshalText calls v's MarshalText; the text is a JSON string.
func marshalText(v reflect.Value) (any, error) {
	if (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && v.IsNil() {
		return nil, nil
	}
	b, err := v.Interface().(encoding.TextMarshaler).MarshalText()
	if err != nil {
		return nil, fmt.Errorf("json: error calling MarshalText for type %s: %w", v.Type(), err)
	}
	return validUTF8(string(b)), nil
}

// floatValue is a float as JSON writes it (shortest form at the value's
// own precision) and reads it back (as a float64).
func floatValue(v reflect.Value, quoted bool) (any, error) {
	f := v.Float()
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, fmt.Errorf("json: unsupported value: %s", strconv.FormatFloat(f, 'g', -1, 64))
	}
	bits := 64
	if v.Kind() == reflect.Float32 {
		bits = 32
	}
	if quoted {
		var b []byte
		var err error
		if bits == 32 {
			b, err = json.Marshal(float32(f))
		} else {
			b, err = json.Marshal(f)
		}
		return string(b), err
	}
	if bits == 32 {
		// Shortest float32 digits, read back at float64 precision.
		return strconv.ParseFloat(strconv.FormatFloat(f, 'g', -1, 32), 64)
	}
	return f, nil
}

// numberValue is a json.Number, which JSON writes as a bare number.
func numberValue(s string, quoted bool) (any, error) {
	if s == "" {
		s = "0"
	}
	if quoted {
		return s, nil
	}
	var out any
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("json: invalid number literal %q", s)
	}
	if _, ok := out.(float64); !ok {
		return nil, fmt.Errorf("json: invalid number literal %q", s)
	}
	return out, nil
}

// validUTF8 replaces each invalid byte by U+FFFD, as JSON's writer does.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func listValue(v reflect.Value) (any, error) {
	out := make([]any, v.Len())
	for i := range out {
		e, err := valueOf(v.Index(i), false)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

func mapValue(v reflect.Value) (any, error) {
	if v.IsNil() {
		return nil, nil
	}
	kt := v.Type().Key()
	switch kt.Kind() {
	case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
	default:
		if !kt.Implements(textMarshalerType) {
			return nil, fmt.Errorf("json: unsupported type: %s", v.Type())
		}
	}
	type entry struct {
		raw string
		member
	}
	entries := make([]entry, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		k, err := keyName(it.Key())
		if err != nil {
			return nil, err
		}
		e, err := valueOf(it.Value(), false)
		if err != nil {
			return nil, err
		}
		entries = append(entries, entry{k, member{validUTF8(k), e}})
	}
	// encoding/json writes the keys sorted as they are, and reading its
	// output back keeps the last of keys that became equal when invalid
	// UTF-8 was replaced: sort by key, then stably by name, keep the last.
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.raw, b.raw) })
	slices.SortStableFunc(entries, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	out := make(object, 0, len(entries))
	for i, e := range entries {
		if i+1 < len(entries) && entries[i+1].name == e.name {
			continue
		}
		out = append(out, e.member)
	}
	return out, nil
}

// keyName is a map key as JSON writes it.
func keyName(k reflect.Value) (string, error) {
	if k.Kind() == reflect.String {
		return k.String(), nil
	}
	if tm, ok := k.Interface().(encoding.TextMarshaler); ok {
		if k.Kind() == reflect.Pointer && k.IsNil() {
			return "", nil
		}
		b, err := tm.MarshalText()
		return string(b), err
	}
	switch k.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10), nil
	default:
		return strconv.FormatUint(k.Uint(), 10), nil
	}
}

func structValue(v reflect.Value, fields []field) (any, error) {
	// Two passes: the first counts the members, so that the object is
	// allocated once, at its size.
	n := 0
	for i := range fields {
		if _, ok := fields[i].of(v); ok {
			n++
		}
	}
	out := make(object, 0, n)
	for i := range fields {
		f := &fields[i]
		fv, ok := f.of(v)
		if !ok {
			continue
		}
		e, err := valueOf(fv, f.quoted)
		if err != nil {
			return nil, err
		}
		out = append(out, member{f.name, e})
	}
	return out, nil
}

// of is the field's value in v, a struct of its type, and whether JSON
// writes it (it is not omitted, nor inside a nil embedded pointer).
func (f *field) of(v reflect.Value) (reflect.Value, bool) {
	for _, x := range f.index {
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return v, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	if f.omitEmpty && isEmpty(v) || f.omitZero && f.isZero(v) {
		return v, false
	}
	return v, true
}

// isEmpty is omitempty's test.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// field is one JSON member of a struct type.
type field struct {
	name      string
	tagged    bool
	index     []int
	omitEmpty bool
	omitZero  bool
	quoted    bool
	isZero    func(reflect.Value) bool
}

// typeInfo is what jsonValue learns once about a type: which marshaler
// encodes it, and a struct type's members.
type typeInfo struct {
	ptrJSON, json, ptrText, text bool
	fields                       []field
}

var typeCache sync.Map // reflect.Type → *typeInfo

// infoOf returns t's typeInfo, working it out on first use.
func infoOf(t reflect.Type) *typeInfo {
	if ti, ok := typeCache.Load(t); ok {
		return ti.(*typeInfo)
	}
	notPtr := t.Kind() != reflect.Pointer
	ti := &typeInfo{
		ptrJSON: notPtr && reflect.PointerTo(t).Implements(marshalerType),
		json:    t.Implements(marshalerType),
		ptrText: notPtr && reflect.PointerTo(t).Implements(textMarshalerType),
		text:    t.Implements(textMarshalerType),
	}
	if t.Kind() == reflect.Struct {
		ti.fields = typeFields(t)
	}
	v, _ := typeCache.LoadOrStore(t, ti)
	return v.(*typeInfo)
}

// typeFields applies encoding/json's rules: exported fields, named by
// their tag; untagged embedded structs lend their fields; of several
// fields with one name the shallowest wins, a tagged one over untagged
// ones, and an unresolved tie hides them all.
func typeFields(t reflect.Type) []field {
	type embedded struct {
		typ   reflect.Type
		index []int
	}
	var fields []field
	next := []embedded{{typ: t}}
	var count, nextCount map[reflect.Type]int
	visited := map[reflect.Type]bool{}
	for len(next) > 0 {
		current := next
		next = nil
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, e := range current {
			if visited[e.typ] {
				continue
			}
			visited[e.typ] = true
			for i := range e.typ.NumField() {
				sf := e.typ.Field(i)
				if sf.Anonymous {
					et := sf.Type
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					if !sf.IsExported() && et.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !validTag(name) {
					name = ""
				}
				index := append(slices.Clip(e.index), i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if name == "" && sf.Anonymous && ft.Kind() == reflect.Struct {
					nextCount[ft]++
					if nextCount[ft] == 1 {
						next = append(next, embedded{typ: ft, index: index})
					}
					continue
				}
				f := field{name: name, tagged: name != "", index: index}
				if f.name == "" {
					f.name = sf.Name
				}
				for o := range strings.SplitSeq(opts, ",") {
					switch o {
					case "omitempty":
						f.omitEmpty = true
					case "omitzero":
						f.omitZero = true
						f.isZero = zeroTest(sf.Type)
					case "string":
						switch ft.Kind() {
						case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
							reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
							reflect.Float32, reflect.Float64, reflect.String:
							f.quoted = true
						}
					}
				}
				fields = append(fields, f)
				if count[e.typ] > 1 {
					// The embedding type appeared twice at this depth: a
					// second copy makes the tie below hide the field.
					fields = append(fields, f)
				}
			}
		}
	}
	slices.SortStableFunc(fields, func(a, b field) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := len(a.index) - len(b.index); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return 1
		}
		return slices.Compare(a.index, b.index)
	})
	out := fields[:0]
	for i := 0; i < len(fields); {
		j := i + 1
		for j < len(fields) && fields[j].name == fields[i].name {
			j++
		}
		if j-i == 1 || len(fields[i].index) != len(fields[i+1].index) || fields[i].tagged != fields[i+1].tagged {
			out = append(out, fields[i])
		}
		i = j
	}
	return out
}

// zeroTest is omitzero's test for a field of type t: its IsZero method
// when it has one, else the zero value.
func zeroTest(t reflect.Type) func(reflect.Value) bool {
	type zeroer = interface{ IsZero() bool }
	switch {
	case t.Kind() == reflect.Interface && t.Implements(zeroerType):
		return func(v reflect.Value) bool {
			return v.IsNil() || v.Elem().Kind() == reflect.Pointer && v.Elem().IsNil() || v.Interface().(zeroer).IsZero()
		}
	case t.Kind() == reflect.Pointer && t.Implements(zeroerType):
		return func(v reflect.Value) bool { return v.IsNil() || v.Interface().(zeroer).IsZero() }
	case t.Implements(zeroerType):
		return func(v reflect.Value) bool { return v.Interface().(zeroer).IsZero() }
	case reflect.PointerTo(t).Implements(zeroerType):
		return func(v reflect.Value) bool {
			if !v.CanAddr() {
				c := reflect.New(v.Type()).Elem()
				c.Set(v)
				v = c
			}
			return v.Addr().Interface().(zeroer).IsZero()
		}
	}
	return reflect.Value.IsZero
}

// validTag reports whether s may name a JSON member in a tag.
func validTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}
