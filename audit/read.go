package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// scanner reads entry rows with reused buffers for the hashes.
type scanner struct {
	ns         int64
	action     string
	outcome    string
	prev, hash sql.RawBytes
}

func (s *scanner) scan(rows *sql.Rows, e *Entry) error {
	if err := rows.Scan(&e.Seq, &s.ns, &e.User, &e.Role, &e.Console, &s.action, &e.Subject,
		&e.JustKind, &e.JustText, &e.JustRef, &e.AuthRef, &s.outcome, &e.Reason, &e.Detail,
		&s.prev, &s.hash); err != nil {
		return fmt.Errorf("read entry: %w", err)
	}
	e.Time = nanosTime(s.ns)
	e.Action, e.Outcome = Action(s.action), Outcome(s.outcome)
	// A hash of the wrong length is tampering too; it shows as a mismatch.
	e.PrevHash, e.Hash = Digest{}, Digest{}
	copy(e.PrevHash[:], s.prev)
	copy(e.Hash[:], s.hash)
	return nil
}

// Verify walks the whole chain in one read snapshot, against the signed
// checkpoints and the signed head, and reports the first bad entry. The
// error is a *ChainError when the chain is broken, another error when the
// store cannot be read.
func (r *Reader) Verify(ctx context.Context) (Report, error) {
	conn, err := r.db.Conn(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("audit verify: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return Report{}, fmt.Errorf("audit verify: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only transaction
	head, end, err := r.snapshot(ctx, tx)
	if err != nil {
		return Report{}, err
	}
	_ = end
	cps, err := readCheckpoints(ctx, tx)
	if err != nil {
		return Report{}, err
	}
	v := NewVerifier(r.pub, cps, head)
	rows, err := tx.QueryContext(ctx, `SELECT `+entryColumns+` FROM entries ORDER BY seq`)
	if err != nil {
		return Report{}, fmt.Errorf("audit verify: %w", err)
	}
	defer rows.Close()
	var (
		sc scanner
		e  Entry
	)
	for rows.Next() {
		if err := sc.scan(rows, &e); err != nil {
			return Report{}, fmt.Errorf("audit verify: %w", err)
		}
		if v.Next(&e) != nil {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return Report{}, fmt.Errorf("audit verify: %w", err)
	}
	rep, cerr := v.Finish()
	if cerr != nil {
		return rep, cerr
	}
	return rep, nil
}

// snapshot pins the read snapshot and reads a signed head consistent with
// it. A writer in another process rewrites the head around each commit, so
// the head is read before and after the snapshot is taken, and the one
// whose committed or pending seq is the snapshot's end is used.
func (r *Reader) snapshot(ctx context.Context, tx *sql.Tx) (*SignedHead, int64, error) {
	h1, err := r.readHead()
	if err != nil {
		return nil, 0, err
	}
	var end int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM entries`).Scan(&end); err != nil {
		return nil, 0, fmt.Errorf("audit verify: %w", err)
	}
	h2, err := r.readHead()
	if err != nil {
		return nil, 0, err
	}
	for _, h := range []*SignedHead{h2, h1} {
		if h != nil && (h.Committed.Seq == end || h.Pending.Seq == end) {
			return h, end, nil
		}
	}
	return h2, end, nil
}

// readHead returns the newest valid head, the newest invalid one when none
// verifies (Verify then reports the bad signature), or nil without a file.
func (r *Reader) readHead() (*SignedHead, error) {
	b, err := os.ReadFile(r.keyPath + ".head")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("audit verify: head file: %w", err)
	}
	slots := ParseHeadFile(b)
	if len(slots) == 0 {
		return nil, nil
	}
	h, _ := SelectHead(r.pub, slots)
	return &h, nil
}

func readCheckpoints(ctx context.Context, tx *sql.Tx) ([]Checkpoint, error) {
	rows, err := tx.QueryContext(ctx, `SELECT seq, hash, time, sig FROM checkpoints ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("audit verify: checkpoints: %w", err)
	}
	defer rows.Close()
	var cps []Checkpoint
	for rows.Next() {
		var (
			cp   Checkpoint
			h    []byte
			ns   int64
			sigb []byte
		)
		if err := rows.Scan(&cp.Seq, &h, &ns, &sigb); err != nil {
			return nil, fmt.Errorf("audit verify: checkpoints: %w", err)
		}
		copy(cp.Hash[:], h)
		cp.Time, cp.Sig = nanosTime(ns), sigb
		cps = append(cps, cp)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit verify: checkpoints: %w", err)
	}
	return cps, nil
}

// VerifyPath verifies the store at dbPath with the public key next to
// keyPath ("" for the default), without opening it for writing.
func VerifyPath(ctx context.Context, dbPath, keyPath string) (Report, error) {
	r, err := OpenReader(dbPath, Options{KeyPath: keyPath})
	if err != nil {
		return Report{}, err
	}
	defer r.Close()
	return r.Verify(ctx)
}
