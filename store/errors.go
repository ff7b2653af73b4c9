package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Error codes. The TUI and the CLI branch on these; sync sends them over the wire.
const (
	ENOTFOUND = "not_found" // the thing named does not exist
	ECONFLICT = "conflict"  // the change clashes with current state (duplicate tag, asset already out)
	EINVALID  = "invalid"   // the input is malformed or the transition is not allowed
	EINTERNAL = "internal"  // a bug or an I/O failure
	EBUSY     = "busy"      // another writer (an import in another tagdesk) held the desk too long
	EFULL     = "disk_full" // the disk holding the database is full: nothing was saved
)

// ErrReadOnly is in the chain of a change refused because the database
// cannot be written (its file, its folder or its journal is read-only for
// this user). The coded error's message is whole: it names the database
// and says that nothing was changed.
var ErrReadOnly = errors.New("the database is read-only")

// ErrDiskFull is in the chain of an EFULL error: the disk holding the
// database is full, and the change was rolled back whole.
var ErrDiskFull = errors.New("the disk is full")

// ErrDuplicateSerial is in the chain of a refusal of a serial another asset
// has: a desk may receive it all the same (Receipt.AllowDuplicateSerial).
var ErrDuplicateSerial = errors.New("duplicate serial")

// ErrSerialIsOtherNumber is in the chain of a refusal of a serial that is a
// model's or an order's number: received all the same when asked
// (Receipt.AllowDuplicateSerial), as an accessory's serial may be so.
var ErrSerialIsOtherNumber = errors.New("serial is another number")

// Error is a domain error with a code and a message meant for the person at the desk.
type Error struct {
	Code    string
	Message string
	Err     error // the underlying cause, if any
}

func (e *Error) Error() string {
	if e.Err != nil && e.Message == "" {
		return e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns a coded error.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err: the code of the first *Error in its chain,
// EINTERNAL for any other error, "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of a coded error, or err.Error() for others.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return err.Error()
}

// busyMessage is what a change that could not start says: the desk's
// write lock stayed with another writer (an import, which is one
// transaction, or a sync in another tagdesk) for longer than it waits.
const busyMessage = "the desk is busy: another tagdesk is writing to it (an import or a sync); nothing changed, try again when it has finished"

// beginErr says why a write transaction could not start.
func beginErr(err error) error {
	if isBusy(err) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{Code: EBUSY, Message: busyMessage, Err: err}
	}
	// (A read-only database or a full disk: storageErr, where the
	// database's path is known.)
	return fmt.Errorf("begin: %w", err)
}

// plainWriteErr says why a write outside a transaction (a setting, the
// sync bookkeeping) failed: the desk's words for a held lock, a read-only
// database or a full disk, not SQLite's.
func (db *DB) plainWriteErr(what string, err error) error {
	if isBusy(err) {
		return &Error{Code: EBUSY, Message: busyMessage, Err: err}
	}
	if serr := db.storageErr(err); serr != err {
		return serr
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Why a database is read-only (readOnlyErr): its file's permissions, or
// its folder's (roFolder).
const roFile = "(check its permissions)"

// roFolder says to check the folder of the database at path: the one the
// file is in, where SQLite keeps its journal, which for a link is the
// folder of the file it leads to, not the link's.
func roFolder(path string) string {
	return fmt.Sprintf("(check the permissions of its folder %s: tagdesk keeps its journal beside it)", filepath.Dir(resolved(path)))
}

// readOnlyErr is the refusal of a change to the database at path, which
// cannot be written: why says what to check (roFile, roFolder).
func readOnlyErr(path, why string, err error) error {
	return &Error{Code: EINVALID, Message: fmt.Sprintf("the database %s is read-only %s: %s", path, why, nothingChanged), Err: errors.Join(ErrReadOnly, err)}
}

// fullErr is the failure of a change for want of disk space.
func fullErr(path string, err error) error {
	return &Error{Code: EFULL, Message: fmt.Sprintf("the disk holding the database %s is full: %s; free some space and try again", path, nothingSaved), Err: errors.Join(ErrDiskFull, err)}
}

// What a read-only database's and a full disk's refusals say was done
// (readOnlyErr, fullErr): true of a command's one change, not of one of
// several whose earlier ones were saved (PartialMessage).
const (
	nothingChanged = "nothing was changed"
	nothingSaved   = "nothing was saved"
)

// PartialMessage is ErrorMessage(err) for a refusal of a read-only database
// or a full disk (ErrReadOnly, ErrDiskFull) met by one change of a command
// of several, whose earlier changes were saved: instead says what was and
// was not (as "this scan was not saved (the 7 before it were)") where the
// refusal says nothing was. Other errors' messages are left as they are.
func PartialMessage(err error, instead string) string {
	msg := ErrorMessage(err)
	if !errors.Is(err, ErrReadOnly) && !errors.Is(err, ErrDiskFull) {
		return msg
	}
	for _, n := range []string{nothingSaved, nothingChanged} {
		if i := strings.LastIndex(msg, ": "+n); i >= 0 {
			return msg[:i+2] + instead + msg[i+2+len(n):]
		}
	}
	return msg
}

// isFull reports whether err is SQLite's "database or disk is full" or the
// system's ENOSPC or EDQUOT. An I/O error SQLite reports as such (IOERR) is
// not taken for one: it does not say the disk is full (a quota's EDQUOT
// comes so, but so does a failing disk's EIO).
func isFull(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_FULL {
		return true
	}
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// storageErr gives a change that failed for want of a writable database or
// of disk space the desk's words (readOnlyErr, fullErr), whatever statement
// met it (a commit, an insert); other errors are returned as they are. It is applied where a
// change ends (enqueue, plainWriteErr), after every decision inside the
// transaction, which takes an uncoded error for a failure and stops.
func (db *DB) storageErr(err error) error {
	if err == nil || errors.Is(err, ErrReadOnly) || errors.Is(err, ErrDiskFull) {
		return err
	}
	var ce *Error
	if errors.As(err, &ce) && ce.Code != EINTERNAL {
		return err
	}
	switch {
	case isFull(err):
		return fullErr(db.name, err)
	case isReadOnly(err):
		return readOnlyErr(db.name, roFile, err)
	}
	return err
}

func notFound(format string, args ...any) *Error { return Errorf(ENOTFOUND, format, args...) }
func conflict(format string, args ...any) *Error { return Errorf(ECONFLICT, format, args...) }
func invalid(format string, args ...any) *Error  { return Errorf(EINVALID, format, args...) }
