package sync

import (
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"syscall"
	"testing"
)

// A request that got no answer says so as a person at the desk reads it,
// and keeps its cause for errors.Is.
func TestReachErrorText(t *testing.T) {
	refused := &url.Error{Op: "Post", URL: "http://127.0.0.1:1/v1/push", Err: &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}}
	for _, c := range []struct {
		err  error
		want string
	}{
		{refused, "cannot reach the server at http://127.0.0.1:1: nothing answers there (is tagdesk serve running?)"},
		{&url.Error{Op: "Post", URL: "http://x/v1", Err: context.DeadlineExceeded}, "cannot reach the server at http://127.0.0.1:1: no answer in time"},
		{&url.Error{Op: "Post", URL: "http://x/v1", Err: &net.DNSError{Name: "desk.invalid", Err: "no such host"}}, "cannot reach the server at http://127.0.0.1:1: no such server name (desk.invalid)"},
	} {
		err := error(&reachError{server: "http://127.0.0.1:1", err: c.err})
		if err.Error() != c.want {
			t.Errorf("got %q, want %q", err.Error(), c.want)
		}
	}
	if err := error(&reachError{server: "s", err: refused}); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Error("the cause is lost")
	}
}
