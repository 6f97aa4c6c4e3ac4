package fn

import (
	"math/rand/v2"
	"strings"
)

// yamlFragments are what mutate inserts: YAML's indicators, escapes,
// indentation, characters the encoder escapes, kyaml's annotations.
var yamlFragments = []string{
	"\n  ", "\n    ", "\n- ", "\n  - ", "\n\n", "\r\n", ": ", ":", " ", "\t", "-", "?",
	"'", "''", "\"", "\\", "\\n", "\\t", "\\x41", "\\u00E9", "\\U0001F600", "\\L",
	"|\n", "|-\n", "|+\n", ">\n", "{}", "[]", "{a: b}", "[a, b]", ", ", "{", "}", "[", "]", "[{a: [b]}]",
	"#", " #", "\n  # c\n", "---", "\n---\n", "...", "&a ", "*a", "!", "%", "@", "`", "<<", "null", "~",
	"é", "\u00a0", "\u2028", "\ufeff", "\U0001F600", "\xff", "0", "a", strings.Repeat("k", 127),
	"metadata:\n", "  annotations:\n", "    internal.config.kubernetes.io/annotations-migration-resource-id: '0'\n",
	"    config.kubernetes.io/path: a\n", "    internal.config.kubernetes.io/path: a\n",
}

// mutate is src with one to four changes, each a fragment inserted or a
// byte removed, after its first keep bytes.
func mutate(r *rand.Rand, src []byte, keep int) []byte {
	out := append([]byte(nil), src...)
	for k := r.IntN(4) + 1; k > 0 && len(out) > keep; k-- {
		j := keep + r.IntN(len(out)-keep)
		if r.IntN(3) == 0 {
			out = append(out[:j], out[j+1:]...)
			continue
		}
		f := yamlFragments[r.IntN(len(yamlFragments))]
		out = append(out[:j], append([]byte(f), out[j:]...)...)
	}
	return out
}
