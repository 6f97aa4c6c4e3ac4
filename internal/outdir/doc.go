// Package outdir keeps a directory of generated manifests in step with
// rollspec's output, the way generated code is kept in a repository.
//
// rollspec owns only the files it wrote, recognised by their first line
// (manifest.Header). Writing is all or nothing: every file is written in full
// to a temporary file beside its place before any is renamed into place,
// so a failed write changes nothing and an interrupted run never leaves a
// half-written manifest; generated files of releases that no longer exist are removed,
// among the files of the specs a run reads (each file names its source
// spec, so runs over different specs can share a directory);
// a file rollspec did not write is never overwritten or removed — the whole
// operation is refused before anything changes.
//
// Replace writes edited specs the same way, one temporary file beside
// each, renamed over it, keeping the file's owner, group and mode. A
// temporary file a killed writer left is removed by the next write in its
// directory.
package outdir
