// Package specpath turns the paths a user names into the spec files and
// CUE packages to load, and decides what each named path turned out to
// be. It holds every rule about which files are specs: directories are
// walked (links followed, each directory once), hidden files, cue.mod,
// rollspec's own output and the files a kustomization reads are passed
// over there; a named file is judged by the Mode of the run (the files a
// hook saw change, or a list of specs). The outcome of each path is a
// value (Outcome) that the loader fills in and the command reads: a path
// holding no release is a problem unless the command knows why.
package specpath
