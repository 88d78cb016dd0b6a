package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"
)

// selectColumns reads the twelve text fields as one NUL-separated string:
// a row then costs five column conversions in the driver instead of
// sixteen, which is most of what Verify spends. Append refuses NUL bytes in
// text, so the split is unambiguous; a stored NUL or NULL is tampering and
// shows as a malformed entry. (Folding the hashes into the string too, with
// SQL checks of their length, measured slower: 4.6 s instead of 3.6 s CPU
// per million rows.)
const selectColumns = `seq, time, prev_hash, hash, ` +
	`user||char(0)||role||char(0)||console||char(0)||action||char(0)||subject||char(0)||` +
	`just_kind||char(0)||just_text||char(0)||just_ref||char(0)||auth_ref||char(0)||` +
	`outcome||char(0)||reason||char(0)||detail`

const textFields = 12

// malformedError is a row that cannot be read back as an entry.
type malformedError struct {
	seq int64
	why string
}

func (e *malformedError) Error() string { return fmt.Sprintf("entry %d: malformed: %s", e.seq, e.why) }

func (e *malformedError) chainError() *ChainError {
	return &ChainError{Seq: e.seq, Kind: KindHash, Want: "a well-formed row", Got: e.why}
}

// scanner reads entry rows; the fields of an entry are substrings of one
// string, so a row costs a handful of allocations, not sixteen.
type scanner struct {
	ns         int64
	txt        sql.NullString
	prev, hash sql.RawBytes
	f          [textFields]string
}

func (s *scanner) scan(rows *sql.Rows, e *Entry) error {
	if err := rows.Scan(&e.Seq, &s.ns, &s.prev, &s.hash, &s.txt); err != nil {
		return fmt.Errorf("read entry: %w", err)
	}
	e.Time = nanosTime(s.ns)
	// A hash of another length could hide bytes moved between columns.
	if len(s.prev) != HashSize || len(s.hash) != HashSize {
		return &malformedError{seq: e.Seq, why: fmt.Sprintf("hash of %d and %d bytes", len(s.prev), len(s.hash))}
	}
	copy(e.PrevHash[:], s.prev)
	copy(e.Hash[:], s.hash)
	if !s.txt.Valid {
		return &malformedError{seq: e.Seq, why: "a NULL text field"}
	}
	t, n := s.txt.String, 0
	for n < textFields-1 {
		i := strings.IndexByte(t, 0)
		if i < 0 {
			break
		}
		s.f[n], t, n = t[:i], t[i+1:], n+1
	}
	s.f[n] = t
	n++
	if n != textFields || strings.IndexByte(t, 0) >= 0 {
		return &malformedError{seq: e.Seq, why: "a NUL byte stored in a text field"}
	}
	e.User, e.Role, e.Console, e.Action, e.Subject = s.f[0], s.f[1], s.f[2], Action(s.f[3]), s.f[4]
	e.JustKind, e.JustText, e.JustRef, e.AuthRef = s.f[5], s.f[6], s.f[7], s.f[8]
	e.Outcome, e.Reason, e.Detail = Outcome(s.f[9]), s.f[10], s.f[11]
	return nil
}

// wantColumns are the entries table's columns and STRICT types, in order.
var wantColumns = []string{"seq INTEGER", "time INTEGER", "user TEXT", "role TEXT", "console TEXT",
	"action TEXT", "subject TEXT", "just_kind TEXT", "just_text TEXT", "just_ref TEXT", "auth_ref TEXT",
	"outcome TEXT", "reason TEXT", "detail TEXT", "prev_hash BLOB", "hash BLOB"}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// checkSchema returns a *ChainError of KindSchema when the entries table is
