// Package filelock holds advisory locks on files that are replaced
// whole, by renaming a new file over the old one, as rollspec's edit
// commands replace a spec: while one process holds a file's lock, no
// other that takes it reads, checks or replaces the file.
//
// The lock is flock(2) on the file itself. It lives on the file's inode,
// which a rename takes away from the path: a process that waited on the
// old file would hold a lock nobody else asks for. Acquire therefore
// checks, once it holds a lock, that the path still names the file it
// locked, and starts again on the new file if not; a writer that renames
// while holding the lock thus excludes every other. No lock file is made:
// nothing is left beside the files, and the system drops a process's
// locks when it ends, however it ends.
//
// Locks are advisory: they exclude other processes that take them (every
// rollspec edit), not an editor. Where the system has no flock, Acquire
// locks nothing.
package filelock
