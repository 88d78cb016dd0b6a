package audit

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/audit/chain"
	"github.com/politiezone/zoneconsole/audit/witness"
)

// Verify is VerifyWith on what the reader was opened with (Options
// PublicKey, Fingerprint, Witness).
func (r *Reader) Verify(ctx context.Context) (Report, error) { return r.VerifyWith(ctx, r.vo) }

// VerifyWith walks the whole chain in one read snapshot, against the signed
// checkpoints, the signed head and the witness, with signatures checked
// under the key vo trusts, and reports the first bad entry. The error is a
// *ChainError when the chain is broken or signed by another key, another
// error when the store or the witness cannot be read. Without a trusted key
// in vo the store's own public key is used and Report.KeyPinned is false.
func (r *Reader) VerifyWith(ctx context.Context, vo VerifyOptions) (Report, error) {
	started := time.Now()
	pub, pinned, ce, err := trust(vo, r.pub, r.keyPath+".pub")
	if err != nil {
		return Report{}, err
	}
	base := Report{KeyPinned: pinned}
	if pub != nil {
		base.KeyFingerprint = Fingerprint(pub)
	}
	if ce != nil {
		base.Err, base.Duration = ce, time.Since(started)
		return base, ce
	}
	var wit Witness
	if vo.Witness != "" {
		if err := witness.CheckOutside(vo.Witness, filepath.Dir(r.path), filepath.Dir(r.keyPath)); err != nil {
			return Report{}, err
		}
		// Read before the snapshot: every record then names an entry
		// committed before it, even while a console appends.
		if base.Witness, err = witness.Path(vo.Witness, r.path); err != nil {
			return Report{}, err
		}
		if wit, err = witness.Read(base.Witness); err != nil {
			return Report{}, err
		}
	}
	rep, err := r.walk(ctx, pub, chain.SortedRecords(append(wit.Records, vo.Records...)))
	if err != nil && rep.Err == nil {
		return Report{}, err
	}
	rep.KeyPinned, rep.KeyFingerprint, rep.Witness = base.KeyPinned, base.KeyFingerprint, base.Witness
	rep.Duration = time.Since(started)
	if ce := rep.Err; ce != nil {
		if pinned && ce.Kind == KindSignature && r.pub != nil && !r.pub.Equal(pub) {
			ce.Kind, ce.Want = KindUntrustedKey, "a signature by the trusted key "+Fingerprint(pub)
			ce.Got += "; the store's key file holds another key, " + Fingerprint(r.pub)
		}
		if ce.Kind == KindWitness && wit.Key != nil && !wit.Key.Equal(pub) {
			ce.Got += "; the witness began under key " + Fingerprint(wit.Key)
		}
		return rep, ce
	}
	return rep, nil
}

