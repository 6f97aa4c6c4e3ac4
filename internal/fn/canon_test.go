package fn

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// canonCases are item texts, and whether canon takes each for kyaml's
// own form: those it takes must be exactly what kyaml's encoder writes
// for them again (checked by TestCanon and FuzzCanon).
var canonCases = []struct {
	name, item string
	want       bool
}{
	{"kustomize's ConfigMap", "- apiVersion: v1\n  data:\n    k: |\n      line1\n\n      line2\n    q: quoted\n  kind: ConfigMap\n  metadata:\n    annotations:\n      config.kubernetes.io/index: '0'\n      internal.config.kubernetes.io/index: '0'\n    labels:\n      x: \"1\"\n    name: a\n", true},
	{"nested sequences of mappings", "- spec:\n    containers:\n    - image: web:1\n      ports:\n      - containerPort: 80\n        name: http\n    - name: side\n", true},
	{"sequence of scalars and empties", "- a:\n  - x\n  - 'y'\n  - \"z\"\n  - {}\n  - []\n  - |-\n    text\n", true},
	{"null value", "- a:\n  b: 1\n", true},
	{"quoted keys", "- 'a b': 1\n  \"c\": 2\n", true},
	{"escapes the encoder writes", "- a: \"tab\\there\\nnewline \\\"q\\\" \\\\ \\x7F \\U0001F600 \\L\"\n", true},
	{"an escape the encoder writes otherwise", "- a: \"\\u2028\"\n", false},
	{"unicode raw", "- a: café\n  b: 'naïve'\n  c: \"ü\"\n  d: |\n    ẞ\n", true},
	{"single quote escaped", "- a: 'it''s'\n", true},
	{"plain with inner colon and hash", "- a: http://x/y#z\n  b: a,b\n", true},
	{"block scalar with deeper lines", "- script: |\n    if x; then\n      y\n    fi\n", true},

	{"comment", "- a: 1 # one\n", false},
	{"comment line", "- a: 1\n  # two\n  b: 2\n", false},
	{"four-space indentation", "- a:\n      b: 1\n", false},
	{"wide sequence", "- a:\n    - x\n", false},
	{"a sequence after a flow value", "- a: {b: c, \"d\": [e, 'f', {}]}\n  g: [{h: 1}, []]\n  - [x]\n", false},
	{"flow collections as the encoder writes them", "- a: {b: c, \"d\": [e, 'f', {}]}\n  g:\n  - [{h: 1}, []]\n", true},
	{"flow with a colon in a plain scalar", "- a: {b: c:d}\n", false},
	{"flow without a space after the comma", "- a: [b,c]\n", false},
	{"flow with spaces", "- a: { }\n", false},
	{"an empty sequence entry", "- a:\n  - \n", false},
	{"anchor", "- a: &x 1\n  b: *x\n", false},
	{"tag", "- a: !!str 1\n", false},
	{"escape the encoder does not write", "- a: \"\\u00e9\"\n", false},
	{"emoji raw, which the encoder escapes", "- a: \"\U0001F600\"\n", false},
	{"emoji plain", "- a: \U0001F600\n", false},
	{"tab in a plain scalar", "- a: x\ty\n", false},
	{"trailing space", "- a: x \n", false},
	{"two spaces after the colon", "- a:  x\n", false},
	{"key with a trailing space", "- a : x\n", false},
	{"folded block", "- a: >\n    x\n", false},
	{"keep chomping", "- a: |+\n    x\n\n", false},
	{"block scalar indented more", "- a: |\n      x\n", false},
	{"block scalar with a leading empty line", "- a: |\n\n    x\n", false},
	{"block scalar with a trailing empty line", "- a: |\n    x\n\n", false},
	{"block scalar line ending in a space", "- a: |\n    x \n", false},
	{"multi-line plain", "- a: x\n    y\n", false},
	{"multi-line quoted", "- a: \"x\n    y\"\n", false},
	{"key over 128 bytes", "- " + strings.Repeat("k", 129) + ": v\n", false},
	{"document marker value", "- a: ---x\n", false},
	{"no line break at the end", "- a: 1", false},
	{"scalar item", "- 5\n", false},
	{"empty line between fields", "- a: 1\n\n  b: 2\n", false},
	{"control character escaped wrong", "- a: \"\\x0a\"\n", false},
	{"byte order mark first", "- a: \"\\uFEFFx\"\n", false},
	{"a key with an escaped line break", "- \"a\\Lb\": 2\n", false},
	{"a merge key as a value", "- a: <<\n", false},
	{"a tab after a block scalar's indentation", "- a: |\n    \tx\n", false},
}

// TestCanon: canon takes what it should, and what it takes kyaml writes
// again as it is.
func TestCanon(t *testing.T) {
	for _, tc := range canonCases {
		t.Run(tc.name, func(t *testing.T) {
			c := canon{src: []byte(tc.item)}
			if got := c.check(); got != tc.want {
				t.Errorf("canon takes %q: %v, want %v", tc.item, got, tc.want)
			}
			checkRoundTrip(t, []byte(tc.item))
		})
	}
}

// checkRoundTrip fails when canon takes item but kyaml writes it back
// otherwise.
func checkRoundTrip(t *testing.T, item []byte) {
	t.Helper()
	c := canon{src: item}
	if !c.check() {
		return
	}
	node, err := parseItem(item, 0)
	if err != nil {
		t.Fatalf("canon takes %q, which does not parse: %v", item, err)
	}
	var b bytes.Buffer
	if err := encodeNode(&b, node); err != nil {
		t.Fatalf("canon takes %q, which kyaml does not write: %v", item, err)
	}
	if !bytes.Equal(b.Bytes(), item) {
		t.Errorf("canon takes %q, which kyaml writes as %q", item, b.Bytes())
	}
}

// FuzzCanon: whatever canon takes, kyaml writes again as it is.
func FuzzCanon(f *testing.F) {
	for _, tc := range canonCases {
		f.Add([]byte(tc.item))
	}
	f.Fuzz(func(t *testing.T, item []byte) {
		if !bytes.HasPrefix(item, []byte("- ")) {
			return
		}
		checkRoundTrip(t, item)
	})
}

// TestCanonMutations: what canon takes of 100,000 variations of
// canonCases (the same each run) kyaml writes again as it is. Such
// variations found keys with an escaped line break, a plain "<<" and a
// tab after a block scalar's indentation, which FuzzCanon had not.
func TestCanonMutations(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 100_000 {
		checkRoundTrip(t, mutate(r, []byte(canonCases[r.IntN(len(canonCases))].item), 2))
		if t.Failed() {
			return
		}
	}
}
