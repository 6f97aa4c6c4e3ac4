package specpath

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/rollspec/rollspec/internal/diag"
)

// Mode is how a run's named files are judged.
type Mode int

const (
	// Changed paths are the files a hook saw change (pre-commit passes
	// every changed file): a named file that is never a spec (a
	// kustomization or a file it reads, a generated file, a cue.mod file,
	// rollspec's own ReleaseSet, a CUE file of definitions only) is
	// passed over.
	Changed Mode = iota
	// Listed paths list specs (a ReleaseSet's spec.paths): every named
	// file must be a spec holding a release.
	Listed
)

// Links is what a directory walk does with a symbolic link whose target
// lies outside every named path.
type Links int

const (
	// Contained links are reported, not followed: a spec is untrusted
	// input, and a link in it must not make rollspec read (and echo in
	// messages) files its user did not name, such as a link to / or to
	// another team's secrets.
	Contained Links = iota
	// Followed links are followed wherever they lead (--follow-links): a
	// shared specs directory linked in from elsewhere.
	Followed
)

// Unit is what one loader worker reads: one YAML or JSON file, or the
// .cue files of one CUE package (one directory, one package clause; a
// .cue file without a package clause is a unit of its own).
type Unit struct {
	// Files are the unit's files, as they were reached.
	Files []string
	// CUE tells that Files are .cue files of one package.
	CUE bool
	// Args are the indexes of the named paths that lead to the unit.
	Args []int
}

// Outcome is what a named path turned out to be.
type Outcome int

const (
	// Empty paths hold no release: a wrong path, a filter that matched
	// nothing, or a spec emptied on purpose (which only the command can
	// tell, by the generated files the path's releases left).
	Empty Outcome = iota
	// Holds paths lead to a release, or to a problem in one.
	Holds
	// Skipped paths are named files that are never specs in Changed mode,
	// or rollspec's own files that hold no release by design.
	Skipped
	// Refused paths are a problem themselves, already in Set.Problems:
	// missing, unreadable, not a spec file.
	Refused
	// Again paths are a second name of a path named before (a link, a
	// relative and an absolute name), which answers for both.
	Again
)

// String names the outcome, for tests and messages.
func (o Outcome) String() string {
	return [...]string{"empty", "holds", "skipped", "refused", "again"}[o]
}

// Path is a named path and what it turned out to be.
type Path struct {
	Name    string
	Outcome Outcome
}

// Set is a run's named paths expanded into units.
type Set struct {
	// Mode judges the named files.
	Mode Mode
	// Names are the paths as named.
	Names []string
	// Units are the files to load, sorted by path; a file reached by
	// several names or paths is in one unit once.
	Units []Unit
	// Problems are the named paths that are a problem themselves.
	Problems diag.List

	decided []Outcome // by name: Skipped or Refused before loading, else Empty
}

// Found is what loading one unit found.
type Found struct {
	// Any is true when the unit holds a release or a problem.
	Any bool
	// Own is true when the unit is a file of rollspec's own that holds no
	// release by design (a ReleaseSet).
	Own bool
}

