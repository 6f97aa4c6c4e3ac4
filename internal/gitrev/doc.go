// Package gitrev reads named paths as they were at a git revision, for
// `rollspec diff --against REV`, into a temporary directory that mirrors
// each repository's layout, for loading to read as it reads the work tree.
//
// It is the only place rollspec runs a program, and it runs one: git
// (rev-parse, ls-tree, cat-file, config --get), which must run no other
// program and reach no network, whatever the repository holds. Every
// command is built in one place (git.go) with:
//   - -c safe.bareRepository=explicit: a committed directory shaped as a
//     bare repository is never taken for the repository (its config could
//     name any command as a promisor remote's upload-pack);
//   - GIT_NO_LAZY_FETCH=1, -c protocol.allow=never and each common
//     protocol's own allow=never: a partial clone's missing object is
//     reported (absent, with how to fetch it), never fetched, so no
//     transport runs (remote.*.uploadpack, core.sshCommand);
//   - -c core.fsmonitor=false, -c core.hooksPath=/dev/null, --no-pager,
//     GIT_TERMINAL_PROMPT=0, GIT_OPTIONAL_LOCKS=0, and no variable naming a
//     program (GIT_ASKPASS, GIT_SSH_COMMAND, …) or a surrounding command's
//     repository (GIT_DIR, …);
//   - a time limit (DefaultTimeout, Options.Timeout) and a process group
//     of its own, killed whole when the limit passes or the Tree is
//     removed (a signal).
//
// The system's and the user's configuration are the operator's, and read
// (safe.directory among them); what they could set to run a program is
// overridden above or never reached. Textconv drivers and filters never
// apply: cat-file runs without --textconv and --filters.
// core.alternateRefsCommand, credential helpers and core.sshCommand run
// only for a transport, which never starts.
//
// A file read is bounded as loading bounds it (load.Limits), a link's
// target alike. The temporary directory is named after the process
// (leftover.Name), so a run killed before removing it has it removed by
// the next one.
package gitrev
