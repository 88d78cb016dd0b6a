package audit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Query returns the entries that match f, ordered by time then seq. Each
// filter field maps to an indexed column, so a review query stays fast on
// millions of entries when it is bounded by Limit or by a short period.
func (r *Reader) Query(ctx context.Context, f Filter) ([]Entry, error) { return r.query(ctx, f, 0) }

// query is Query bounded to seq <= maxSeq when maxSeq > 0: an export writes
// only what it verified.
func (r *Reader) query(ctx context.Context, f Filter, maxSeq int64) ([]Entry, error) {
	q, args := buildQuery(f, maxSeq)
	rows, err := r.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("audit query: %w", err)
	}
	defer rows.Close()
	var (
		out []Entry
		sc  scanner
	)
	for rows.Next() {
		var e Entry
		if err := sc.scan(rows, &e); err != nil {
			return nil, fmt.Errorf("audit query: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit query: %w", err)
	}
	return out, nil
}

func buildQuery(f Filter, maxSeq int64) (string, []any) {
	var (
		where []string
		args  []any
	)
	if maxSeq > 0 {
		where, args = append(where, "seq <= ?"), append(args, maxSeq)
	}
	if !f.From.IsZero() {
		where, args = append(where, "time >= ?"), append(args, boundNanos(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "time < ?"), append(args, boundNanos(f.To))
	}
	for _, c := range []struct{ col, val string }{{"user", f.User}, {"subject", f.Subject}, {"just_kind", f.JustKind}} {
		if c.val != "" {
			where, args = append(where, c.col+" = ?"), append(args, c.val)
		}
	}
	if len(f.Actions) > 0 {
		marks := strings.TrimSuffix(strings.Repeat("?,", len(f.Actions)), ",")
		where = append(where, "action IN ("+marks+")")
		for _, a := range f.Actions {
			args = append(args, string(a))
		}
	}
	q := `SELECT ` + selectColumns + ` FROM entries`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY time, seq"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	return q, args
}

// The times an int64 of nanoseconds holds (1677-09-21 to 2262-04-11).
var (
	firstNanos = time.Unix(0, math.MinInt64).UTC()
	lastNanos  = time.Unix(0, math.MaxInt64).UTC()
)

// boundNanos is timeNanos for a filter bound, clamped to the times an int64
// of nanoseconds holds: `audit export --to 9999-12-31` means "until the end",
// not a UnixNano that wraps around and selects nothing.
func boundNanos(t time.Time) int64 {
	switch {
	case t.Before(firstNanos):
		return math.MinInt64
	case t.After(lastNanos):
		return math.MaxInt64
	}
	return timeNanos(t)
}

// DetailValue returns the value of key in a Detail string of
// space-separated key=value pairs ("view=42 layout=2x2"), or "".
func DetailValue(detail, key string) string {
	for _, kv := range strings.Fields(detail) {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// OpenIntervals returns the allowed live.start entries since the given time
// that no later live.stop closes: who is watching which camera right now,
// since when and why. A stop closes the start with the same "view=<id>" in
// Detail; entries without a view id match on user, console and subject.
func (r *Reader) OpenIntervals(ctx context.Context, since time.Time) ([]Entry, error) {
	es, err := r.Query(ctx, Filter{From: since, Actions: []Action{ActLiveStart, ActLiveStop}})
	if err != nil {
		return nil, fmt.Errorf("audit open intervals: %w", err)
	}
	return OpenIntervals(es), nil
}

// OpenIntervals is the pure part of Reader.OpenIntervals: given live.start
// and live.stop entries in time order, it returns the starts left open, in
// time order.
func OpenIntervals(es []Entry) []Entry {
	open := map[string]int{} // interval key -> index in es
	for i := range es {
		e := &es[i]
		k := intervalKey(e)
		switch {
		case e.Action == ActLiveStart && e.Outcome == OutcomeAllowed:
			open[k] = i
		case e.Action == ActLiveStop:
			delete(open, k)
		}
	}
	idx := make([]int, 0, len(open))
	for _, i := range open {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	out := make([]Entry, len(idx))
	for j, i := range idx {
		out[j] = es[i]
	}
	return out
}

func intervalKey(e *Entry) string {
	if v := DetailValue(e.Detail, "view"); v != "" {
		return "view\x00" + v
	}
	return "usc\x00" + e.User + "\x00" + e.Console + "\x00" + e.Subject
}

// ErrNotFound is returned by EntryAt for a seq the store does not hold.
var ErrNotFound = errors.New("audit: no such entry")

// EntryAt returns the entry with the given seq, e.g. the one a ChainError
// names.
func (r *Reader) EntryAt(ctx context.Context, seq int64) (Entry, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT `+selectColumns+` FROM entries WHERE seq = ?`, seq)
	if err != nil {
		return Entry{}, fmt.Errorf("audit entry %d: %w", seq, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return Entry{}, fmt.Errorf("audit entry %d: %w", seq, err)
		}
		return Entry{}, fmt.Errorf("audit entry %d: %w", seq, ErrNotFound)
	}
	var (
		e  Entry
		sc scanner
	)
	if err := sc.scan(rows, &e); err != nil {
		return Entry{}, fmt.Errorf("audit entry %d: %w", seq, err)
	}
	return e, nil
}
