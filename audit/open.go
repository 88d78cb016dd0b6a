package audit

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/audit/chain"
	"github.com/politiezone/zoneconsole/audit/keys"
	"github.com/politiezone/zoneconsole/audit/witness"
	"github.com/politiezone/zoneconsole/sqlitedb"
)

// Log is the append-only audit store. Its methods are safe for concurrent
// use. See the package documentation for the durability and chain rules.
type Log struct {
	r    *Reader
	wdb  *sql.DB
	ins  *sql.Stmt
	opt  Options
	priv ed25519.PrivateKey
	head *keys.HeadFile
	wit  *witness.Writer // nil without Options.Witness

	reqs chan *request
	quit chan struct{}
	done chan struct{}

	closeOnce sync.Once
	closeErr  error

	// Owned by the writer goroutine (and by Open/Close around it).
	seq    int64
	hash   Digest
	lastCP int64
	// hookAt and hookSeq are the last record given to Options.OnWitness.
	hookAt  time.Time
	hookSeq int64
}

// Open opens or creates the store at path and its key, verifies the whole
// chain (against the trusted key and the witness when Options give them)
// and starts the writer. A store that is broken anywhere, cut, extended
// without the key, signed by another key or at odds with its witness does
// not open: the error wraps the *ChainError that says where (errors.As;
// errors.Is(err, ErrBroken)), so the console can tell the administrator
// instead of recording on top of the evidence. Verifying costs about 2 s
// (wall and CPU) per million entries at start on the 2-core test machine
// (BenchmarkMillion/open: 2.06 s for 1 M, against 2.7 s for Reader.Verify).
func Open(path string, opt Options) (*Log, error) {
	opt.fill(path)
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("audit store %s: is a directory", path)
	}
	if opt.Witness != "" {
		if err := witness.CheckOutside(opt.Witness, filepath.Dir(path), filepath.Dir(opt.KeyPath)); err != nil {
			return nil, err
		}
	}
	wdb, err := sqlitedb.Open(path, sqlitedb.Options{Immediate: true})
	if err != nil {
		return nil, fmt.Errorf("audit store: %w", err)
	}
	// One connection: the writer goroutine is the only one that writes.
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	l := &Log{wdb: wdb, opt: opt}
	if err := l.init(path); err != nil {
		l.closeAll()
		return nil, err
	}
	l.reqs = make(chan *request)
	l.quit = make(chan struct{})
	l.done = make(chan struct{})
	go l.run()
	return l, nil
}

func (l *Log) init(path string) error {
	var mode string
	if err := l.wdb.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		return fmt.Errorf("audit store %s: %w", path, err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("audit store %s: journal mode %q, want wal", path, mode)
	}
	if _, err := l.wdb.Exec(schema); err != nil {
		return fmt.Errorf("audit store %s: schema: %w", path, err)
	}
	if err := checkSchema(context.Background(), l.wdb); err != nil {
		return fmt.Errorf("audit store %s: %w", path, err)
	}
	last, found, err := lastEntry(l.wdb)
	if err != nil {
		return fmt.Errorf("audit store %s: %w", path, err)
	}
	if err := l.wdb.QueryRow(`SELECT coalesce(max(seq), 0) FROM checkpoints`).Scan(&l.lastCP); err != nil {
		return fmt.Errorf("audit store %s: checkpoints: %w", path, err)
	}
	// A key is made only for an empty store, and never when one is pinned:
	// a fresh key could not match it.
	pinned := l.opt.PublicKey != nil || l.opt.Fingerprint != ""
	priv, created, err := keys.LoadOrCreate(l.opt.KeyPath, !found && !pinned)
	if err != nil {
		if found || pinned {
			return fmt.Errorf("audit store %s has entries or a pinned key, but its signing key is unusable: %w", path, err)
		}
		return err
	}
	l.priv = priv
	pub := priv.Public().(ed25519.PublicKey)
	if err := l.checkPinned(path, pub); err != nil {
		return err
	}
	if l.r, err = openReader(path, l.opt, pub); err != nil {
		return err
	}
	if found {
		if got := EntryHash(last.PrevHash, &last); got != last.Hash {
			return l.firstBreak(path, pub, &ChainError{Seq: last.Seq, Kind: KindHash, Want: last.Hash.String(), Got: got.String()})
		}
		l.seq, l.hash = last.Seq, last.Hash
	}
	if l.ins, err = l.wdb.Prepare(`INSERT INTO entries (` + entryColumns + `) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`); err != nil {
		return fmt.Errorf("audit store %s: %w", path, err)
	}
	if l.opt.noHead {
		return nil
	}
	err = l.initHead(path, created)
	if l.head != nil {
		// Held only around commits from here on (commit, Close).
		l.head.Unlock()
	}
	if err != nil {
		if errors.Is(err, ErrBroken) {
			return l.firstBreak(path, pub, err)
		}
		return err
	}
	if l.opt.Witness != "" {
		if l.wit, _, err = witness.Open(l.opt.Witness, path, priv); err != nil {
			return err
		}
	}
	// The whole chain, not only its ends: a row changed mid-way (and every
	// later hash recomputed, with the key at hand) must stop the console
	// from burying it under new entries.
	if err := l.verifyAll(path, pub); err != nil {
		return err
	}
	if l.wit != nil {
		if err := l.wit.Head(Head{Seq: l.seq, Hash: l.hash}, l.opt.Now().UTC()); err != nil {
			return err
		}
	}
	return nil
}