// Collect expands names into units. Directories are walked recursively;
// hidden files and directories, cue.mod, files rollspec generated and the
// files a kustomization reads are skipped there. A file reached twice
// (named and inside a named directory, through a link, by a relative and
// an absolute path) is read once, under its first name. A named .cue file
// of a package brings its package's other files: its releases may take
// their defaults from them.
//
// A link met in a walk is followed when its target lies inside a named
// path, and otherwise only when links is Followed; a link not followed is
// a problem naming it and its target.
func Collect(names []string, mode Mode, links Links) *Set {
	s := &Set{Mode: mode, Names: names, decided: make([]Outcome, len(names))}
	var files []specFile
	w := &walker{kust: kustomizeInputs{}, follow: links == Followed}
	for _, p := range names {
		w.roots = append(w.roots, Real(p))
	}
	for i, p := range names {
		fi, err := os.Stat(p)
		if err != nil {
			s.refuse(i, &diag.Diagnostic{Text: PathError(err)})
			continue
		}
		p = filepath.Clean(p)
		if !fi.IsDir() {
			if mode == Changed && (w.kust.skippedFile(p) || inCUEModule(p)) {
				s.decided[i] = Skipped // named by a hook's file list: not a spec, nothing to check
				continue
			}
			if isCUETool(p) {
				s.refuse(i, cueToolFile(p))
				continue
			}
			if !IsSpecFile(p) {
				s.refuse(i, &diag.Diagnostic{Text: fmt.Sprintf("%s: not a spec file (allowed: .cue, .yaml, .yml, .json)", p)})
				continue
			}
			files = append(files, specFile{p, Real(p), i})
			if filepath.Ext(p) == ".cue" {
				for _, f := range packageSiblings(p) {
					if fi, err := os.Lstat(f); err == nil && fi.Mode()&fs.ModeSymlink != 0 && !w.inside(f, filepath.Dir(p)) {
						continue // a link out of the package's directory
					}
					files = append(files, specFile{f, Real(f), i})
				}
			}
			continue
		}
		// Each path is walked whole, so that it is known which files it
		// leads to; a file two paths lead to is still read once.
		w.seen = map[string]bool{}
		found, err := w.walk(p)
		for j := range found {
			found[j].arg = i
		}
		files = append(files, found...)
		if err != nil {
			s.refuse(i, &diag.Diagnostic{Text: PathError(err)})
		}
	}
	s.Problems = append(s.Problems, w.problems...)
	s.Units = units(files)
	return s
}

// refuse records that named path i is a problem itself.
func (s *Set) refuse(i int, d *diag.Diagnostic) {
	s.Problems = append(s.Problems, d)
	s.decided[i] = Refused
}

// units groups files into load units: each YAML/JSON file alone, .cue
// files by directory and package.
func units(files []specFile) []Unit {
	sort.SliceStable(files, func(i, j int) bool { return files[i].path < files[j].path })
	var out []Unit
	read := map[string]int{} // real path -> index in out
	pkgs := map[string]int{} // dir + package -> index in out
	for _, sf := range files {
		u, ok := read[sf.real]
		switch {
		case ok:
		case filepath.Ext(sf.path) != ".cue":
			u = len(out)
			out = append(out, Unit{Files: []string{sf.path}})
		default:
			// Without a package clause a file is a release of its own.
			pkg := cuePackage(sf.path)
			key := filepath.Dir(sf.path) + "\x00" + pkg
			if i, ok := pkgs[key]; ok && pkg != "" {
				u = i
				out[u].Files = append(out[u].Files, sf.path)
				break
			}
			u = len(out)
			pkgs[key] = u
			out = append(out, Unit{Files: []string{sf.path}, CUE: true})
		}
		read[sf.real] = u
		if !slices.Contains(out[u].Args, sf.arg) {
			out[u].Args = append(out[u].Args, sf.arg)
		}
	}
	return out
}

// Outcomes decides what each named path turned out to be, given what
// loading each unit found (found[i] is Units[i]'s).
func (s *Set) Outcomes(found []Found) []Path {
	holds := make([]bool, len(s.Names))
	for i, u := range s.Units {
		for _, a := range u.Args {
			// A file of rollspec's own that holds no release by design
			// passes when named, not a directory or package holding it.
			own := found[i].Own && s.Mode == Changed && Real(s.Names[a]) == Real(u.Files[0])
			holds[a] = holds[a] || found[i].Any || own
		}
	}
	out := make([]Path, len(s.Names))
	counted := map[string]bool{} // by real path: one outcome for two names
	for i, p := range s.Names {
		out[i] = Path{Name: p, Outcome: s.decided[i]}
		switch {
		case s.decided[i] != Empty:
		case holds[i]:
			out[i].Outcome = Holds
		case counted[Real(p)]:
			out[i].Outcome = Again
		case s.Mode == Changed && filepath.Ext(p) == ".cue" && definitionsOnly(p):
			out[i].Outcome = Skipped // shared definitions, such as rollspec's schema written out
		default:
			counted[Real(p)] = true
		}
	}
	return out
}

// specFile is a spec file found by Collect: the path it is read and
// reported by, its real path, which tells two names of one file apart
// from two files, and the index of the named path that led to it.
type specFile struct {
	path, real string
	arg        int
}

