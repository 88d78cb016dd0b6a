package ams

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// sendBatch is how many due messages one pass reads from the queue.
const sendBatch = 100

// errUnavailable marks a failure of the endpoint rather than of one
// message: no answer, 408, 429 or 5xx.
var errUnavailable = errors.New("endpoint unavailable")

// Run sends the queued messages until ctx ends, then returns nil. It is
// the queue's one sender: run it once per Queue.
func (q *Queue) Run(ctx context.Context) error {
	failures := 0 // consecutive endpoint failures
	for ctx.Err() == nil {
		wait, err := q.pass(ctx, &failures)
		if err != nil && ctx.Err() == nil {
			// The queue itself failed (disk): try again later, loudly.
			q.log.Error("queue pass failed", "err", err)
			wait = q.cfg.MaxBackoff
		}
		wake := q.wake
		if failures > 0 {
			// While the endpoint is down a new passage does not cut the
			// wait short: one request per back-off, however busy the zone.
			wake = nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-wake:
		case <-t.C:
		}
		t.Stop()
	}
	return nil
}

// pass sends the due messages, oldest first, and says how long to wait
// before the next pass.
func (q *Queue) pass(ctx context.Context, failures *int) (time.Duration, error) {
	if err := q.forget(ctx); err != nil {
		return 0, err
	}
	for ctx.Err() == nil {
		now := q.cfg.Now().UnixMilli()
		rows, err := q.db.QueryContext(ctx, `SELECT seq, key, body, attempts FROM outbox
			WHERE delivered_ms IS NULL AND next_ms <= ? ORDER BY next_ms, seq LIMIT ?`, now, sendBatch)
		if err != nil {
			return 0, fmt.Errorf("ams: queue: %w", err)
		}
		type item struct {
			seq      int64
			key      string
			body     []byte
			attempts int
		}
		var due []item
		for rows.Next() {
			var it item
			if err := rows.Scan(&it.seq, &it.key, &it.body, &it.attempts); err != nil {
				rows.Close()
				return 0, fmt.Errorf("ams: queue: %w", err)
			}
			due = append(due, it)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, fmt.Errorf("ams: queue: %w", err)
		}
		if len(due) == 0 {
			return q.untilNext(ctx)
		}
		for _, it := range due {
			err := q.send(ctx, it.key, it.body)
			if ctx.Err() != nil {
				return 0, nil // stopping: the message stays queued
			}
			if err == nil {
				*failures = 0
				if err := q.delivered(ctx, it.seq); err != nil {
					return 0, err
				}
				continue
			}
			q.log.Warn("not delivered", "key", it.key, "attempt", it.attempts+1, "err", err)
			if errors.Is(err, errUnavailable) {
				*failures++
				if err := q.failed(ctx, it.seq, err, 0); err != nil {
					return 0, err
				}
				return q.backoff(*failures), nil
			}
			// Refused: this message waits on its own back-off, the rest go on.
			if err := q.failed(ctx, it.seq, err, q.backoff(it.attempts+1)); err != nil {
				return 0, err
			}
		}
	}
	return 0, nil
}

// send posts one message and returns nil only on a 2xx answer.
func (q *Queue) send(ctx context.Context, key string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, q.cfg.Endpoint, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderIdempotencyKey, key)
	req.Header.Set(HeaderSender, q.cfg.Sender)
	req.Header.Set(HeaderSignature, Sign(q.cfg.Key, body))
	resp, err := q.cfg.Client.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %v", errUnavailable, err)
	}
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	resp.Body.Close()
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		return nil
	case c == http.StatusRequestTimeout || c == http.StatusTooManyRequests || c >= 500:
		return fmt.Errorf("%w: %s", errUnavailable, resp.Status)
	default:
		return fmt.Errorf("refused: %s: %s", resp.Status, bytes.TrimSpace(msg))
	}
}

// delivered records the acknowledgement: the body goes (the passage is in
// AMS now), the key stays for KeepDelivered.
func (q *Queue) delivered(ctx context.Context, seq int64) error {
	now := q.cfg.Now().UnixMilli()
	if _, err := q.db.ExecContext(ctx, `UPDATE outbox SET delivered_ms = ?, body = NULL, last_error = '' WHERE seq = ?`,
		now, seq); err != nil {
		return fmt.Errorf("ams: queue: delivered: %w", err)
	}
	return q.setMeta(ctx, "last_success_ms", strconv.FormatInt(now, 10), "last_error", "")
}

// failed records a failed attempt; wait > 0 holds the message back.
func (q *Queue) failed(ctx context.Context, seq int64, cause error, wait time.Duration) error {
	now := q.cfg.Now()
	// next_ms moves only for a refused message: one the endpoint could not
	// take keeps its place, so the oldest still goes first.
	if _, err := q.db.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = ?,
		next_ms = CASE WHEN ? > 0 THEN ? ELSE next_ms END WHERE seq = ?`,
		cause.Error(), wait, now.Add(wait).UnixMilli(), seq); err != nil {
		return fmt.Errorf("ams: queue: %w", err)
	}
	return q.setMeta(ctx, "last_error", cause.Error(), "last_error_ms", strconv.FormatInt(now.UnixMilli(), 10))
}

// untilNext is the wait until the earliest held-back message (MaxBackoff
// when there is none: Enqueue wakes the sender).
func (q *Queue) untilNext(ctx context.Context) (time.Duration, error) {
	var next *int64
	if err := q.db.QueryRowContext(ctx, `SELECT MIN(next_ms) FROM outbox WHERE delivered_ms IS NULL`).Scan(&next); err != nil {
		return 0, fmt.Errorf("ams: queue: %w", err)
	}
	if next == nil {
		return q.cfg.MaxBackoff, nil
	}
	return min(max(time.UnixMilli(*next).Sub(q.cfg.Now()), time.Millisecond), q.cfg.MaxBackoff), nil
}

// forget drops the keys delivered longer than KeepDelivered ago.
func (q *Queue) forget(ctx context.Context) error {
	cut := q.cfg.Now().Add(-q.cfg.KeepDelivered).UnixMilli()
	if _, err := q.db.ExecContext(ctx, `DELETE FROM outbox WHERE delivered_ms IS NOT NULL AND delivered_ms < ?`, cut); err != nil {
		return fmt.Errorf("ams: queue: %w", err)
	}
	return nil
}

// backoff is the wait after the n-th consecutive failure: MinBackoff
// doubled n-1 times, at most MaxBackoff, jittered down by up to a half so
// that consoles of several zones do not retry in step.
func (q *Queue) backoff(n int) time.Duration {
	d := q.cfg.MaxBackoff
	if n <= 30 {
		d = min(q.cfg.MinBackoff<<(n-1), q.cfg.MaxBackoff)
	}
	return d/2 + rand.N(d/2+1)
}