// verifyAll verifies the whole store as Verify does, with the key the log
// signs with when none is pinned.
func (l *Log) verifyAll(path string, pub ed25519.PublicKey) error {
	vo := l.opt.verifyOptions()
	if vo.PublicKey == nil && vo.Fingerprint == "" {
		vo.PublicKey = pub // not independently pinned: Verify reports that
	}
	_, err := l.r.VerifyWith(context.Background(), vo)
	switch {
	case errors.Is(err, ErrBroken):
		return fmt.Errorf("audit store %s: refusing to append to a broken chain: %w", path, err)
	case err != nil:
		return fmt.Errorf("audit store %s: verify at open: %w", path, err)
	}
	return nil
}

// firstBreak is the refusal when a quick check at the store's end failed
// (quick): the full walk names the first break, which is what the
// administrator must look at; quick stands when the walk finds none.
func (l *Log) firstBreak(path string, pub ed25519.PublicKey, quick error) error {
	if err := l.verifyAll(path, pub); errors.Is(err, ErrBroken) {
		return err
	}
	return fmt.Errorf("audit store %s: refusing to append to a broken chain: %w", path, quick)
}

// checkPinned refuses a signing key that is not the trusted one: the
// console would otherwise sign on under a key an intruder chose.
func (l *Log) checkPinned(path string, pub ed25519.PublicKey) error {
	want := ""
	switch {
	case l.opt.PublicKey != nil && !pub.Equal(l.opt.PublicKey):
		want = Fingerprint(l.opt.PublicKey)
	case l.opt.Fingerprint != "" && !FingerprintMatches(pub, l.opt.Fingerprint):
		want = chain.NormFingerprint(l.opt.Fingerprint)
	default:
		return nil
	}
	ce := &ChainError{Kind: KindUntrustedKey, Want: "key " + want, Got: "key " + Fingerprint(pub) + " at " + l.opt.KeyPath}
	return fmt.Errorf("audit store %s: %w: %w", path, ErrKeyMismatch, ce)
}

