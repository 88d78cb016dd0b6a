package roomdb

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/politiezone/zoneconsole/audit"
)

// Verify walks the room's whole audit chain, in one snapshot, through
// audit's Verifier: every entry's hash recomputed with audit's encoding,
// every link, and no gap from seq 1 to the last. A break comes back as the
// Report's Err and as an error wrapping it (errors.Is(err,
// audit.ErrBroken)); any other error means the chain could not be read.
//
// The room's chain has no signed checkpoints or head yet, so this proves
// the rows consistent, not that nobody with the owner role rewrote the
// whole chain: Report.KeyPinned is false and Checkpoints 0.
func (a *AuditAppender) Verify(ctx context.Context) (audit.Report, error) {
	// One REPEATABLE READ snapshot: appends by other consoles go on, and
	// the walk ends exactly at the head that snapshot saw.
	tx, err := a.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return audit.Report{}, fmt.Errorf("roomdb: audit verify: begin: %w", classify(err))
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // read-only
	var end int64
	if err := tx.QueryRow(ctx, "SELECT coalesce(max(seq), 0) FROM room.audit").Scan(&end); err != nil {
		return audit.Report{}, fmt.Errorf("roomdb: audit verify: reading the head: %w", classify(err))
	}
	rows, err := tx.Query(ctx, `SELECT seq, time_ns, user_name, role, console, action, subject,
	just_kind, just_text, just_ref, auth_ref, outcome, reason, detail, prev_hash, hash
FROM room.audit ORDER BY seq`)
	if err != nil {
		return audit.Report{}, fmt.Errorf("roomdb: audit verify: %w", classify(err))
	}
	defer rows.Close()
	// No key: the Verifier checks no signatures, only the chain itself.
	v := audit.NewVerifier(nil, nil, nil)
	var e audit.Entry
	var ns int64
	var action, outcome string
	var prev, hash []byte
	for rows.Next() {
		if err := rows.Scan(&e.Seq, &ns, &e.User, &e.Role, &e.Console, &action, &e.Subject,
			&e.JustKind, &e.JustText, &e.JustRef, &e.AuthRef, &outcome, &e.Reason, &e.Detail, &prev, &hash); err != nil {
			return audit.Report{}, fmt.Errorf("roomdb: audit verify: reading a row after seq %d: %w", e.Seq, classify(err))
		}
		e.Time = time.Unix(0, ns).UTC() // the inverse of the UnixNano audit hashes
		e.Action, e.Outcome = audit.Action(action), audit.Outcome(outcome)
		// The table's CHECKs hold both at 32 bytes; a shorter one would
		// leave zero bytes and fail the link or hash check, as it should.
		e.PrevHash, e.Hash = audit.Digest{}, audit.Digest{}
		copy(e.PrevHash[:], prev)
		copy(e.Hash[:], hash)
		if ce := v.Next(&e); ce != nil {
			break
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return audit.Report{}, fmt.Errorf("roomdb: audit verify: %w", classify(err))
	}
	// FinishRange, not Finish: Finish demands a signed head file, which
	// the room's chain does not have; FinishRange checks the walk reached
	// the snapshot's last seq.
	r, ce := v.FinishRange(end)
	r.HeadSeq = end
	if ce != nil {
		return r, fmt.Errorf("roomdb: audit verify: %w", ce)
	}
	return r, nil
}
