package kubetype

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/rollspec/rollspec/internal/fieldpath"

	"github.com/rollspec/rollspec/internal/spell"
)

// Problem is one field a type does not accept.
type Problem struct {
	// Path is the field's path below the checked value, as cue.Path
	// writes it (and rollspec's positions are keyed): volumes[0].name.
	Path string
	// Text says what is wrong and what is allowed.
	Text string
}

// Check checks raw, a JSON value, against the type of like (such as
// corev1.PodSpec{}) and returns every problem, in the order written.
// Fields named in hide are left out of what an unknown top-level field's
// message lists as allowed: fields the caller writes itself.
func Check(raw json.RawMessage, like any, hide ...string) []Problem {
	if len(raw) == 0 {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return []Problem{{Text: "is not JSON: " + err.Error()}}
	}
	return CheckValue(v, like, hide...)
}

// CheckValue is Check for raw already decoded into v (maps, lists,
// strings, json.Number, booleans and nil, as a json.Decoder with
// UseNumber decodes it), for a caller that reads the value too.
func CheckValue(v any, like any, hide ...string) []Problem {
	c := &checker{hide: hide}
	c.value(v, reflect.TypeOf(like))
	// An object's members are checked in the map's order: sort the few
	// problems rather than every object's keys.
	slices.SortStableFunc(c.problems, func(a, b problem) int { return a.at.Compare(b.at) })
	out := make([]Problem, len(c.problems))
	for i, p := range c.problems {
		out[i] = Problem{Path: p.at.String(""), Text: p.text}
	}
	return out
}

type checker struct {
	problems []problem
	hide     []string // top-level fields not to list as allowed
	// at is the path to the value being checked; its string is made only
	// for a problem.
	at fieldpath.Steps
}

type problem struct {
	at   fieldpath.Steps
	text string
}

func (c *checker) add(format string, args ...any) {
	c.problems = append(c.problems, problem{at: slices.Clone(c.at), text: fmt.Sprintf(format, args...)})
}

// below checks v against t at the current path's step s.
func (c *checker) below(s fieldpath.Step, v any, t reflect.Type) {
	c.at = append(c.at, s)
	c.value(v, t)
	c.at = c.at[:len(c.at)-1]
}

var unmarshaler = reflect.TypeFor[json.Unmarshaler]()

// value checks v, decoded JSON, against t at path.
func (c *checker) value(v any, t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return // null: the field is left out, as JSON decoding does
	}
	if reflect.PointerTo(t).Implements(unmarshaler) {
		// The type decodes itself (resource.Quantity, intstr.IntOrString,
		// metav1.Time): ask it.
		b, _ := json.Marshal(v)
		if err := reflect.New(t).Interface().(json.Unmarshaler).UnmarshalJSON(b); err != nil {
			c.add("invalid value %s (allowed: %s)", show(v), describe(t))
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			c.add("invalid value %s (allowed: an object)", show(v))
			return
		}
		fields := fieldsOf(t)
		for k, e := range m {
			f, ok := fields.byName[k]
			if !ok {
				text := "unknown field"
				if s := spell.Closest(k, fields.names); s != "" {
					text += fmt.Sprintf(" (did you mean %q?)", s)
				}
				names := fields.names
				if len(c.at) == 0 && len(c.hide) > 0 {
					names = slices.DeleteFunc(slices.Clone(names), func(n string) bool { return slices.Contains(c.hide, n) })
				}
				c.at = append(c.at, fieldpath.Field(k))
				c.add("%s (allowed: %s)", text, strings.Join(names, ", "))
				c.at = c.at[:len(c.at)-1]
				continue
			}
			c.below(fieldpath.Field(k), e, f)
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			c.add("invalid value %s (allowed: an object, each value %s)", show(v), describe(t.Elem()))
			return
		}
		for k, e := range m {
			c.below(fieldpath.Field(k), e, t.Elem())
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			if _, ok := v.(string); !ok {
				c.add("invalid value %s (allowed: base64-encoded bytes as a string)", show(v))
			}
			return
		}
		l, ok := v.([]any)
		if !ok {
			c.add("invalid value %s (allowed: a list, each entry %s)", show(v), describe(t.Elem()))
			return
		}
		for i, e := range l {
			c.below(fieldpath.Entry(i), e, t.Elem())
		}
	case reflect.String:
		switch v.(type) {
		case string:
		case bool, json.Number:
			// YAML reads true, 9090 and 1.10 as no string.
			c.add("invalid value %s (allowed: a string: quote it as %q)", show(v), show(v))
		default:
			c.add("invalid value %s (allowed: a string)", show(v))
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			c.add("invalid value %s (allowed: true or false)", show(v))
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := v.(json.Number)
		i, err := n.Int64()
		if !ok || err != nil || reflect.New(t).Elem().OverflowInt(i) {
			c.add("invalid value %s (allowed: %s)", show(v), describe(t))
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := v.(json.Number)
		i, err := strconv.ParseUint(string(n), 10, 64)
		if !ok || err != nil || reflect.New(t).Elem().OverflowUint(i) {
			c.add("invalid value %s (allowed: %s)", show(v), describe(t))
		}
	case reflect.Float32, reflect.Float64:
		if _, ok := v.(json.Number); !ok {
			c.add("invalid value %s (allowed: a number)", show(v))
		}
	}
}

// describe says what a value of t is, for a message.
func describe(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.String() {
	case "resource.Quantity":
		return `a Kubernetes quantity such as "500m", "128Mi" or 2`
	case "intstr.IntOrString":
		return `an integer or a string, such as 8080 or "http"`
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice:
		return "a list"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int32, reflect.Int64, reflect.Int:
		return "an integer"
	}
	return "a " + t.Kind().String()
}

// show writes v as the user wrote it, quoting strings.
func show(v any) string {
	switch v := v.(type) {
	case map[string]any:
		return "{…}"
	case []any:
		return "[…]"
	case string:
		return strconv.Quote(v)
	}
	return fmt.Sprint(v)
}

// fields are a struct type's JSON fields, inline members' included.
type fields struct {
	byName map[string]reflect.Type
	names  []string // in the type's order
}

var cache sync.Map // reflect.Type -> *fields

func fieldsOf(t reflect.Type) *fields {
	if f, ok := cache.Load(t); ok {
		return f.(*fields)
	}
	f := &fields{byName: map[string]reflect.Type{}}
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			name, opts, _ := strings.Cut(tag, ",")
			if name == "-" || !sf.IsExported() {
				continue
			}
			if name == "" && (sf.Anonymous || strings.Contains(opts, "inline")) {
				ft := sf.Type
				for ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				add(ft)
				continue
			}
			if name == "" {
				name = sf.Name
			}
			f.byName[name] = sf.Type
			f.names = append(f.names, name)
		}
	}
	add(t)
	cache.Store(t, f)
	return f
}
