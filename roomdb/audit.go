package roomdb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/politiezone/zoneconsole/audit"
)

// chainLock is the advisory lock key held, per transaction, by whoever
// appends to the room's audit chain: read the head, insert after it,
// commit. Every console of the room takes the same key.
const chainLock = 0x726f6f6d617564 // "roomaud"

// AuditConfig tunes an AuditAppender; the zero value is usable.
type AuditConfig struct {
	// MaxBatch bounds the entries committed in one transaction (default 512).
	MaxBatch int
	// CommitTimeout bounds one append transaction, the wait for the chain
	// lock included (default 10 s): a hung server fails the appends
	// instead of holding the console.
	CommitTimeout time.Duration
	// Now stamps entries whose Time is zero (default time.Now).
	Now func() time.Time
}

// AuditAppender appends entries to the room's one audit chain. One
// goroutine owns the writes: entries handed to Append and AppendBatch
// while a commit runs are committed together in the next transaction (one
// fsync for all), in the order they arrived. Across consoles the chain
// lock orders the transactions, so the room gets one chain with no gap.
type AuditAppender struct {
	pool *pgxpool.Pool
	cfg  AuditConfig

	reqs      chan *appendReq
	terminate chan struct{}
	done      chan struct{}
	closed    chan struct{} // closed once by Close
}

type appendReq struct {
	entries []audit.Entry
	out     chan appendResult // buffered: the writer never waits on a caller
}

type appendResult struct {
	receipts []audit.Receipt
	err      error
}

// NewAuditAppender starts the writer of the chain in pool's database. The
// pool stays the caller's; Close the appender before the pool.
func NewAuditAppender(pool *pgxpool.Pool, cfg AuditConfig) *AuditAppender {
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 512
	}
	if cfg.CommitTimeout <= 0 {
		cfg.CommitTimeout = 10 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	a := &AuditAppender{
		pool: pool, cfg: cfg,
		reqs:      make(chan *appendReq),
		terminate: make(chan struct{}),
		done:      make(chan struct{}),
		closed:    make(chan struct{}),
	}
	go a.run()
	return a
}

// Append appends e and returns once it is committed (durably: the commit
// is synchronous). An error means the entry must be taken as not stored,
// and the caller fails closed; errors.Is(err, ErrUnavailable) says the
// database is out of reach. When ctx ends first the entry may still be
// committed: the audit then holds one entry too many, never one too few.
func (a *AuditAppender) Append(ctx context.Context, e audit.Entry) (audit.Receipt, error) {
	rs, err := a.AppendBatch(ctx, []audit.Entry{e})
	if err != nil {
		return audit.Receipt{}, err
	}
	return rs[0], nil
}

// AppendBatch appends es, in order and contiguously, in one transaction,
// and returns their receipts.
func (a *AuditAppender) AppendBatch(ctx context.Context, es []audit.Entry) ([]audit.Receipt, error) {
	if len(es) == 0 {
		return nil, nil
	}
	for i := range es {
		if err := checkText(&es[i]); err != nil {
			return nil, fmt.Errorf("roomdb: audit append: entry %d of %d: %w", i+1, len(es), err)
		}
	}
	req := &appendReq{entries: es, out: make(chan appendResult, 1)}
	select {
	case a.reqs <- req:
	case <-a.terminate:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, fmt.Errorf("roomdb: audit append: %w", ctx.Err())
	}
	select {
	case r := <-req.out:
		return r.receipts, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("roomdb: audit append: waiting for the commit: %w", ctx.Err())
	}
}

// checkText refuses what a PostgreSQL text column cannot hold (a NUL
// byte, invalid UTF-8) before it reaches the chain: the hash covers the
// exact bytes, and a row stored differently would never verify.
func checkText(e *audit.Entry) error {
	for _, f := range [...]struct{ name, v string }{
		{"user", e.User}, {"role", e.Role}, {"console", e.Console}, {"action", string(e.Action)},
		{"subject", e.Subject}, {"justification kind", e.JustKind}, {"justification", e.JustText},
		{"justification reference", e.JustRef}, {"authorisation reference", e.AuthRef},
		{"outcome", string(e.Outcome)}, {"reason", e.Reason}, {"detail", e.Detail},
	} {
		if !utf8.ValidString(f.v) || strings.IndexByte(f.v, 0) >= 0 {
			return fmt.Errorf("%s is not NUL-free UTF-8 text", f.name)
		}
	}
	return nil
}

