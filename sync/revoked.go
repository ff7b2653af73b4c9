package sync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/tagdesk/tagdesk/store"
)

// The revocation record: a file next to the SQLite server database (its
// .revoked, beside the restore marker, and like it not part of a backup)
// with a line per revoked token: the SHA-256 of the token, its name and
// when it was revoked. A database restored from a backup taken before a
// revocation would let the token in again (a lost laptop's desk syncing
// as before); opened behind the record, it revokes the token again, at the
// time it was revoked. Lines are appended, each whole and on the disk
// before the revocation is reported, so a revoke beside a running server
// (another process) needs no lock.

// RevokedPath is the revocation record of the server database at dbPath.
func RevokedPath(dbPath string) string { return dbPath + ".revoked" }

// keepRevocations revokes again what the record lists and the database
// has active (b.RevokedAgain), then records the database's revocations the
// record lacks (revoked by a build that kept none). A record it cannot read
// or add to (a file a root-run command made, a read-only folder) is said
// (b.RecordProblem), not a server that will not start: only the database
// decides who gets in.
func (b *SQLiteBackend) keepRevocations(ctx context.Context) error {
	recorded, err := readRevocations(b.revoked)
	if err != nil {
		b.RecordProblem = err.Error()
		return nil
	}
	if b.RevokedAgain, err = b.DB.ServerRevokeAgain(ctx, recorded); err != nil {
		return err
	}
	have, err := b.DB.ServerRevocations(ctx)
	if err != nil {
		return err
	}
	seen := make(map[string]bool, len(recorded))
	for _, r := range recorded {
		seen[r.Hash] = true
	}
	var missing []store.Revocation
	for _, r := range have {
		if !seen[r.Hash] {
			missing = append(missing, r)
		}
	}
	if err := appendRevocations(b.revoked, missing, b.dbPath); err != nil {
		b.RecordProblem = err.Error()
	}
	return nil
}

// readRevocations reads the record at path (none: empty). A line that is
// not whole (an append cut short by a power cut, before its revocation
// was reported) is passed over.
func readRevocations(path string) ([]store.Revocation, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the revocation record: %w", err)
	}
	var out []store.Revocation
	for _, line := range strings.Split(string(raw), "\n") {
		// hash, name, time: the name is what lies between (an older
		// build's token names held spaces); the hash is what is matched.
		fs := strings.Fields(line)
		if len(fs) < 3 || len(fs[0]) != 64 || strings.Trim(fs[0], "0123456789abcdef") != "" {
			continue
		}
		out = append(out, store.Revocation{Hash: fs[0], Name: strings.Join(fs[1:len(fs)-1], " "), At: fs[len(fs)-1]})
	}
	return out, nil
}

// appendRevocations adds rs to the record at path, on the disk before it
// returns; a new record gets the permissions of the database at dbPath,
// and its owner when root makes it.
func appendRevocations(path string, rs []store.Revocation, dbPath string) error {
	if len(rs) == 0 {
		return nil
	}
	var sb strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&sb, "%s %s %s\n", r.Hash, r.Name, r.At)
	}
	perm := os.FileMode(0o600)
	db, err := os.Stat(dbPath)
	if err == nil {
		perm = db.Mode().Perm()
	}
	_, err = os.Lstat(path)
	created := errors.Is(err, os.ErrNotExist)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, perm)
	if err != nil {
		return fmt.Errorf("not recorded in %s: %w", path, err)
	}
	if created {
		// The database's mode, whatever the umask.
		if err := f.Chmod(perm); err != nil {
			f.Close()
			return fmt.Errorf("not recorded in %s: %w", path, err)
		}
	}
	if db != nil {
		// Made by root (a token command run with sudo), now or by an
		// older build: the server's user, who owns the database, must be
		// able to add to it.
		if err := ownLike(path, db); err != nil {
			f.Close()
			return fmt.Errorf("not recorded in %s: %w", path, err)
		}
	}
	// (A line cut short before, by a power cut, ends here: this one
	// starts on its own line.)
	_, err = f.WriteString("\n" + sb.String())
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("not recorded in %s: %w", path, err)
	}
	return nil
}