// initHead opens the signed head file and settles the one crash case it
// allows: the store ending at the pending head (committed, head not yet
// rewritten) or at the committed head (pending written, commit lost).
//
// The head file is made with the key, so a key without one means the head
// was removed: with an emptied store that is how an intruder would start
// the chain afresh, and the store does not open.
func (l *Log) initHead(path string, keyCreated bool) error {
	headPath := l.opt.KeyPath + ".head"
	_, statErr := os.Stat(headPath)
	missing := errors.Is(statErr, fs.ErrNotExist)
	if missing && (l.seq > 0 || !keyCreated) {
		return fmt.Errorf("audit store %s: signed head %s is missing", path, headPath)
	}
	hf, b, err := keys.OpenHeadFile(headPath, l.priv, missing)
	if err != nil {
		return err
	}
	l.head = hf
	// Under the writer lock the store's end and its head agree: another
	// process may have appended since the end was first read.
	if err := l.loadTail(); err != nil {
		return fmt.Errorf("audit store %s: %w", path, err)
	}
	if missing {
		// The new file's name must survive a crash as the key's did.
		defer func() {
			if err := keys.SyncDir(filepath.Dir(headPath)); err != nil {
				l.opt.Logger.Error("audit: head file directory not synced", "dir", filepath.Dir(headPath), "err", err)
			}
		}()
	}
	cur := Head{Seq: l.seq, Hash: l.hash}
	h, older, perr := ParseHead(b)
	if perr != nil {
		return fmt.Errorf("audit store %s: %w", path, &ChainError{Seq: max(l.seq, 1), Kind: KindSignature, Want: "two readable signed head records", Got: perr.Error()})
	}
	if h == nil {
		if l.seq > 0 {
			return fmt.Errorf("audit store %s: signed head %s is empty", path, headPath)
		}
		return hf.Write(cur, cur, l.opt.Now().UTC(), true)
	}
	pub := l.priv.Public().(ed25519.PublicKey)
	if !h.Valid(pub) || (older != nil && !older.Valid(pub)) {
		return fmt.Errorf("audit store %s: %w", path, &ChainError{Seq: max(l.seq, 1), Kind: KindSignature, Want: "valid head signatures", Got: "invalid"})
	}
	hf.SetCurrent(*h)
	if cur != h.Committed && cur != h.Pending {
		v := chain.NewVerifierFrom(pub, nil, h, cur)
		_, cerr := v.Finish()
		if cerr == nil {
			cerr = &ChainError{Seq: l.seq, Kind: KindCheckpoint, Want: h.Committed.Hash.String(), Got: l.hash.String()}
		}
		return fmt.Errorf("audit store %s: does not match its signed head: %w", path, cerr)
	}
	if h.Committed != h.Pending {
		l.opt.Logger.Warn("audit: settling head after an interrupted commit", "seq", l.seq)
		return hf.Write(cur, cur, l.opt.Now().UTC(), true)
	}
	return nil
}

func lastEntry(db *sql.DB) (Entry, bool, error) {
	rows, err := db.Query(`SELECT ` + selectColumns + ` FROM entries ORDER BY seq DESC LIMIT 1`)
	if err != nil {
		return Entry{}, false, err
	}
	defer rows.Close()
	var sc scanner
	if !rows.Next() {
		return Entry{}, false, rows.Err()
	}
	var e Entry
	if err := sc.scan(rows, &e); err != nil {
		return Entry{}, false, err
	}
	return e, true, rows.Err()
}

// Close stops the writer after the commit in progress, writes a final
// checkpoint (witnessed too) and closes the store. Appends still waiting
// get ErrClosed. It is safe to call more than once.
func (l *Log) Close() error {
	l.closeOnce.Do(func() {
		close(l.quit)
		<-l.done
		now := l.opt.Now().UTC()
		unlock, lerr := l.lockTail()
		if lerr != nil {
			l.closeErr = fmt.Errorf("audit: final checkpoint: %w", lerr)
		} else if l.seq > l.lastCP {
			cp := chain.SignCheckpoint(l.priv, l.seq, l.hash, now)
			if err := insertCheckpoint(context.Background(), l.wdb, cp); err != nil {
				l.closeErr = fmt.Errorf("audit: final checkpoint: %w", err)
			} else {
				l.lastCP = l.seq
				l.witness([]Checkpoint{cp}, Head{}, now)
			}
		}
		unlock()
		if l.wit != nil {
			if err := l.wit.Head(Head{Seq: l.seq, Hash: l.hash}, now); err != nil && l.closeErr == nil {
				l.closeErr = fmt.Errorf("audit: close: %w", err)
			}
		}
		if err := l.closeAll(); err != nil && l.closeErr == nil {
			l.closeErr = err
		}
	})
	return l.closeErr
}

