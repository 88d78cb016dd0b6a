package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/audit/chain"
)

type request struct {
	ctx     context.Context
	entries []Entry
	resp    chan result
}

type result struct {
	receipts []Receipt
	err      error
}

// Append records one entry and returns once it is durably committed. An
// error means the entry is not in the store: the caller must fail closed.
func (l *Log) Append(ctx context.Context, e Entry) (Receipt, error) {
	rs, err := l.AppendBatch(ctx, []Entry{e})
	if err != nil {
		return Receipt{}, err
	}
	return rs[0], nil
}

// AppendBatch records the entries, in order, in one transaction: all of them
// are committed or none is.
func (l *Log) AppendBatch(ctx context.Context, es []Entry) ([]Receipt, error) {
	if len(es) == 0 {
		return nil, nil
	}
	for i := range es {
		if err := validate(&es[i]); err != nil {
			return nil, err
		}
	}
	// The writer stamps seq, time and hashes into its own copy.
	es = append([]Entry(nil), es...)
	r := &request{ctx: ctx, entries: es, resp: make(chan result, 1)}
	select {
	case l.reqs <- r:
	case <-l.quit:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, fmt.Errorf("audit: append: %w", ctx.Err())
	}
	// Once the writer holds the request, wait for its verdict whatever ctx
	// does: the entry may already be committed, and the caller must know.
	res := <-r.resp
	return res.receipts, res.err
}

func validate(e *Entry) error {
	switch {
	case e.Action == "":
		return fmt.Errorf("%w: no action", ErrInvalid)
	case e.Outcome != OutcomeAllowed && e.Outcome != OutcomeDenied:
		return fmt.Errorf("%w: outcome %q", ErrInvalid, e.Outcome)
	case !e.Time.IsZero() && (e.Time.Before(firstNanos) || e.Time.After(lastNanos)):
		// It would be stored and hashed as a UnixNano that wrapped around.
		return fmt.Errorf("%w: time %s is outside 1678-2262", ErrInvalid, e.Time.Format(time.RFC3339))
	}
	for _, s := range [...]string{e.User, e.Role, e.Console, string(e.Action), e.Subject,
		e.JustKind, e.JustText, e.JustRef, e.AuthRef, e.Reason, e.Detail} {
		if strings.IndexByte(s, 0) >= 0 {
			return fmt.Errorf("%w: NUL byte in %q", ErrInvalid, s)
		}
	}
	return nil
}

// run is the writer goroutine: the only code that writes to the store.
func (l *Log) run() {
	defer close(l.done)
	group := make([]*request, 0, 64)
	for {
		select {
		case r := <-l.reqs:
			group = l.gather(append(group[:0], r))
			l.commit(group)
		case <-l.quit:
			return
		}
	}
}

// gather adds the requests already waiting, up to MaxGroup entries: this is
// the group commit that lets many goroutines share one fsync.
func (l *Log) gather(group []*request) []*request {
	n := len(group[0].entries)
	for n < l.opt.MaxGroup {
		select {
		case r := <-l.reqs:
			group = append(group, r)
			n += len(r.entries)
		default:
			return group
		}
	}
	return group
}

func (l *Log) commit(group []*request) {
	live := group[:0]
	for _, r := range group {
		if err := r.ctx.Err(); err != nil {
			r.resp <- result{err: fmt.Errorf("audit: append: %w", err)}
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	// Another process may have appended since this one's last commit: the
	// group goes after the store's end as it is under the writer lock.
	unlock, err := l.lockTail()
	if err != nil {
		for _, r := range live {
			r.resp <- result{err: fmt.Errorf("audit: append: %w", err)}
		}
		return
	}
	defer unlock()
	seq, prev := l.seq, l.hash
	now := l.opt.Now().UTC()
	var hs chain.Hasher
	var cps []Checkpoint
	all := make([][]Receipt, len(live))
	for i, r := range live {
		all[i] = make([]Receipt, len(r.entries))
		for j := range r.entries {
			e := r.entries[j]
			seq++
			e.Seq = seq
			if e.Time.IsZero() {
				e.Time = now
			}
			e.Time = e.Time.UTC().Round(0)
			e.PrevHash = prev
			e.Hash = hs.Sum(prev, &e)
			prev = e.Hash
			r.entries[j] = e
			all[i][j] = Receipt{Seq: e.Seq, Time: e.Time, Hash: e.Hash}
			if seq%int64(l.opt.CheckpointEvery) == 0 {
				cps = append(cps, chain.SignCheckpoint(l.priv, seq, e.Hash, now))
			}
		}
	}
	err = l.write(live, cps, Head{Seq: seq, Hash: prev}, now)
	for i, r := range live {
		if err != nil {
			r.resp <- result{err: err}
		} else {
			r.resp <- result{receipts: all[i]}
		}
	}
}

// write commits the group: pending head, transaction, committed head.
func (l *Log) write(live []*request, cps []Checkpoint, to Head, now time.Time) error {
	from := Head{Seq: l.seq, Hash: l.hash}
	if l.head != nil {
		if err := l.head.Write(from, to, now, true); err != nil {
			return fmt.Errorf("audit: append: %w", err)
		}
	}
	ctx := context.Background() // a commit is never half-cancelled
	tx, err := l.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("audit: append: begin: %w", err)
	}
	if err := l.insert(ctx, tx, live, cps); err != nil {
		if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
			l.opt.Logger.Error("audit: rollback failed", "err", rerr)
		}
		return fmt.Errorf("audit: append: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("audit: append: commit: %w", err)
	}
	l.seq, l.hash = to.Seq, to.Hash
	if len(cps) > 0 {
		l.lastCP = cps[len(cps)-1].Seq
	}
	if l.head != nil {
		// The entries are durable and the pending head already allows the
		// store to end here, so a failure now is logged, not returned; the
		// next commit rewrites the file anyway. Settling the head means a
		// cut of this last group is caught too, not only of earlier ones.
		if err := l.head.Write(to, to, now, false); err != nil {
			l.opt.Logger.Error("audit: head file not settled", "seq", to.Seq, "err", err)
		}
	}
	// Only what is committed is witnessed, so a witnessed seq is always
	// in the store.
	l.witness(cps, to, now)
	return nil
}

func (l *Log) insert(ctx context.Context, tx *sql.Tx, live []*request, cps []Checkpoint) error {
	st := tx.StmtContext(ctx, l.ins)
	defer st.Close()
	for _, r := range live {
		for i := range r.entries {
			e := &r.entries[i]
			if _, err := st.ExecContext(ctx, e.Seq, timeNanos(e.Time), e.User, e.Role, e.Console, string(e.Action),
				e.Subject, e.JustKind, e.JustText, e.JustRef, e.AuthRef, string(e.Outcome), e.Reason, e.Detail,
				e.PrevHash[:], e.Hash[:]); err != nil {
				return fmt.Errorf("insert seq %d: %w", e.Seq, err)
			}
		}
	}
	for _, cp := range cps {
		if err := insertCheckpoint(ctx, tx, cp); err != nil {
			return fmt.Errorf("checkpoint seq %d: %w", cp.Seq, err)
		}
	}
	return nil
}
