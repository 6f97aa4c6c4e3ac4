// Package leftover names the temporary files and directories rollspec
// makes after the process that makes them, so that a later run can
// remove what a killed run (kill -9, a crash, a machine that went down)
// left: an entry whose maker no longer runs is a leftover, one whose maker
// still runs is another run's work in progress and is kept.
//
// A name is a prefix, the maker's process id and a random number:
// `<prefix><pid>-<random>`. `-o DIR` names its temporary files
// `.<name>.tmp-<pid>-<random>` beside the files it writes, and
// `diff --against` its directory `rollspec-diff-<pid>-<random>` in the
// system's temporary directory.
package leftover