// Real is path made absolute with symbolic links resolved, so that a file
// or directory reached through a link is known by one name. Where path
// does not exist (yet), its existing part is resolved and the rest kept.
func Real(path string) string {
	if p, err := filepath.Abs(path); err == nil {
		path = p
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		return real
	}
	parent := filepath.Dir(path)
	if parent == path {
		return path
	}
	return filepath.Join(Real(parent), filepath.Base(path))
}

// walker walks named directories.
type walker struct {
	kust     kustomizeInputs
	roots    []string        // the named paths, real: links into them are followed
	follow   bool            // links out of them are followed too
	seen     map[string]bool // real directories walked for this name
	problems diag.List       // links not followed
}

// walk returns the spec files under dir, following symbolic links to
// directories (a shared specs directory linked in) that stay inside the
// named paths, or all with follow; each directory is read once however
// many links or names lead to it, so links cannot loop.
func (w *walker) walk(dir string) ([]specFile, error) {
	var files []specFile
	realDir := map[string]string{} // directories of this walk by path
	// The separator makes WalkDir enter dir when it is itself a link.
	err := filepath.WalkDir(dir+string(filepath.Separator), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		path = filepath.Clean(path)
		name := d.Name()
		if d.IsDir() {
			if path != filepath.Clean(dir) && (strings.HasPrefix(name, ".") || name == "cue.mod") {
				return filepath.SkipDir
			}
			real := Real(path)
			if w.seen[real] {
				return filepath.SkipDir
			}
			w.seen[real] = true
			realDir[path] = real
			return nil
		}
		if strings.HasPrefix(name, ".") {
			return nil
		}
		link := d.Type()&fs.ModeSymlink != 0
		if link {
			fi, err := os.Stat(path)
			isDir := err == nil && fi.IsDir()
			if (isDir || IsSpecFile(name)) && !w.inside(path) {
				return nil
			}
			if isDir {
				more, err := w.walk(path)
				files = append(files, more...)
				return err
			}
		}
		if !IsSpecFile(name) || w.kust.skippedFile(path) {
			return nil
		}
		// Only links need resolving: a plain file's real path is its
		// directory's, already known.
		real := filepath.Join(realDir[filepath.Dir(path)], name)
		if link {
			real = Real(path)
		}
		files = append(files, specFile{path: path, real: real})
		return nil
	})
	return files, err
}

// inside reports whether the link at path may be followed: its target
// lies inside a named path, or every link is followed. A link that may
// not is reported.
func (w *walker) inside(path string, more ...string) bool {
	if w.follow {
		return true
	}
	target := Real(path)
	for _, r := range w.roots { // resolved once, in Collect
		if within(r, target) {
			return true
		}
	}
	for _, r := range more {
		if within(Real(r), target) {
			return true
		}
	}
	w.problems = append(w.problems, &diag.Diagnostic{Text: fmt.Sprintf("%s: links to %s, outside the paths named, which is not read (allowed: links within the named paths; name the target too, or pass --follow-links)", path, target)})
	return false
}

// PathError is err's text with the path first, as every problem is.
func PathError(err error) string {
	if pe, ok := err.(*fs.PathError); ok {
		return fmt.Sprintf("%s: %v", pe.Path, pe.Err)
	}
	return err.Error()
}

// IsSpecFile reports whether name has the extension of a spec file (a
// CUE tool file, x_tool.cue, never is).
func IsSpecFile(name string) bool {
	if isCUETool(name) {
		return false
	}
	switch filepath.Ext(name) {
	case ".cue", ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// isCUETool reports whether name is a CUE tool file (x_tool.cue), which
// CUE's loader leaves out of a package: never a spec.
func isCUETool(name string) bool { return strings.HasSuffix(name, "_tool.cue") }

// inCUEModule reports whether path lies in a cue.mod directory, the
// module's own files, which are never specs.
func inCUEModule(path string) bool {
	return slices.Contains(strings.Split(filepath.ToSlash(filepath.Clean(path)), "/"), "cue.mod")
}

// Within reports whether path, links resolved, is root or lies inside it.
func Within(root, path string) bool { return within(Real(root), Real(path)) }

// within is Within of paths already resolved.
func within(root, path string) bool {
	return path == root || strings.HasPrefix(path, strings.TrimSuffix(root, string(filepath.Separator))+string(filepath.Separator))
}
