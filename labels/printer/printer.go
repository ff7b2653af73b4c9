// Package printer sends finished print jobs (ZPL, PDF, PNG bytes) to a
// printer: a raw TCP socket (JetDirect, port 9100), a CUPS queue through
// lp, or a file.
//
// Errors are *Error values naming the printer; Retryable tells a caller
// with a durable queue whether to try again later (printer off, unreachable
// or stalled) or to give up (bad URI, missing lp, unknown queue).
package printer

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Printer sends one job at a time to a printer.
type Printer interface {
	// Print sends job and returns once the printer (or spooler, or file
	// system) has taken all of it. ctx bounds the whole attempt.
	Print(ctx context.Context, job []byte) error
	// String returns the printer's URI.
	String() string
}

// Default timeouts, used when the context has no earlier deadline.
const (
	DefaultDialTimeout  = 5 * time.Second
	DefaultWriteTimeout = 60 * time.Second
	// DefaultFinishWait is how long a raw socket printer is given, once it
	// has the whole job, to end it by closing the connection or to drop
	// it: a printer that does neither has taken the job.
	DefaultFinishWait = 2 * time.Second
	// DefaultTakeWait is how long a raw socket printer that holds the
	// connection may go without taking more of a job the desk's kernel
	// still holds (a printer paused, out of media, or that stopped
	// reading) before the job is failed and stays queued.
	DefaultTakeWait = 10 * time.Second
)

// Error is a failure to reach or use a printer.
type Error struct {
	Printer   string // the printer's URI
	Err       error
	retryable bool
}

