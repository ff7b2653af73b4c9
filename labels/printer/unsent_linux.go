//go:build linux

package printer

import (
	"net"

	"golang.org/x/sys/unix"
)

// unsentBytes is how much of what was written to c the other side has not
// acknowledged yet (SIOCOUTQ: sent or not), and whether the kernel said.
func unsentBytes(c *net.TCPConn) (int, bool) {
	rc, err := c.SyscallConn()
	if err != nil {
		return 0, false
	}
	var n int
	var ierr error
	if err := rc.Control(func(fd uintptr) { n, ierr = unix.IoctlGetInt(int(fd), unix.SIOCOUTQ) }); err != nil || ierr != nil {
		return 0, false
	}
	return n, true
}
