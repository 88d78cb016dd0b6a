package roomdb

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/politiezone/zoneconsole/audit"
)

// ReviewQuery selects one page of the review screen: the entries of one
// user, or of one subject ("camera:<id>"), or both, in [From, To), newest
// first. After, when set, is the last entry of the previous page: the page
// continues below it (keyset paging, so page 1000 costs what page 1 does).
type ReviewQuery struct {
	User, Subject string
	From, To      time.Time
	After         *audit.Entry
	Limit         int // default and maximum 1000; the screen asks 100
}

// Review returns one page of q, newest first (by time, then seq). Each
// filter is served by a (column, time_ns, seq) index (migration 2),
// scanned backwards from To and stopped after Limit rows.
func (a *AuditAppender) Review(ctx context.Context, q ReviewQuery) ([]audit.Entry, error) {
	if q.User == "" && q.Subject == "" {
		return nil, errors.New("roomdb: audit review: a user or a subject is required")
	}
	if q.Limit <= 0 || q.Limit > 1000 {
		q.Limit = 1000
	}
	from, to := int64(-1<<63), int64(1<<63-1)
	if !q.From.IsZero() {
		from = q.From.UnixNano()
	}
	if !q.To.IsZero() {
		to = q.To.UnixNano()
	}
	// (time_ns, seq) < (beforeNs, beforeSeq): To itself is excluded, as is
	// everything up to the previous page's last entry.
	beforeNs, beforeSeq := to, int64(-1<<63)
	if q.After != nil {
		beforeNs, beforeSeq = q.After.Time.UnixNano(), q.After.Seq
	}
	// The user filter is the more selective in a room (hundreds of users,
	// thousands of cameras watched by many), so with both it leads; the
	// planner picks the index from the equality it sees.
	where := "user_name = $1 AND ($2 = '' OR subject = $2)"
	if q.User == "" {
		where = "$1::text = '' AND subject = $2" // $1 typed, though unused
	}
	rows, err := a.pool.Query(ctx, `SELECT seq, time_ns, user_name, role, console, action, subject,
	just_kind, just_text, just_ref, auth_ref, outcome, reason, detail, prev_hash, hash
FROM room.audit WHERE `+where+` AND time_ns >= $3 AND (time_ns, seq) < ($4, $5)
ORDER BY time_ns DESC, seq DESC LIMIT $6`,
		// Planned for its values each time, never as a cached generic
		// plan: which index serves depends on which filter is set.
		pgx.QueryExecModeExec, q.User, q.Subject, from, beforeNs, beforeSeq, q.Limit)
	if err != nil {
		return nil, fmt.Errorf("roomdb: audit review: %w", classify(err))
	}
	es, err := pgx.CollectRows(rows, scanEntry)
	if err != nil {
		return nil, fmt.Errorf("roomdb: audit review: %w", classify(err))
	}
	return es, nil
}

// Query is audit.Log's Query on the room's chain: the entries of every
// console that f selects, ordered by time then seq, for the review screen
// and its exports of a room. The review screen's filters are served by the
// (user|subject, time_ns, seq) indexes; a filter on neither scans the
// period.
func (a *AuditAppender) Query(ctx context.Context, f audit.Filter) ([]audit.Entry, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if !f.From.IsZero() {
		where = append(where, "time_ns >= "+arg(boundNs(f.From)))
	}
	if !f.To.IsZero() {
		where = append(where, "time_ns < "+arg(boundNs(f.To)))
	}
	for _, c := range []struct{ col, val string }{{"user_name", f.User}, {"subject", f.Subject}, {"just_kind", f.JustKind}} {
		if c.val != "" {
			where = append(where, c.col+" = "+arg(c.val))
		}
	}
	if len(f.Actions) > 0 {
		acts := make([]string, len(f.Actions))
		for i, x := range f.Actions {
			acts[i] = string(x)
		}
		where = append(where, "action = ANY("+arg(acts)+")")
	}
	q := `SELECT seq, time_ns, user_name, role, console, action, subject,
	just_kind, just_text, just_ref, auth_ref, outcome, reason, detail, prev_hash, hash FROM room.audit`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY time_ns, seq"
	if f.Limit > 0 {
		q += " LIMIT " + arg(f.Limit)
	}
	rows, err := a.pool.Query(ctx, q, append([]any{pgx.QueryExecModeExec}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("roomdb: audit query: %w", classify(err))
	}
	es, err := pgx.CollectRows(rows, scanEntry)
	if err != nil {
		return nil, fmt.Errorf("roomdb: audit query: %w", classify(err))
	}
	return es, nil
}

// boundNs is a filter bound as the chain stores times, clamped to what an
// int64 of nanoseconds holds.
func boundNs(t time.Time) int64 {
	switch {
	case t.Before(time.Unix(0, math.MinInt64)):
		return math.MinInt64
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// scanEntry reads one row of room.audit, in the column order of Review
// and Query.
func scanEntry(row pgx.CollectableRow) (audit.Entry, error) {
	var e audit.Entry
	var ns int64
	var action, outcome string
	var prev, hash []byte
	err := row.Scan(&e.Seq, &ns, &e.User, &e.Role, &e.Console, &action, &e.Subject,
		&e.JustKind, &e.JustText, &e.JustRef, &e.AuthRef, &outcome, &e.Reason, &e.Detail, &prev, &hash)
	e.Time = time.Unix(0, ns).UTC()
	e.Action, e.Outcome = audit.Action(action), audit.Outcome(outcome)
	copy(e.PrevHash[:], prev)
	copy(e.Hash[:], hash)
	return e, err
}
