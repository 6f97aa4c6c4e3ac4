package main

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/specpath"
)

// reading is how the commands that read specs read them.
type reading struct {
	limits load.Limits
	links  specpath.Links
}

// readFlags declares the flags of reading: what one spec may cost to
// read, and whether links out of the named paths are followed.
func readFlags(fs *pflag.FlagSet, r *reading) {
	fs.Var((*linksValue)(&r.links), "follow-links", "follow symbolic links that lead out of the named paths (by default they are reported and not read)")
	fs.Lookup("follow-links").NoOptDefVal = "true"
	limitFlags(fs, &r.limits)
}

// limitFlags declares the flags of what one spec may cost to read.
func limitFlags(fs *pflag.FlagSet, l *load.Limits) {
	fs.Var((*sizeValue)(&l.FileBytes), "max-file-size", fmt.Sprintf("largest spec file read, such as 64Mi (default %s)", sizeText(load.DefaultFileBytes)))
	fs.DurationVar(&l.EvalTime, "max-eval-time", load.DefaultEvalTime, "longest time loading a spec file (or CUE package) may go on without finishing a release")
	fs.Var((*sizeValue)(&l.MemoryBytes), "max-memory", fmt.Sprintf("most heap memory loading may use before the files being evaluated are stopped (default %s)", sizeText(load.DefaultMemoryBytes)))
	fs.Var((*sizeValue)(&l.AliasBytes), "max-alias-size", fmt.Sprintf("largest size of a YAML file once its aliases are expanded (default %s)", sizeText(load.DefaultAliasBytes)))
}

// sizeValue is a size flag in bytes, written as a Kubernetes quantity
// (64Mi, 1G, 500000) or with a trailing B (64MiB).
type sizeValue int64

// String is the size as a flag shows it, "" when unset.
func (s *sizeValue) String() string {
	if *s == 0 {
		return ""
	}
	return sizeText(int64(*s))
}

// Set parses a size.
func (s *sizeValue) Set(v string) error {
	q, err := resource.ParseQuantity(strings.TrimSuffix(v, "B"))
	if err != nil || q.Sign() <= 0 {
		return fmt.Errorf("invalid size %q (allowed: a positive number of bytes, such as 64Mi or 100M)", v)
	}
	n, ok := q.AsInt64()
	if !ok {
		return fmt.Errorf("invalid size %q (allowed: a whole number of bytes)", v)
	}
	*s = sizeValue(n)
	return nil
}

// Type names the flag's kind in usage.
func (s *sizeValue) Type() string { return "size" }

func sizeText(n int64) string {
	return resource.NewQuantity(n, resource.BinarySI).String()
}

// linksValue is --follow-links, a boolean flag.
type linksValue specpath.Links

// String is true when links are followed.
func (v *linksValue) String() string { return fmt.Sprint(*v == linksValue(specpath.Followed)) }

// Set parses true or false.
func (v *linksValue) Set(s string) error {
	switch s {
	case "true":
		*v = linksValue(specpath.Followed)
	case "false":
		*v = linksValue(specpath.Contained)
	default:
		return fmt.Errorf("invalid value %q (allowed: true, false)", s)
	}
	return nil
}

// Type names the flag's kind in usage.
func (v *linksValue) Type() string { return "bool" }