// witness copies the checkpoints just committed to the witness, or the
// head when none and the last witnessed head is older than WitnessEvery.
// A witness that cannot be written (a share gone) does not stop the
// console recording: the failure is logged, and the next record tries again.
func (l *Log) witness(cps []Checkpoint, to Head, now time.Time) {
	l.witnessHook(cps, to, now)
	if l.wit == nil {
		return
	}
	for _, cp := range cps {
		if err := l.wit.Checkpoint(cp, now); err != nil {
			l.opt.Logger.Error("audit: checkpoint not witnessed", "seq", cp.Seq, "witness", l.wit.Path(), "err", err)
			return
		}
	}
	if len(cps) == 0 && to.Seq > 0 && l.wit.Due(now, l.opt.WitnessEvery) {
		if err := l.wit.Head(to, now); err != nil {
			l.opt.Logger.Error("audit: head not witnessed", "seq", to.Seq, "witness", l.wit.Path(), "err", err)
		}
	}
}

// witnessHook hands the same records to Options.OnWitness.
func (l *Log) witnessHook(cps []Checkpoint, to Head, now time.Time) {
	if l.opt.OnWitness == nil {
		return
	}
	for _, cp := range cps {
		l.opt.OnWitness(WitnessRecord{Checkpoint: cp})
		l.hookAt, l.hookSeq = now, cp.Seq
	}
	if len(cps) == 0 && to.Seq > 0 && to.Seq != l.hookSeq && now.Sub(l.hookAt) >= l.opt.WitnessEvery {
		l.opt.OnWitness(WitnessRecord{Head: true, Checkpoint: chain.SignCheckpoint(l.priv, to.Seq, to.Hash, now)})
		l.hookAt, l.hookSeq = now, to.Seq
	}
}

func (l *Log) closeAll() error {
	var errs []error
	if l.ins != nil {
		errs = append(errs, l.ins.Close())
	}
	if l.r != nil {
		errs = append(errs, l.r.Close())
	}
	errs = append(errs, l.wdb.Close())
	if l.head != nil {
		errs = append(errs, l.head.Close())
	}
	if l.wit != nil {
		errs = append(errs, l.wit.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("audit: close: %w", err)
	}
	return nil
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func insertCheckpoint(ctx context.Context, db execer, cp Checkpoint) error {
	_, err := db.ExecContext(ctx, `INSERT INTO checkpoints (seq, hash, time, sig) VALUES (?,?,?,?)`,
		cp.Seq, cp.Hash[:], timeNanos(cp.Time), cp.Sig)
	return err
}

// Reader gives the log's read side (queries, verification).
func (l *Log) Reader() *Reader { return l.r }

// PublicKey is the log's signing public key: Fingerprint of it is what the
// zone file pins, PublicKeyPEM of it what is copied off the machine.
func (l *Log) PublicKey() ed25519.PublicKey { return l.priv.Public().(ed25519.PublicKey) }

// Query is Reader.Query on the log's store.
func (l *Log) Query(ctx context.Context, f Filter) ([]Entry, error) { return l.r.Query(ctx, f) }

// Verify is Reader.Verify on the log's store, trusting what Options say.
func (l *Log) Verify(ctx context.Context) (Report, error) { return l.r.Verify(ctx) }

// VerifyWith is Reader.VerifyWith on the log's store.
func (l *Log) VerifyWith(ctx context.Context, vo VerifyOptions) (Report, error) {
	return l.r.VerifyWith(ctx, vo)
}

// OpenIntervals is Reader.OpenIntervals on the log's store.
func (l *Log) OpenIntervals(ctx context.Context, since time.Time) ([]Entry, error) {
	return l.r.OpenIntervals(ctx, since)
}
