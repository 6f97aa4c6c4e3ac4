package manifest_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/randfill"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/istio"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/manifest"
	"github.com/rollspec/rollspec/internal/specpath"
)

// viaJSON is what manifest.JSONValue replaces: json.Marshal, then
// json.Unmarshal into an any.
func viaJSON(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(b, &out)
	return out, err
}

// sameAsJSON fails t unless JSONValue(v) equals the JSON round trip, or
// both fail.
func sameAsJSON(t *testing.T, v any) {
	t.Helper()
	want, werr := viaJSON(v)
	got, gerr := manifest.JSONValue(v)
	switch {
	case werr != nil && gerr != nil:
	case werr != nil || gerr != nil:
		t.Fatalf("errors differ: encoding/json %v, JSONValue %v", werr, gerr)
	case !reflect.DeepEqual(got, want):
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Fatalf("JSONValue differs from encoding/json:\n got %s\nwant %s", g, w)
	}
}

type (
	Embedded struct {
		E1  string `json:"e1"`
		Dup string
	}
	Other struct {
		Dup string
		Own int
	}
	PtrEmbedded struct{ P string }
	Shared      struct{ S string }
	LeftShared  struct{ Shared }
	RightShared struct{ Shared }
	Deep        struct{ Shadowed, Kept string }
	Middle      struct{ Deep }
	inner       struct {
		A int `json:"a"`
		B string
		c bool
	}
	unexportedEmbedded struct{ Promoted string }
	zeroByMethod       struct{ N int }
	zeroByPointer      struct{ N int }
	valueMarshaler     struct{ N int }
	pointerMarshaler   struct{ N int }
	textValue          struct{ S string }
	textKey            int
	failing            struct{}
)

func (z zeroByMethod) IsZero() bool   { return z.N == 42 }
func (z *zeroByPointer) IsZero() bool { return z.N == 7 }
func (m valueMarshaler) MarshalJSON() ([]byte, error) {
	return fmt.Appendf(nil, `{"value":%d}`, m.N), nil
}
func (m *pointerMarshaler) MarshalJSON() ([]byte, error) {
	return fmt.Appendf(nil, `["pointer",%d]`, m.N), nil
}
func (x textValue) MarshalText() ([]byte, error) { return []byte("text:" + x.S), nil }
func (k textKey) MarshalText() ([]byte, error)   { return fmt.Appendf(nil, "key-%d", int(k)), nil }
func (failing) MarshalJSON() ([]byte, error)     { return nil, errors.New("no") }

// edge holds one of each rule encoding/json applies.
type edge struct {
	Embedded
	Other
	*PtrEmbedded
	Middle
	LeftShared
	RightShared
	unexportedEmbedded
	Shadowed   string
	unexported string
	Skip       string         `json:"-"`
	Dash       string         `json:"-,"`
	Invalid    string         `json:"a\"b"`
	Renamed    string         `json:"renamed,omitempty"`
	OmitEmpty  string         `json:",omitempty"`
	OmitNum    int            `json:",omitempty"`
	OmitPtr    *int           `json:",omitempty"`
	OmitStruct inner          `json:",omitempty"`
	ZeroMethod zeroByMethod   `json:",omitzero"`
	ZeroPtr    zeroByPointer  `json:",omitzero"`
	ZeroPtrP   *zeroByPointer `json:",omitzero"`
	ZeroPlain  inner          `json:",omitzero"`
	ZeroTime   metav1.Time    `json:",omitzero"`
	QInt       int            `json:",string"`
	QFloat     float32        `json:",string"`
	QString    string         `json:",string"`
	QBool      *bool          `json:",string"`
	QSlice     []int          `json:",string"`
	F32        float32
	F64        float64
	Big        int64
	U8         uint8
	Bytes      []byte
	Array      [2]byte
	NilSlice   []int
	NilMap     map[string]int
	EmptyMap   map[string]int
	IntKeys    map[int]string
	TextKeys   map[textKey]int
	Any        any
	NilAny     any
	Marshal    valueMarshaler
	MarshalP   pointerMarshaler
	NilMarshal *valueMarshaler
	InMap      map[string]pointerMarshaler
	Text       textValue
	Num        json.Number
	NoNum      json.Number
	BadUTF8    string
	HTML       string
	Nested     *inner
	List       []inner
	Quantity   resource.Quantity
	Port       intstr.IntOrString
}

