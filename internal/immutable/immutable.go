package immutable

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rollspec/rollspec/release"
)

// Change is one field of one object that a new output changes and
// Kubernetes keeps as it was created.
type Change struct {
	// Kind and Name are the object's.
	Kind, Name string
	// Field is the field's path in the object, such as
	// "spec.volumeClaimTemplates"; KindField when the object replaces one
	// of another kind, Was. A string field's Was is its previous value
	// (a StatefulSet's serviceName), to write back.
	Field string
	Was   string
}

// KindField is a Change's Field when a workload replaces a workload of
// another kind of the same name: not an update, but the old one's pods
// all stopped at once when it is pruned (and a StatefulSet's claims left
// behind).
const KindField = "kind"

// Fields are, by kind, the fields of an object an update may not change,
// as the API server's validation refuses them.
var Fields = map[string][]string{
	release.WorkloadDeployment:  {"spec.selector"},
	release.WorkloadDaemonSet:   {"spec.selector"},
	release.WorkloadStatefulSet: {"spec.selector", "spec.serviceName", "spec.podManagementPolicy", "spec.volumeClaimTemplates"},
}

// LoadBalancerClass is a Change's Field when a Service of type
// LoadBalancer, before and after, changes its load balancer class (or
// sets or drops it), which the API server refuses once the Service exists
// ("may not change once set"); Was is the class it had, "" for none.
const LoadBalancerClass = "spec.loadBalancerClass"

// Changes compares two outputs, prev (what was generated before) and
// next, and returns the immutable fields next changes on the objects both
// hold (same kind, namespace and name). A prev that did not parse holds
// no objects: there is nothing to compare.
func Changes(prev, next *Output) []Change {
	var out []Change
	for _, o := range next.list {
		old, ok := prev.byKey[o.key()]
		if !ok {
			if _, workload := Fields[o.kind]; workload {
				for kind := range Fields {
					if w, ok := prev.byKey[object{kind: kind, namespace: o.namespace, name: o.name}.key()]; ok && kind != o.kind {
						out = append(out, Change{Kind: o.kind, Name: o.name, Field: KindField, Was: w.kind})
					}
				}
			}
			continue
		}
		if d := defaults[o.kind]; d != nil {
			// What the API server fills in where a manifest leaves it
			// out is no change.
			d(old.v)
			d(o.v)
		}
		for _, f := range Fields[o.kind] {
			if was := lookup(old.v, f); !reflect.DeepEqual(was, lookup(o.v, f)) {
				s, _ := was.(string)
				out = append(out, Change{Kind: o.kind, Name: o.name, Field: f, Was: s})
			}
		}
		if o.kind == "Service" && loadBalancer(old.v) && loadBalancer(o.v) && !reflect.DeepEqual(lookup(old.v, LoadBalancerClass), lookup(o.v, LoadBalancerClass)) {
			was, _ := lookup(old.v, LoadBalancerClass).(string)
			out = append(out, Change{Kind: o.kind, Name: o.name, Field: LoadBalancerClass, Was: was})
		}
	}
	return out
}

// defaults fill in, by kind, the defaults the API server gives the
// immutable fields a manifest may leave out, so that writing one out is
// no change.
var defaults = map[string]func(map[string]any){
	release.WorkloadStatefulSet: func(v map[string]any) {
		spec, _ := v["spec"].(map[string]any)
		if spec == nil {
			return
		}
		if spec["podManagementPolicy"] == nil {
			spec["podManagementPolicy"] = "OrderedReady"
		}
		claims, _ := spec["volumeClaimTemplates"].([]any)
		for _, c := range claims {
			c, _ := c.(map[string]any)
			cs, _ := c["spec"].(map[string]any)
			if cs != nil && cs["volumeMode"] == nil {
				cs["volumeMode"] = "Filesystem"
			}
		}
	},
}

// loadBalancer reports whether the Service v is of type LoadBalancer.
func loadBalancer(v map[string]any) bool { return lookup(v, "spec.type") == "LoadBalancer" }

type object struct {
	kind, namespace, name string
	v                     map[string]any
}

func (o object) key() string { return o.kind + "/" + o.namespace + "/" + o.name }

// Output is a generated YAML stream's objects, decoded once for every
// comparison between a release's previous file and its new output.
type Output struct {
	list  []object
	byKey map[string]object
}

// Decode decodes the objects of a YAML stream; it stops at the first
// document that does not decode.
func Decode(stream []byte) *Output {
	o := &Output{list: objectList(stream), byKey: map[string]object{}}
	for _, obj := range o.list {
		o.byKey[obj.key()] = obj
	}
	return o
}

// Names lists the names of the objects of kind in namespace, in the
// stream's order.
func (o *Output) Names(kind, namespace string) []string {
	var names []string
	for _, obj := range o.list {
		if obj.kind == kind && obj.namespace == namespace {
			names = append(names, obj.name)
		}
	}
	return names
}

// Versions are the values of the version label on the pod templates of
// the workloads (Deployments, StatefulSets, DaemonSets): the versions the
// output runs.
func (o *Output) Versions() map[string]bool {
	vs := map[string]bool{}
	for _, obj := range o.list {
		if _, workload := Fields[obj.kind]; !workload {
			continue
		}
		labels, _ := lookup(obj.v, "spec.template.metadata.labels").(map[string]any)
		if v, ok := labels[release.LabelVersion].(string); ok {
			vs[v] = true
		}
	}
	return vs
}

// objectList decodes the objects of a YAML stream; it stops at the first
// document that does not decode.
func objectList(stream []byte) []object {
	var out []object
	d := yaml.NewDecoder(bytes.NewReader(stream))
	for {
		var v map[string]any
		err := d.Decode(&v)
		if errors.Is(err, io.EOF) || err != nil {
			return out
		}
		kind, _ := v["kind"].(string)
		meta, _ := v["metadata"].(map[string]any)
		name, _ := meta["name"].(string)
		ns, _ := meta["namespace"].(string)
		if kind != "" && name != "" {
			out = append(out, object{kind, ns, name, v})
		}
	}
}

// lookup is the value at a dotted path of v, nil when absent.
func lookup(v map[string]any, path string) any {
	var cur any = v
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}