// Close stops the writer once the transaction under way has ended;
// appends still queued fail with ErrClosed. It is idempotent.
func (a *AuditAppender) Close() {
	select {
	case <-a.closed:
	default:
		close(a.closed)
		close(a.terminate)
	}
	<-a.done
}

func (a *AuditAppender) run() {
	defer close(a.done)
	for {
		var first *appendReq
		select {
		case first = <-a.reqs:
		case <-a.terminate:
			return
		}
		batch, n := []*appendReq{first}, len(first.entries)
		// Take whatever else is already waiting: that is the group commit.
	gather:
		for n < a.cfg.MaxBatch {
			select {
			case r := <-a.reqs:
				batch = append(batch, r)
				n += len(r.entries)
			default:
				break gather
			}
		}
		a.commitBatch(batch, n)
	}
}

func (a *AuditAppender) commitBatch(batch []*appendReq, n int) {
	es := make([]audit.Entry, 0, n)
	for _, r := range batch {
		es = append(es, r.entries...)
	}
	now := a.cfg.Now().UTC()
	for i := range es {
		if es[i].Time.IsZero() {
			es[i].Time = now
		}
		es[i].Time = es[i].Time.UTC()
	}
	ctx, cancel := context.WithTimeout(context.Background(), a.cfg.CommitTimeout)
	defer cancel()
	err := a.commit(ctx, es)
	if err != nil {
		err = fmt.Errorf("roomdb: audit append of %d entries: %w", len(es), classify(err))
		if errors.Is(err, ErrUnavailable) {
			// The pool's other connections are as dead as this one: drop
			// them, or each would fail one more append after the server
			// is back.
			a.pool.Reset()
		}
	}
	off := 0
	for _, r := range batch {
		res := appendResult{err: err}
		if err == nil {
			res.receipts = make([]audit.Receipt, len(r.entries))
			for i := range r.entries {
				e := &es[off+i]
				res.receipts[i] = audit.Receipt{Seq: e.Seq, Time: e.Time, Hash: e.Hash}
			}
		}
		off += len(r.entries)
		r.out <- res
	}
}

// commit appends es after the chain's head in one transaction and fills
// their Seq, PrevHash and Hash. The head is read only once the chain lock
// is held, in a statement after the one that took it, so under READ
// COMMITTED it sees every earlier holder's commit (the lock is released
// only after the commit is visible).
func (a *AuditAppender) commit(ctx context.Context, es []audit.Entry) error {
	tx, err := a.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	// Durable whatever the server's default: a receipt is a promise.
	if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit = on"); err != nil {
		return fmt.Errorf("synchronous commit: %w", err)
	}
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(chainLock)); err != nil {
		return fmt.Errorf("taking the chain lock: %w", err)
	}
	var head audit.Head
	var hash []byte
	err = tx.QueryRow(ctx, "SELECT seq, hash FROM room.audit ORDER BY seq DESC LIMIT 1").Scan(&head.Seq, &hash)
	switch {
	case errors.Is(err, pgx.ErrNoRows): // empty chain: seq 0, zero hash
	case err != nil:
		return fmt.Errorf("reading the chain head: %w", err)
	default:
		if len(hash) != audit.HashSize {
			return fmt.Errorf("chain head %d has a %d-byte hash", head.Seq, len(hash))
		}
		copy(head.Hash[:], hash)
	}
	rows := make([][]any, len(es))
	for i := range es {
		e := &es[i]
		e.Seq, e.PrevHash = head.Seq+1, head.Hash
		e.Hash = audit.EntryHash(e.PrevHash, e)
		head = audit.Head{Seq: e.Seq, Hash: e.Hash}
		rows[i] = []any{e.Seq, e.Time.UnixNano(), e.User, e.Role, e.Console, string(e.Action), e.Subject,
			e.JustKind, e.JustText, e.JustRef, e.AuthRef, string(e.Outcome), e.Reason, e.Detail,
			e.PrevHash[:], e.Hash[:]}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{Schema, "audit"}, auditColumns(), pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("inserting seq %d-%d: %w", es[0].Seq, head.Seq, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit of seq %d-%d (outcome unknown if the connection dropped): %w", es[0].Seq, head.Seq, err)
	}
	return nil
}

// auditColumns are room.audit's columns in the order commit fills a row.
func auditColumns() []string {
	return []string{"seq", "time_ns", "user_name", "role", "console", "action", "subject",
		"just_kind", "just_text", "just_ref", "auth_ref", "outcome", "reason", "detail", "prev_hash", "hash"}
}