// walk is the verification proper. The chain can be split into seq ranges
// verified in parallel; the first break of the lowest broken range is the
// first break.
func (r *Reader) walk(ctx context.Context, pub ed25519.PublicKey, wit []WitnessRecord) (Report, error) {
	conn, err := r.db.Conn(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("audit verify: %w", err)
	}
	defer conn.Close()
	tx, hr, end, err := r.begin(ctx, conn)
	if err != nil {
		return Report{}, err
	}
	defer tx.Rollback() //nolint:errcheck // read-only transaction
	if hr.bad != nil {
		ce := &ChainError{Seq: max(end, 1), Kind: KindSignature, Want: "two readable signed head records", Got: hr.bad.Error()}
		return Report{Err: ce}, ce
	}
	if err := checkSchema(ctx, tx); err != nil {
		var ce *ChainError
		if errors.As(err, &ce) {
			return Report{Err: ce}, ce
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
	bounds[0] = -1 << 63
	type part struct {
		rep  Report
		cerr *ChainError
		err  error
	}
	parts := make([]part, n)
	run := func(i int, tx *sql.Tx) {
		p, lo, hi, last := &parts[i], bounds[i], bounds[i+1], i == n-1
		rg := verifyRange{pub: pub, hr: hr, cps: inRange(cps, cpSeq, lo, hi, last), wit: inRange(wit, witSeq, lo, hi, last), lo: lo, hi: hi, last: last}
		p.rep, p.cerr, p.err = r.verifyRange(ctx, tx, rg)
	}
	var wg sync.WaitGroup
	for i := 1; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(i, nil)
		}()
	}
	run(0, tx)
	wg.Wait()
	var rep Report
	for i := range parts {
		p := &parts[i]
		if p.err != nil {
			return Report{}, p.err
		}
		rep.Entries += p.rep.Entries
		rep.Checkpoints += p.rep.Checkpoints
		rep.Witnessed += p.rep.Witnessed
		rep.HeadSeq, rep.Head = p.rep.HeadSeq, p.rep.Head
		if p.rep.LastCheckpoint != 0 {
			rep.LastCheckpoint = p.rep.LastCheckpoint
		}
		if p.rep.WitnessSeq != 0 {
			rep.WitnessSeq = p.rep.WitnessSeq
		}
		if p.cerr != nil {
			rep.Err = p.cerr
			break
		}
	}
	if hr.newest != nil {
		rep.SignedHeadSeq = hr.newest.Committed.Seq
	}
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
func (r *Reader) begin(ctx context.Context, conn *sql.Conn) (*sql.Tx, headRead, int64, error) {
	for attempt := 0; ; attempt++ {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return nil, headRead{}, 0, fmt.Errorf("audit verify: %w", err)
		}
		head, end, ok, err := r.snapshot(ctx, tx)
		if err != nil || (!ok && attempt < 50) {
			tx.Rollback() //nolint:errcheck // read-only transaction
			if err != nil {
				return nil, headRead{}, 0, err
			}
			select {
			case <-ctx.Done():
				return nil, headRead{}, 0, fmt.Errorf("audit verify: %w", ctx.Err())
			case <-time.After(time.Duration(attempt) * time.Millisecond):
			}
			continue
		}
		return tx, head, end, nil
	}
}

// inRange returns the items (ascending seq) with lo < seq <= hi, or all
// from lo on for the last range, so that none escapes the check.
func inRange[T any](xs []T, seq func(*T) int64, lo, hi int64, last bool) []T {
	i := sort.Search(len(xs), func(i int) bool { return seq(&xs[i]) > lo })
	j := len(xs)
	if !last {
		j = sort.Search(len(xs), func(j int) bool { return seq(&xs[j]) > hi })
	}
	return xs[i:j]
}

func cpSeq(c *Checkpoint) int64     { return c.Seq }
func witSeq(w *WitnessRecord) int64 { return w.Seq }

// verifyRange is one range of a verification: entries lo < seq <= hi;
// last says hi is the chain's end.
type verifyRange struct {
	pub    ed25519.PublicKey
	hr     headRead
	cps    []Checkpoint
	wit    []WitnessRecord
	lo, hi int64
	last   bool
}

// verifyRange checks one range. tx is nil for a range that reads on a
// connection of its own.
func (r *Reader) verifyRange(ctx context.Context, tx *sql.Tx, rg verifyRange) (Report, *ChainError, error) {
	lo, hi := rg.lo, rg.hi
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
		v = NewVerifier(rg.pub, rg.cps, rg.hr.newest)
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
		v = NewVerifierFrom(rg.pub, rg.cps, rg.hr.newest, after)
	}
	v.Witness(rg.wit)
	v.OlderHead(rg.hr.older)
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
			v.Fail(me.chainError())
			break
		}
		if v.Next(&e) != nil {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return Report{}, nil, fmt.Errorf("audit verify: %w", err)
	}
	if rg.last {
		rep, cerr := v.Finish()
		return rep, cerr, nil
	}
	rep, cerr := v.FinishRange(hi)
	return rep, cerr, nil
}
