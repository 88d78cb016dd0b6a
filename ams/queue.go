package ams

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/politiezone/zoneconsole/sqlitedb"
)

const queueSchema = `
CREATE TABLE IF NOT EXISTS outbox (
	seq          INTEGER PRIMARY KEY,
	key          TEXT NOT NULL UNIQUE,
	body         BLOB,              -- NULL once delivered: no plate kept
	enqueued_ms  INTEGER NOT NULL,
	attempts     INTEGER NOT NULL DEFAULT 0,
	next_ms      INTEGER NOT NULL,  -- not before (a refused message's back-off)
	last_error   TEXT NOT NULL DEFAULT '',
	delivered_ms INTEGER
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(next_ms, seq) WHERE delivered_ms IS NULL;
CREATE INDEX IF NOT EXISTS outbox_delivered ON outbox(delivered_ms) WHERE delivered_ms IS NOT NULL;
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
`

// Queue is the durable outbound queue to AMS and its sender.
type Queue struct {
	db   *sql.DB
	cfg  Config
	log  *slog.Logger
	wake chan struct{}
}

// Open validates cfg and opens (creating if needed) the queue at path. A
// queue that still holds messages for another endpoint is refused
// (ErrSecondDestination): what was queued for one destination is never
// sent to another; deliver or remove it first.
func Open(path string, cfg Config) (*Queue, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	db, err := sqlitedb.Open(path, sqlitedb.Options{})
	if err != nil {
		return nil, fmt.Errorf("ams: queue: %w", err)
	}
	q := &Queue{db: db, cfg: cfg, log: cfg.Logger.With("component", "ams"), wake: make(chan struct{}, 1)}
	if err := q.init(); err != nil {
		db.Close()
		return nil, err
	}
	return q, nil
}

func (q *Queue) init() error {
	ctx := context.Background()
	if _, err := q.db.ExecContext(ctx, queueSchema); err != nil {
		return fmt.Errorf("ams: queue: schema: %w", err)
	}
	prev, err := q.meta(ctx, "endpoint")
	if err != nil {
		return err
	}
	if prev != "" && prev != q.cfg.Endpoint {
		var pending int
		if err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE delivered_ms IS NULL`).Scan(&pending); err != nil {
			return fmt.Errorf("ams: queue: %w", err)
		}
		if pending > 0 {
			return fmt.Errorf("%w: %d messages are queued for %s, not %s", ErrSecondDestination, pending, prev, q.cfg.Endpoint)
		}
	}
	return q.setMeta(ctx, "endpoint", q.cfg.Endpoint)
}

// Close closes the queue. Stop Run (cancel its context and wait) first.
// Close is idempotent.
func (q *Queue) Close() error {
	if q.db == nil {
		return nil
	}
	err := q.db.Close()
	q.db = nil
	return err
}

// Enqueue stores the message for p; it is durable when Enqueue returns. A
// passage already queued, or delivered within KeepDelivered, is not queued
// again.
func (q *Queue) Enqueue(ctx context.Context, p Passage) error {
	m := NewMessage(q.cfg.Sender, p)
	body, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("ams: enqueue %s: %w", m.ID, err)
	}
	now := q.cfg.Now().UnixMilli()
	if _, err := q.db.ExecContext(ctx, `INSERT INTO outbox (key, body, enqueued_ms, next_ms) VALUES (?, ?, ?, ?)
		ON CONFLICT(key) DO NOTHING`, m.ID, body, now, now); err != nil {
		return fmt.Errorf("ams: enqueue %s: %w", m.ID, err)
	}
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return nil
}

// State is what the administrator sees of the forwarding.
type State struct {
	Endpoint      string
	Queued        int       // messages not yet acknowledged
	OldestPending time.Time // enqueue time of the oldest of them; zero if none
	LastSuccess   time.Time // last acknowledgement; zero if none yet
	LastError     string    // last failure ("" after a success)
	LastErrorAt   time.Time
	Attempts      int // failed attempts of the oldest pending message
}

// State reads the queue's state. It survives restarts: it is in the queue.
func (q *Queue) State(ctx context.Context) (State, error) {
	s := State{Endpoint: q.cfg.Endpoint}
	var oldest sql.NullInt64
	if err := q.db.QueryRowContext(ctx, `SELECT COUNT(*), MIN(enqueued_ms) FROM outbox WHERE delivered_ms IS NULL`).
		Scan(&s.Queued, &oldest); err != nil {
		return s, fmt.Errorf("ams: state: %w", err)
	}
	if oldest.Valid {
		s.OldestPending = time.UnixMilli(oldest.Int64).UTC()
		if err := q.db.QueryRowContext(ctx, `SELECT attempts FROM outbox WHERE delivered_ms IS NULL
			ORDER BY enqueued_ms, seq LIMIT 1`).Scan(&s.Attempts); err != nil {
			return s, fmt.Errorf("ams: state: %w", err)
		}
	}
	var err error
	if s.LastSuccess, err = q.metaTime(ctx, "last_success_ms"); err != nil {
		return s, err
	}
	if s.LastErrorAt, err = q.metaTime(ctx, "last_error_ms"); err != nil {
		return s, err
	}
	if s.LastError, err = q.meta(ctx, "last_error"); err != nil {
		return s, err
	}
	return s, nil
}

func (q *Queue) meta(ctx context.Context, k string) (string, error) {
	var v string
	err := q.db.QueryRowContext(ctx, `SELECT v FROM meta WHERE k = ?`, k).Scan(&v)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("ams: queue: %s: %w", k, err)
	}
	return v, nil
}

func (q *Queue) metaTime(ctx context.Context, k string) (time.Time, error) {
	v, err := q.meta(ctx, k)
	if err != nil || v == "" {
		return time.Time{}, err
	}
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("ams: queue: %s: %w", k, err)
	}
	return time.UnixMilli(ms).UTC(), nil
}

func (q *Queue) setMeta(ctx context.Context, kv ...string) error {
	for i := 0; i+1 < len(kv); i += 2 {
		if _, err := q.db.ExecContext(ctx, `INSERT INTO meta (k, v) VALUES (?, ?)
			ON CONFLICT(k) DO UPDATE SET v = excluded.v`, kv[i], kv[i+1]); err != nil {
			return fmt.Errorf("ams: queue: %s: %w", kv[i], err)
		}
	}
	return nil
}
