package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"
)

// Verify walks the whole chain in one read snapshot, against the signed
// checkpoints and the signed head, and reports the first bad entry. The
// error is a *ChainError when the chain is broken, another error when the
// store cannot be read. The chain can be split into seq ranges verified in
// parallel; the first break of the lowest broken range is the first break.
func (r *Reader) Verify(ctx context.Context) (Report, error) {
	started := time.Now()
	conn, err := r.db.Conn(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("audit verify: %w", err)
	}
	defer conn.Close()
	tx, head, end, err := r.begin(ctx, conn)
	if err != nil {
		return Report{}, err
	}
	defer tx.Rollback() //nolint:errcheck // read-only transaction
	if err := checkSchema(ctx, tx); err != nil {
		var ce *ChainError
		if errors.As(err, &ce) {
			rep := Report{Err: ce, Duration: time.Since(started)}
			return rep, ce
		}
		return Report{}, fmt.Errorf("audit verify: %w", err)
	}
	cps, err := readCheckpoints(ctx, tx)
	if err != nil {
		return Report{}, err
	}
	// Reading rows through the driver is most of the cost (~2.5 s of CPU
	// per million rows), so long chains are split over one connection per
	// core. On the 2-core test machine, with its cores free, 1 M entries
	// took 1.8 s in two ranges against 3.6 s in one; with other builds
	// saturating the cores the split gained nothing.
	n := 1
	if end >= parallelFrom {
		n = min(runtime.GOMAXPROCS(0), 4)
	}
	if r.ranges > 0 {
		n = r.ranges
	}
	if int64(n) > end {
		n = 1
	}
	// Range i holds seqs (bounds[i], bounds[i+1]]; the first also anything
	// below 1, so no stray row escapes. Nothing lies above end in this
	// snapshot, and every range stops at end: the ranges read on their own
	// connections take later snapshots, in which a writer may have appended
	// entries that the signed head of this one does not cover yet.
	bounds := make([]int64, n+1)
	for i := range bounds {
		bounds[i] = end * int64(i) / int64(n)
	}
	type part struct {
		rep  Report
		cerr *ChainError
		err  error
	}
	parts := make([]part, n)
	var wg sync.WaitGroup
	for i := 1; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := &parts[i]
			p.rep, p.cerr, p.err = r.verifyRange(ctx, nil, head, cpsIn(cps, bounds[i], bounds[i+1], i == n-1), bounds[i], bounds[i+1], i == n-1)
		}()
	}
	p := &parts[0]
	p.rep, p.cerr, p.err = r.verifyRange(ctx, tx, head, cpsIn(cps, -1<<63, bounds[1], n == 1), -1<<63, bounds[1], n == 1)
	wg.Wait()
	var rep Report
	for i := range parts {
		p := &parts[i]
		if p.err != nil {
			return Report{}, p.err
		}
		rep.Entries += p.rep.Entries
		rep.Checkpoints += p.rep.Checkpoints
		rep.HeadSeq, rep.Head = p.rep.HeadSeq, p.rep.Head
		if p.rep.LastCheckpoint != 0 {
			rep.LastCheckpoint = p.rep.LastCheckpoint
		}
		if p.cerr != nil {
			rep.Err = p.cerr
			break
		}
	}
	if head != nil {
		rep.SignedHeadSeq = head.Committed.Seq
	}
	rep.Duration = time.Since(started)
	if rep.Err != nil {
		return rep, rep.Err
	}
	return rep, nil
}

// parallelFrom is the chain length from which Verify splits the walk.
const parallelFrom = 100_000

// begin opens the read transaction whose snapshot Verify walks, with a
// signed head that agrees with it. A writer that commits more than once
// between the two head reads of snapshot leaves no head naming the
// snapshot's end; that is a race, not tampering, so begin tries again.
func (r *Reader) begin(ctx context.Context, conn *sql.Conn) (*sql.Tx, *SignedHead, int64, error) {
	for attempt := 0; ; attempt++ {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("audit verify: %w", err)
		}
		head, end, ok, err := r.snapshot(ctx, tx)
		if err != nil || (!ok && attempt < 50) {
			tx.Rollback() //nolint:errcheck // read-only transaction
			if err != nil {
				return nil, nil, 0, err
			}
			select {
			case <-ctx.Done():
				return nil, nil, 0, fmt.Errorf("audit verify: %w", ctx.Err())
			case <-time.After(time.Duration(attempt) * time.Millisecond):
			}
			continue
		}
		return tx, head, end, nil
	}
}

func cpsIn(cps []Checkpoint, lo, hi int64, last bool) []Checkpoint {
	i := sort.Search(len(cps), func(i int) bool { return cps[i].Seq > lo })
	j := len(cps)
	if !last {
		j = sort.Search(len(cps), func(j int) bool { return cps[j].Seq > hi })
	}
	return cps[i:j]
}

// verifyRange checks the entries with lo < seq <= hi; last says hi is the
// chain's end. tx is nil for a range that reads on a connection of its own.
func (r *Reader) verifyRange(ctx context.Context, tx *sql.Tx, head *SignedHead, cps []Checkpoint, lo, hi int64, last bool) (Report, *ChainError, error) {
	if tx == nil {
		conn, err := r.db.Conn(ctx)
		if err != nil {
			return Report{}, nil, fmt.Errorf("audit verify: %w", err)
		}
		defer conn.Close()
		if tx, err = conn.BeginTx(ctx, nil); err != nil {
			return Report{}, nil, fmt.Errorf("audit verify: %w", err)
		}
		defer tx.Rollback() //nolint:errcheck // read-only transaction
	}
	var v *Verifier
	if lo == -1<<63 {
		v = NewVerifier(r.pub, cps, head)
	} else {
		var after Head
		var h []byte
		err := tx.QueryRowContext(ctx, `SELECT hash FROM entries WHERE seq = ?`, lo).Scan(&h)
		if errors.Is(err, sql.ErrNoRows) {
			// The range before reports the missing entry.
			return Report{}, nil, nil
		}
		if err != nil {
			return Report{}, nil, fmt.Errorf("audit verify: %w", err)
		}
		after.Seq = lo
		copy(after.Hash[:], h)
		v = NewVerifierFrom(r.pub, cps, head, after)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+selectColumns+` FROM entries WHERE seq > ? AND seq <= ? ORDER BY seq`, lo, hi)
	if err != nil {
		return Report{}, nil, fmt.Errorf("audit verify: %w", err)
	}
	defer rows.Close()
	var (
		sc scanner
		e  Entry
	)
	for rows.Next() {
		if err := sc.scan(rows, &e); err != nil {
			var me *malformedError
			if !errors.As(err, &me) {
				return Report{}, nil, fmt.Errorf("audit verify: %w", err)
			}
			v.fail(me.chainError())
			break
		}
		if v.Next(&e) != nil {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return Report{}, nil, fmt.Errorf("audit verify: %w", err)
	}
	if last {
		rep, cerr := v.Finish()
		return rep, cerr, nil
	}
	rep, cerr := v.FinishRange(hi)
	return rep, cerr, nil
}