func (e *Error) Error() string { return "printer " + e.Printer + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Retryable reports whether the same job may succeed later: the printer
// was unreachable, refused the connection, stalled or timed out.
func (e *Error) Retryable() bool { return e.retryable }

// IsRetryable reports whether err is a printer error worth retrying later.
func IsRetryable(err error) bool {
	var pe *Error
	return errors.As(err, &pe) && pe.retryable
}

// ErrBadURI is wrapped by Open's errors for URIs it cannot use.
var ErrBadURI = errors.New("bad printer URI")

func permanent(printer string, err error) error {
	return &Error{Printer: printer, Err: err}
}

func retryable(printer string, err error) error {
	return &Error{Printer: printer, Err: err, retryable: true}
}

// Open returns the printer for uri:
//
//	tcp://HOST[:PORT]   raw socket, port 9100 by default
//	lp://QUEUE          CUPS queue, via `lp -d QUEUE` (-o raw for ZPL)
//	cups://QUEUE        the same
//	file:///PATH        a device (/dev/usb/lp0) or a file (ZPL appended; a
//	PATH                PDF or PNG beside an existing one, numbered), or a
//	                    new file per job in PATH if it is a directory
func Open(uri string) (Printer, error) {
	if strings.TrimSpace(uri) == "" {
		return nil, permanent(uri, fmt.Errorf("%w: empty", ErrBadURI))
	}
	scheme, rest, hasScheme := strings.Cut(uri, "://")
	if !hasScheme {
		// HOST:PORT without its scheme is a printer's address mistyped,
		// not a file to write (a file named "10.0.0.50:9100").
		if host, port, err := net.SplitHostPort(uri); err == nil && host != "" && !strings.ContainsAny(uri, `/\`) {
			if n, err := strconv.Atoi(port); err == nil && n > 0 && n < 65536 {
				return nil, permanent(uri, fmt.Errorf("%w: a network printer is tcp://%s (a file is a path: ./%s)", ErrBadURI, uri, uri))
			}
		}
		if ip, err := netip.ParseAddr(uri); err == nil {
			// A bare address is a printer's too (a file named
			// "10.0.0.50" was written, and said printed); an IPv6 one
			// goes in brackets.
			host := uri
			if ip.Is6() {
				host = "[" + uri + "]"
			}
			return nil, permanent(uri, fmt.Errorf("%w: a network printer is tcp://%s (a file is a path: ./%s)", ErrBadURI, host, uri))
		}
		return &filePrinter{path: filepath.Clean(uri)}, nil
	}
	switch strings.ToLower(scheme) {
	case "tcp", "socket", "raw":
		if !strings.HasPrefix(rest, "[") && strings.Count(rest, ":") > 1 {
			// tcp://fe80::1 read as host "fe80:" and port 1.
			return nil, permanent(uri, fmt.Errorf("%w: an IPv6 address goes in brackets: tcp://[ADDRESS]:9100", ErrBadURI))
		}
		u, err := url.Parse("tcp://" + rest)
		if err != nil || u.Hostname() == "" || (u.Path != "" && u.Path != "/") || u.User != nil || u.RawQuery != "" {
			return nil, permanent(uri, fmt.Errorf("%w: want tcp://HOST[:PORT]", ErrBadURI))
		}
		port := u.Port()
		if port == "" {
			port = "9100"
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return nil, permanent(uri, fmt.Errorf("%w: port %q is out of range", ErrBadURI, port))
		}
		return &tcpPrinter{addr: net.JoinHostPort(u.Hostname(), port)}, nil
	case "lp", "cups":
		q := rest
		if q == "" || strings.HasPrefix(q, "-") || strings.ContainsAny(q, "/ \t\r\n#\\\"'") {
			return nil, permanent(uri, fmt.Errorf("%w: want lp://QUEUE with a CUPS queue name", ErrBadURI))
		}
		return &lpPrinter{queue: q}, nil
	case "file":
		u, err := url.Parse(uri)
		if err != nil || u.Path == "" || (u.Host != "" && u.Host != "localhost") {
			return nil, permanent(uri, fmt.Errorf("%w: want file:///ABSOLUTE/PATH", ErrBadURI))
		}
		return &filePrinter{path: filepath.Clean(filepath.FromSlash(u.Path))}, nil
	}
	return nil, permanent(uri, fmt.Errorf("%w: unknown scheme %q (want tcp, lp, cups or file)", ErrBadURI, scheme))
}

// tcpPrinter writes jobs to a raw socket; the job is done when the
// connection closes cleanly.
type tcpPrinter struct {
	addr string
}

func (p *tcpPrinter) String() string { return "tcp://" + p.addr }

func (p *tcpPrinter) Print(ctx context.Context, job []byte) error {
	if err := ctx.Err(); err != nil {
		return retryable(p.String(), err)
	}
	dialCtx, cancel := context.WithTimeout(ctx, DefaultDialTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(dialCtx, "tcp", p.addr)
	if err != nil {
		return retryable(p.String(), describeNetErr(err))
	}
	defer conn.Close()

	deadline := time.Now().Add(DefaultWriteTimeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	if err := conn.SetDeadline(deadline); err != nil {
		return retryable(p.String(), err)
	}
	// Cancellation without a deadline must unblock the write too.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()

	n, err := conn.Write(job)
	if err != nil {
		if ctx.Err() != nil || isTimeout(err) {
			return retryable(p.String(), fmt.Errorf("printer stalled: sent %d of %d bytes before the deadline (out of media, paused or busy?)", n, len(job)))
		}
		return retryable(p.String(), describeNetErr(err))
	}
	tc, ok := conn.(*net.TCPConn)
	if !ok {
		if err := conn.Close(); err != nil {
			return retryable(p.String(), describeNetErr(err))
		}
		return nil
	}
	// Half-close so the printer sees the end of the job, then give it a
	// moment to end it (close its side) or to refuse it: one that dropped
	// the connection halfway (a reset) did not print the label, though the
	// kernels' buffers took it whole. One that holds the connection open
	// has the job, as CUPS's socket backend also takes it after its wait:
	// failing it would print it again at every run.
	if err := tc.CloseWrite(); err != nil {
		return retryable(p.String(), describeNetErr(err))
	}
	finish := time.Now().Add(DefaultFinishWait)
	if dl, ok := ctx.Deadline(); ok && dl.Before(finish) {
		finish = dl
	}
	if err := conn.SetReadDeadline(finish); err != nil {
		return retryable(p.String(), err)
	}
	// (What a printer says back, if anything, is not read as status.)
	_, err = io.Copy(io.Discard, conn)
	if err != nil && !isTimeout(err) && ctx.Err() == nil {
		return retryable(p.String(), fmt.Errorf("the printer dropped the connection before the end of the job (%v); the label may not have printed", describeNetErr(err)))
	}
	if err != nil {
		// It holds the connection: it has the job only once it has taken
		// all of it. Write returned when the desk's kernel had it, which
		// holds megabytes: a printer that stopped reading has a sliver.
		if err := awaitTaken(ctx, tc, len(job)); err != nil {
			_ = tc.SetLinger(0) // (discarded, not sent later: no half label when it wakes)
			return retryable(p.String(), err)
		}
	}
	if err := conn.Close(); err != nil {
		return retryable(p.String(), describeNetErr(err))
	}
	return nil
}

// awaitTaken waits until the printer has taken (acknowledged) every byte
// of a job the kernel may still hold, after the write was half-closed,
// while it keeps taking it: no more for DefaultTakeWait fails it, and so
// does the context ending (a moment after: the acknowledgement of a job
// taken whole may be on its way). Where the kernel cannot say (not
// Linux), the job is taken.
func awaitTaken(ctx context.Context, tc *net.TCPConn, total int) error {
	// The kernel's count holds the end of the job (the half-close, one
	// in TCP's numbering) until the printer acknowledges it: 1 is all
	// the bytes taken.
	left, ok := unsentBytes(tc)
	moved := time.Now()
	var ended time.Time
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for ok && left > 1 {
		if ctx.Err() != nil && ended.IsZero() {
			ended = time.Now()
		}
		if time.Since(moved) > DefaultTakeWait || !ended.IsZero() && time.Since(ended) > 500*time.Millisecond {
			return fmt.Errorf("the printer took %d of %d bytes and stopped taking the job (paused, out of media?); it stays queued", max(total-(left-1), 0), total)
		}
		<-tick.C
		var now int
		if now, ok = unsentBytes(tc); now < left {
			moved = time.Now()
		}
		left = now
	}
	return nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// describeNetErr turns a net error into a short reason such as
// "connection refused".
func describeNetErr(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		if isTimeout(err) {
			return fmt.Errorf("%s: timed out", oe.Op)
		}
		var se *os.SyscallError
		if errors.As(oe.Err, &se) {
			return se.Err
		}
		return oe.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return errors.New("timed out")
	}
	return err
}

// lpPrinter hands jobs to CUPS with lp as raw data.
type lpPrinter struct {
	queue string
}

func (p *lpPrinter) String() string { return "lp://" + p.queue }

func (p *lpPrinter) Print(ctx context.Context, job []byte) error {
	lp, err := exec.LookPath("lp")
	if err != nil {
		return permanent(p.String(), errors.New("lp not found on PATH (install the CUPS client, e.g. apt install cups-client)"))
	}
	// A printer language (ZPL) goes to the queue raw; a document (PDF, PNG)
	// through the queue's driver, which makes it the printer's.
	args := []string{"-d", p.queue}
	if !bytes.HasPrefix(job, []byte("%PDF-")) && !bytes.HasPrefix(job, []byte("\x89PNG")) {
		args = append(args, "-o", "raw")
	}
	cmd := exec.CommandContext(ctx, lp, args...)
	cmd.Stdin = bytes.NewReader(job)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(out.String())
		if ctx.Err() != nil {
			return retryable(p.String(), fmt.Errorf("lp: %w", ctx.Err()))
		}
		if msg == "" {
			msg = err.Error()
		}
		msg = strings.TrimPrefix(msg, "lp: ") // (lp names itself in its messages)
		low := strings.ToLower(msg)
		if strings.Contains(low, "does not exist") || strings.Contains(low, "unknown destination") || strings.Contains(low, "not found") {
			return permanent(p.String(), fmt.Errorf("lp: %s", msg))
		}
		return retryable(p.String(), fmt.Errorf("lp: %s", msg))
	}
	return nil
}

// filePrinter writes jobs to a file or a directory:
//
//   - a directory: each job in a new uniquely named file (atomically:
//     temporary file, sync, rename);
//   - a device or a pipe (/dev/usb/lp0): the job written to it as it is;
//   - a file, for ZPL and other text jobs: appended, as a spool file holds
//     one job after another (a printer sent the file prints every label);
//   - a file, for a PDF or PNG job (whole documents, which do not append):
//     a new file when it exists, beside it with a number (sheet-2.pdf), so
//     a batch keeps every label.
type filePrinter struct {
	path string
}

func (p *filePrinter) String() string { return "file://" + filepath.ToSlash(p.path) }

func (p *filePrinter) Print(ctx context.Context, job []byte) error {
	if err := ctx.Err(); err != nil {
		return retryable(p.String(), err)
	}
	dst := p.path
	dir := filepath.Dir(dst)
	fi, statErr := os.Stat(dst)
	ext := sniffExt(job)
	binary := ext == ".pdf" || ext == ".png"
	switch {
	case statErr == nil && fi.IsDir():
		dir = dst
		var b [6]byte
		if _, err := rand.Read(b[:]); err != nil {
			return permanent(p.String(), err)
		}
		dst = filepath.Join(dir, "label-"+time.Now().UTC().Format("20060102T150405")+"-"+hex.EncodeToString(b[:])+ext)
	case statErr == nil && !fi.Mode().IsRegular():
		return p.writeTo(dst, job, os.O_WRONLY)
	case !binary:
		return p.writeTo(dst, job, os.O_WRONLY|os.O_CREATE|os.O_APPEND)
	case statErr == nil:
		base, e := strings.TrimSuffix(dst, filepath.Ext(dst)), filepath.Ext(dst)
		for n := 2; ; n++ {
			cand := fmt.Sprintf("%s-%d%s", base, n, e)
			_, err := os.Lstat(cand)
			if errors.Is(err, os.ErrNotExist) {
				dst = cand
				break
			}
			if err != nil { // a name too long, a directory not searchable: never free
				return permanent(p.String(), err)
			}
		}
	}
	tmp, err := os.CreateTemp(dir, ".label-*.tmp")
	if err != nil {
		return permanent(p.String(), err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(job); err != nil {
		tmp.Close()
		return permanent(p.String(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return permanent(p.String(), err)
	}
	if err := tmp.Close(); err != nil {
		return permanent(p.String(), err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return permanent(p.String(), err)
	}
	return nil
}

// writeTo writes job to path opened with flag, and waits for it to reach
// the disk (or the device).
func (p *filePrinter) writeTo(path string, job []byte, flag int) error {
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return permanent(p.String(), err)
	}
	if _, err := f.Write(job); err != nil {
		f.Close()
		return permanent(p.String(), err)
	}
	if err := f.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
		f.Close() // (a pipe or some devices cannot sync: the write is what there is)
		return permanent(p.String(), err)
	}
	if err := f.Close(); err != nil {
		return permanent(p.String(), err)
	}
	return nil
}

// sniffExt names a job file after its content.
func sniffExt(job []byte) string {
	head := bytes.TrimLeft(job[:min(len(job), 64)], " \t\r\n")
	switch {
	case bytes.HasPrefix(head, []byte("%PDF")):
		return ".pdf"
	case bytes.HasPrefix(head, []byte("\x89PNG")):
		return ".png"
	case bytes.HasPrefix(head, []byte("^XA")), bytes.HasPrefix(head, []byte("~")):
		return ".zpl"
	}
	return ".prn"
}
