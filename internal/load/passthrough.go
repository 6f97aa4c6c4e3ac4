package load

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"cuelang.org/go/cue"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/rollspec/rollspec/internal/fieldpath"
)

// passThrough are the fields the schema leaves open because they are
// Kubernetes' own types, compiled as written, and the Go type each must
// fit. The schema cannot refuse a misspelt field there; passThrough does,
// where the user wrote it, rather than let it vanish from the objects.
var passThrough = []struct {
	at fieldpath.Path
	t  reflect.Type
}{
	{fieldpath.Autoscaler.Metrics, reflect.TypeFor[[]autoscalingv2.MetricSpec]()},
	{fieldpath.Autoscaler.Behavior, reflect.TypeFor[autoscalingv2.HorizontalPodAutoscalerBehavior]()},
}

// passThroughFields reports, in the unified release u, what the
// pass-through fields hold that their Kubernetes types do not: unknown
// fields and values of the wrong kind.
func (v *validator) passThroughFields(u cue.Value) {
	if !u.LookupPath(cue.MakePath(cue.Str(fieldpath.Autoscaler.String()))).Exists() {
		return // the only pass-through fields are the autoscaler's
	}
	for _, f := range passThrough {
		p := cue.ParsePath(f.at.String())
		val := u.LookupPath(p)
		if !val.Exists() || val.Validate(cue.Concrete(true)) != nil {
			continue // absent, or the schema says what is wrong
		}
		v.fits(val, f.t, p)
	}
}

// fits reports where val, at path, does not decode into Go type t as
// json.Unmarshal with unknown fields disallowed would refuse it.
func (v *validator) fits(val cue.Value, t reflect.Type, path cue.Path) {
	if d, ok := val.Default(); ok {
		val = d
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		b, err := val.MarshalJSON()
		if err == nil {
			err = reflect.New(t).Interface().(json.Unmarshaler).UnmarshalJSON(b)
		}
		if err != nil {
			v.add(path, "invalid value %s (allowed: %s)", show(val), goKindName(t))
		}
		return
	}
	want := cue.BottomKind
	switch t.Kind() {
	case reflect.Pointer:
		v.fits(val, t.Elem(), path)
		return
	case reflect.Struct, reflect.Map:
		want = cue.StructKind
	case reflect.Slice:
		want = cue.ListKind
	case reflect.String:
		want = cue.StringKind
	case reflect.Int32, reflect.Int64, reflect.Int:
		want = cue.IntKind
	case reflect.Bool:
		want = cue.BoolKind
	}
	if val.Kind() != want {
		v.add(path, "invalid value %s (allowed: %s)", show(val), goKindName(t))
		return
	}
	switch t.Kind() {
	case reflect.Int32:
		if n, err := val.Int64(); err != nil || int64(int32(n)) != n {
			v.add(path, "invalid value %s (allowed: a 32-bit integer)", show(val))
		}
	case reflect.Struct:
		fields := fieldsOf(t)
		names := make([]string, len(fields))
		byName := map[string]reflect.Type{}
		for i, f := range fields {
			names[i] = f.name
			byName[f.name] = t.Field(f.index).Type
		}
		it, _ := val.Fields()
		for it.Next() {
			p := appendPath(path, it.Selector())
			ft, ok := byName[it.Selector().Unquoted()]
			if !ok {
				msg := "unknown field"
				if s := suggest(it.Selector().Unquoted(), names); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				}
				v.add(p, "%s (allowed: %s)", msg, strings.Join(names, ", "))
				continue
			}
			v.fits(it.Value(), ft, p)
		}
	case reflect.Map:
		it, _ := val.Fields()
		for it.Next() {
			v.fits(it.Value(), t.Elem(), appendPath(path, it.Selector()))
		}
	case reflect.Slice:
		it, _ := val.List()
		for i := 0; it.Next(); i++ {
			v.fits(it.Value(), t.Elem(), appendPath(path, cue.Index(i)))
		}
	}
}

// goKindName describes what a Go type accepts, for a message.
func goKindName(t reflect.Type) string {
	switch {
	case t == reflect.TypeFor[resource.Quantity]():
		return "a Kubernetes quantity such as 100, 0.5 or \"500m\""
	case reflect.PointerTo(t).Implements(unmarshalerType):
		return "a Kubernetes " + t.Name()
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return kindName(cue.StructKind)
	case reflect.Slice:
		return kindName(cue.ListKind)
	case reflect.String:
		return kindName(cue.StringKind)
	case reflect.Int32, reflect.Int64, reflect.Int:
		return kindName(cue.IntKind)
	case reflect.Bool:
		return kindName(cue.BoolKind)
	}
	return t.String()
}