func TestJSONValueMatchesEncodingJSON(t *testing.T) {
	yes := true
	full := edge{
		Embedded: Embedded{E1: "e1", Dup: "hidden"}, Other: Other{Dup: "hidden too", Own: 1},
		Middle: Middle{Deep{Shadowed: "deep", Kept: "kept"}}, LeftShared: LeftShared{Shared{"l"}}, RightShared: RightShared{Shared{"r"}}, unexportedEmbedded: unexportedEmbedded{Promoted: "p"},
		Shadowed: "top", unexported: "u", Skip: "s", Dash: "d", Invalid: "i", Renamed: "r",
		OmitStruct: inner{}, ZeroMethod: zeroByMethod{42}, ZeroPtr: zeroByPointer{7}, ZeroPtrP: &zeroByPointer{8},
		QInt: -3, QFloat: 0.1, QString: `<"q">`, QBool: &yes, QSlice: []int{1},
		F32: 0.1, F64: 1e21, Big: 1<<53 + 1, U8: 255, Bytes: []byte("bytes"), Array: [2]byte{1, 2},
		EmptyMap: map[string]int{}, IntKeys: map[int]string{-1: "m", 2: "p"}, TextKeys: map[textKey]int{3: 3},
		Any: map[string]any{"x": []any{1, "y", nil}}, Marshal: valueMarshaler{5}, MarshalP: pointerMarshaler{6},
		InMap: map[string]pointerMarshaler{"k": {9}}, Text: textValue{"t"}, Num: "12.5e3",
		BadUTF8: "a\xffb\xc3", HTML: "<a&b>", Nested: &inner{A: 1, B: "b", c: true}, List: []inner{{A: 2}, {}},
		Quantity: resource.MustParse("1500m"), Port: intstr.FromString("http"),
	}
	for _, tc := range []struct {
		name string
		in   any
	}{
		{name: "every rule set", in: &full},
		{name: "every rule zero", in: &edge{}},
		{name: "by value (not addressable)", in: full},
		{name: "embedded pointer set", in: &edge{PtrEmbedded: &PtrEmbedded{P: "p"}}},
		{name: "omitzero not zero", in: &edge{ZeroMethod: zeroByMethod{0}, ZeroPtr: zeroByPointer{0}, ZeroTime: metav1.Unix(1, 0)}},
		{name: "top-level list", in: []any{1, "a", nil, map[string]int{"b": 2}}},
		{name: "top-level scalar", in: "s"},
		{name: "NaN", in: map[string]float64{"x": math.NaN()}},
		{name: "infinite float32", in: []float32{float32(math.Inf(1))}},
		{name: "channel", in: map[string]any{"c": make(chan int)}},
		{name: "failing marshaler", in: []failing{{}}},
		{name: "bad number", in: json.Number("12x")},
		{name: "struct map key", in: map[inner]int{{}: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) { sameAsJSON(t, tc.in) })
	}
}

// TestJSONValueRandomObjects fills the object types rollspec emits at
// random and compares them with encoding/json.
func TestJSONValueRandomObjects(t *testing.T) {
	for seed := range int64(150) {
		f := randfill.NewWithSeed(seed).NilChance(0.3).NumElements(0, 2).MaxDepth(12).Funcs(
			func(q *resource.Quantity, c randfill.Continue) {
				*q = *resource.NewMilliQuantity(c.Int63n(1<<40), resource.DecimalSI)
			},
			func(x *intstr.IntOrString, c randfill.Continue) {
				if c.Bool() {
					*x = intstr.FromInt32(c.Int31())
				} else {
					*x = intstr.FromString(c.String(8))
				}
			},
			func(x *metav1.Time, c randfill.Continue) { *x = metav1.Unix(c.Int63n(1<<33), 0) },
			func(x *metav1.MicroTime, c randfill.Continue) {
				*x = metav1.NewMicroTime(metav1.Unix(c.Int63n(1<<33), 0).Time)
			},
			func(x *metav1.FieldsV1, c randfill.Continue) { x.Raw = []byte(`{"f:spec":{}}`) },
		)
		for _, obj := range []any{&appsv1.Deployment{}, &corev1.Service{}, &corev1.ConfigMap{},
			&istio.DestinationRule{}, &istio.VirtualService{}, &istio.Gateway{}} {
			f.Fill(obj)
			t.Run(fmt.Sprintf("%d/%T", seed, obj), func(t *testing.T) { sameAsJSON(t, obj) })
		}
	}
}

// TestJSONValueExamples compares every object of every example.
func TestJSONValueExamples(t *testing.T) {
	dirs, err := os.ReadDir("../../examples")
	if err != nil {
		t.Fatal(err)
	}
	l := &load.Loader{}
	n := 0
	for _, d := range dirs {
		rs, err := compile.Paths(l, specpath.Contained, []string{filepath.Join("../../examples", d.Name())})
		if err != nil {
			continue // integration examples, not specs on their own
		}
		for _, r := range rs {
			for _, o := range r.Result.Objects {
				n++
				t.Run(d.Name()+"/"+strings.TrimPrefix(fmt.Sprintf("%T", o), "*"), func(t *testing.T) { sameAsJSON(t, o) })
			}
		}
	}
	if n < 30 {
		t.Fatalf("only %d objects compared", n)
	}
}