// no longer the STRICT table this package creates.
func checkSchema(ctx context.Context, q querier) error {
	var strict int
	err := q.QueryRowContext(ctx, `SELECT strict FROM pragma_table_list WHERE schema='main' AND name='entries'`).Scan(&strict)
	if errors.Is(err, sql.ErrNoRows) {
		return &ChainError{Kind: KindSchema, Want: "table entries", Got: "none"}
	}
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	if strict != 1 {
		return &ChainError{Kind: KindSchema, Want: "STRICT table entries", Got: "a table without STRICT"}
	}
	rows, err := q.QueryContext(ctx, `SELECT name, type, "notnull" FROM pragma_table_info('entries') ORDER BY cid`)
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var name, typ string
		var notNull int
		if err := rows.Scan(&name, &typ, &notNull); err != nil {
			return fmt.Errorf("schema: %w", err)
		}
		c := name + " " + typ
		if notNull == 0 && name != "seq" {
			c += " NULL"
		}
		got = append(got, c)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	if strings.Join(got, ", ") != strings.Join(wantColumns, ", ") {
		return &ChainError{Kind: KindSchema, Want: strings.Join(wantColumns, ", "), Got: strings.Join(got, ", ")}
	}
	return nil
}

// headRead is what the head file held when read: its newest record (nil
// without one), the record before it, and why it is unreadable (bad).
type headRead struct {
	newest, older *SignedHead
	bad           error
}

// snapshot pins the read snapshot and reads a signed head consistent with
// it. A writer in another process rewrites the head around each commit, so
// the head is read before and after the snapshot is taken, and the one
// whose committed or pending seq is the snapshot's end is used.
// ok is false when neither head names the snapshot's end and the head
// moved meanwhile: a writer raced the snapshot, and it is worth another try.
func (r *Reader) snapshot(ctx context.Context, tx *sql.Tx) (head headRead, end int64, ok bool, err error) {
	h1, err := r.readHead()
	if err != nil {
		return headRead{}, 0, false, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM entries`).Scan(&end); err != nil {
		return headRead{}, 0, false, fmt.Errorf("audit verify: %w", err)
	}
	h2, err := r.readHead()
	if err != nil {
		return headRead{}, 0, false, err
	}
	for _, h := range []headRead{h2, h1} {
		if n := h.newest; h.bad == nil && n != nil && (n.Committed.Seq == end || n.Pending.Seq == end) {
			return h, end, true, nil
		}
	}
	moved := h1.newest != nil && h2.newest != nil && h1.newest.Counter != h2.newest.Counter
	return h2, end, !moved, nil
}

// readHead reads the head file strictly (ParseHead): its newest record is
// authoritative, and an unreadable record is reported, never skipped. A
// read that races the writer's pwrite could see a half-written slot, so an
// unreadable file is read again a few times before it counts.
func (r *Reader) readHead() (headRead, error) {
	for attempt := 0; ; attempt++ {
		b, err := os.ReadFile(r.keyPath + ".head")
		if errors.Is(err, fs.ErrNotExist) {
			return headRead{}, nil
		}
		if err != nil {
			return headRead{}, fmt.Errorf("audit verify: head file: %w", err)
		}
		n, o, bad := ParseHead(b)
		if bad == nil || attempt == 3 {
			return headRead{newest: n, older: o, bad: bad}, nil
		}
		time.Sleep(time.Millisecond)
	}
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
// keyPath ("" for the default), without opening it for writing. The key is
// not pinned: use VerifyPathWith with a trusted key or fingerprint.
func VerifyPath(ctx context.Context, dbPath, keyPath string) (Report, error) {
	return VerifyPathWith(ctx, dbPath, keyPath, VerifyOptions{})
}

// VerifyPathWith verifies the store at dbPath read-only, trusting what vo
// gives (a key or fingerprint from outside the data directory, a witness).
func VerifyPathWith(ctx context.Context, dbPath, keyPath string, vo VerifyOptions) (Report, error) {
	r, err := OpenReader(dbPath, Options{KeyPath: keyPath, PublicKey: vo.PublicKey, Fingerprint: vo.Fingerprint, Witness: vo.Witness})
	if err != nil {
		return Report{}, err
	}
	defer r.Close()
	return r.VerifyWith(ctx, vo)
}
