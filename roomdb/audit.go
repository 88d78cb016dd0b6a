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
// their Seq, PrevHash and Hash. It takes two round trips, both pipelined,
// because the lock is held for the whole of both and every console waits
// on it: (1) BEGIN, durable commit, the chain lock, the head; (2) the
// insert and COMMIT. The head is read in a statement after the one that
// took the lock, so under READ COMMITTED it sees every earlier holder's
// commit (the lock is released only once that commit is visible).
func (a *AuditAppender) commit(ctx context.Context, es []audit.Entry) (err error) {
	c, err := a.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("connecting: %w", err)
	}
	defer func() {
		if err != nil && c.Conn().PgConn().TxStatus() != 'I' && !c.Conn().IsClosed() {
			// Leave the connection clean; the pool would drop it otherwise.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
			defer cancel()
			if _, rerr := c.Exec(rctx, "ROLLBACK"); rerr != nil {
				err = errors.Join(err, fmt.Errorf("rollback: %w", rerr))
			}
		}
		c.Release()
	}()
	head, err := lockHead(ctx, c.Conn())
	if err != nil {
		return err
	}
	first := head.Seq + 1
	cols := newAuditColumns(len(es))
	for i := range es {
		e := &es[i]
		e.Seq, e.PrevHash = head.Seq+1, head.Hash
		e.Hash = audit.EntryHash(e.PrevHash, e)
		head = audit.Head{Seq: e.Seq, Hash: e.Hash}
		cols.add(e)
	}
	b := &pgx.Batch{}
	b.Queue(insertAudit, cols.args()...)
	b.Queue("COMMIT")
	br := c.Conn().SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return fmt.Errorf("inserting seq %d-%d: %w", first, head.Seq, err)
	}
	if _, err := br.Exec(); err != nil {
		br.Close()
		return fmt.Errorf("commit of seq %d-%d (outcome unknown if the connection dropped): %w", first, head.Seq, err)
	}
	if err := br.Close(); err != nil {
		return fmt.Errorf("commit of seq %d-%d (outcome unknown if the connection dropped): %w", first, head.Seq, err)
	}
	return nil
}

// lockHead opens the transaction, takes the chain lock and returns the
// chain's head (seq 0 and the zero hash when it is empty).
func lockHead(ctx context.Context, conn *pgx.Conn) (audit.Head, error) {
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	// Durable whatever the server's default: a receipt is a promise.
	b.Queue("SET LOCAL synchronous_commit = on")
	b.Queue("SELECT pg_advisory_xact_lock($1)", int64(chainLock))
	b.Queue("SELECT seq, hash FROM room.audit ORDER BY seq DESC LIMIT 1")
	br := conn.SendBatch(ctx, b)
	defer br.Close()
	for _, what := range [...]string{"begin", "synchronous commit", "taking the chain lock"} {
		if _, err := br.Exec(); err != nil {
			return audit.Head{}, fmt.Errorf("%s: %w", what, err)
		}
	}
	var head audit.Head
	var hash []byte
	err := br.QueryRow().Scan(&head.Seq, &hash)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return audit.Head{}, nil
	case err != nil:
		return audit.Head{}, fmt.Errorf("reading the chain head: %w", err)
	case len(hash) != audit.HashSize:
		return audit.Head{}, fmt.Errorf("chain head %d has a %d-byte hash", head.Seq, len(hash))
	}
	copy(head.Hash[:], hash)
	if err := br.Close(); err != nil {
		return audit.Head{}, fmt.Errorf("reading the chain head: %w", err)
	}
	return head, nil
}

// insertAudit inserts the rows given as one array per column: one
// statement for the whole batch, rows in array order (the link trigger
// needs seq n-1 before n).
const insertAudit = `INSERT INTO room.audit (seq, time_ns, user_name, role, console, action, subject,
	just_kind, just_text, just_ref, auth_ref, outcome, reason, detail, prev_hash, hash)
SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
	$8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::bytea[], $16::bytea[])`

// auditColumns holds a batch column by column, as insertAudit takes it.
type auditColumns struct {
	seq, ns  []int64
	text     [12][]string
	prev, hs [][]byte
}

func newAuditColumns(n int) *auditColumns {
	c := &auditColumns{seq: make([]int64, 0, n), ns: make([]int64, 0, n), prev: make([][]byte, 0, n), hs: make([][]byte, 0, n)}
	for i := range c.text {
		c.text[i] = make([]string, 0, n)
	}
	return c
}

func (c *auditColumns) add(e *audit.Entry) {
	c.seq = append(c.seq, e.Seq)
	c.ns = append(c.ns, e.Time.UnixNano())
	for i, v := range [12]string{e.User, e.Role, e.Console, string(e.Action), e.Subject,
		e.JustKind, e.JustText, e.JustRef, e.AuthRef, string(e.Outcome), e.Reason, e.Detail} {
		c.text[i] = append(c.text[i], v)
	}
	c.prev = append(c.prev, append([]byte(nil), e.PrevHash[:]...))
	c.hs = append(c.hs, append([]byte(nil), e.Hash[:]...))
}

func (c *auditColumns) args() []any {
	args := []any{c.seq, c.ns}
	for _, t := range c.text {
		args = append(args, t)
	}
	return append(args, c.prev, c.hs)
}
