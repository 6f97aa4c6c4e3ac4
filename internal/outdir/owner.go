package outdir

import (
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// modeBits are the mode bits a replaced file keeps: permissions, setuid,
// setgid and sticky.
const modeBits = fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky

// keep gives f, a new file that is to replace the file like describes,
// like's owner, group and mode, as far as the process may, and says what
// it could not keep ("" when all). The owner goes first, as a change of
// owner clears setuid and setgid; when the owner cannot be given (a
// process that is not root), the group still is where the process may.
// An error is a mode that could not be set, which would leave f more
// open than the file it replaces.
func keep(f *os.File, like fs.FileInfo) (lost string, err error) {
	uid, gid, owned := owner(like)
	var chown error
	if fi, err := f.Stat(); err == nil && owned {
		if u, g, ok := owner(fi); ok && (u != uid || g != gid) {
			if chown = f.Chown(uid, gid); chown != nil {
				f.Chown(-1, gid)
			}
		}
	}
	if err := f.Chmod(like.Mode() & modeBits); err != nil {
		return "", err
	}
	now, err := f.Stat()
	if err != nil {
		return "", err
	}
	var parts []string
	if u, g, ok := owner(now); ok && owned {
		if u != uid {
			parts = append(parts, fmt.Sprintf("owner %d (now %d)", uid, u))
		}
		if g != gid {
			parts = append(parts, fmt.Sprintf("group %d (now %d)", gid, g))
		}
	}
	if want, got := like.Mode()&modeBits, now.Mode()&modeBits; want != got {
		parts = append(parts, fmt.Sprintf("mode %04o (now %04o)", octal(want), octal(got)))
	}
	if len(parts) == 0 {
		return "", nil
	}
	lost = "could not keep its " + strings.Join(parts, ", ")
	if chown != nil {
		lost += ": " + cause(chown).Error()
	}
	return lost, nil
}

// octal is m's permission and special bits as chmod writes them.
func octal(m fs.FileMode) uint32 {
	o := uint32(m.Perm())
	for bit, v := range map[fs.FileMode]uint32{fs.ModeSetuid: 0o4000, fs.ModeSetgid: 0o2000, fs.ModeSticky: 0o1000} {
		if m&bit != 0 {
			o |= v
		}
	}
	return o
}
