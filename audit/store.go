package audit

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the pure Go driver "sqlite"
)

// ErrClosed is returned by Append after Close.
var ErrClosed = errors.New("audit: log closed")

// ErrInvalid wraps the reason an entry was refused before it was written.
var ErrInvalid = errors.New("audit: invalid entry")

// Options configure a Log.
type Options struct {
	// KeyPath is the ed25519 signing key, kept outside the database. The
	// public key lives at KeyPath+".pub" and the signed head at
	// KeyPath+".head". Default: <dir of the database>/keys/audit.ed25519.
	KeyPath string
	// CheckpointEvery writes a signed checkpoint each time the seq is a
	// multiple of it (default 1000), and one more on Close.
	CheckpointEvery int
	// MaxGroup caps how many entries one group commit holds (default 4096).
	MaxGroup int
	Logger   *slog.Logger
	// Now stamps entries whose Time is zero (default time.Now).
	Now func() time.Time

	noHead bool // benchmarks only: measure the cost of the head file
}

func (o *Options) fill(dbPath string) {
	if o.KeyPath == "" {
		o.KeyPath = filepath.Join(filepath.Dir(dbPath), "keys", "audit.ed25519")
	}
	if o.CheckpointEvery <= 0 {
		o.CheckpointEvery = 1000
	}
	if o.MaxGroup <= 0 {
		o.MaxGroup = 4096
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// The tables are STRICT: a BLOB user or a TEXT time would hash the same
// bytes as the real value yet slip past the review's WHERE clauses, and
// STRICT makes SQLite refuse them. Verify checks the tables are still
// STRICT with these column types (checkSchema), so rebuilding them loosely
// is caught too.
const schema = `
CREATE TABLE IF NOT EXISTS entries (
	seq       INTEGER PRIMARY KEY,
	time      INTEGER NOT NULL,
	user      TEXT NOT NULL,
	role      TEXT NOT NULL,
	console   TEXT NOT NULL,
	action    TEXT NOT NULL,
	subject   TEXT NOT NULL,
	just_kind TEXT NOT NULL,
	just_text TEXT NOT NULL,
	just_ref  TEXT NOT NULL,
	auth_ref  TEXT NOT NULL,
	outcome   TEXT NOT NULL,
	reason    TEXT NOT NULL,
	detail    TEXT NOT NULL,
	prev_hash BLOB NOT NULL,
	hash      BLOB NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS entries_time ON entries(time);
CREATE INDEX IF NOT EXISTS entries_user ON entries(user, time);
CREATE INDEX IF NOT EXISTS entries_subject ON entries(subject, time);
CREATE INDEX IF NOT EXISTS entries_just ON entries(just_kind, time);
CREATE INDEX IF NOT EXISTS entries_action ON entries(action, time);
CREATE TABLE IF NOT EXISTS checkpoints (
	seq  INTEGER PRIMARY KEY,
	hash BLOB NOT NULL,
	time INTEGER NOT NULL,
	sig  BLOB NOT NULL
) STRICT;
-- Defence in depth only: anyone with the file can drop these. The chain,
-- the checkpoints and the signed head are what make tampering visible.
CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
	BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
	BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
CREATE TRIGGER IF NOT EXISTS checkpoints_no_update BEFORE UPDATE ON checkpoints
	BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
CREATE TRIGGER IF NOT EXISTS checkpoints_no_delete BEFORE DELETE ON checkpoints
	BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
`

const entryColumns = `seq, time, user, role, console, action, subject, just_kind, just_text, just_ref, auth_ref, outcome, reason, detail, prev_hash, hash`

// Reader reads and verifies an audit store without writing to it: the
// review screen, `zoneconsole audit verify` and `audit export` use it, also
// while a console appends to the same store.
type Reader struct {
	db      *sql.DB
	path    string
	keyPath string
	pub     ed25519.PublicKey
	log     *slog.Logger
	ranges  int // tests only: how many ranges Verify walks in parallel
}

// OpenReader opens an existing store read-only. Only the public key
// (Options.KeyPath+".pub") and the head file are read.
func OpenReader(path string, opt Options) (*Reader, error) {
	opt.fill(path)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("audit store %s: %w", path, err)
	}
	pub, err := loadPublicKey(opt.KeyPath)
	if err != nil {
		return nil, err
	}
	db, err := openDB(path, "_pragma=query_only(1)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(4)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("audit store %s: %w", path, err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN ('entries','checkpoints')`).Scan(&n); err != nil {
		db.Close()
		return nil, fmt.Errorf("audit store %s: %w", path, err)
	}
	if n != 2 {
		db.Close()
		return nil, fmt.Errorf("audit store %s: not an audit store (no entries/checkpoints tables)", path)
	}
	return &Reader{db: db, path: path, keyPath: opt.KeyPath, pub: pub, log: opt.Logger}, nil
}

func openDB(path, extra string) (*sql.DB, error) {
	dsn := path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)"
	if extra != "" {
		dsn += "&" + extra
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("audit store %s: %w", path, err)
	}
	return db, nil
}

// Close releases the reader. It is safe to call more than once.
func (r *Reader) Close() error {
	if r == nil || r.db == nil {
		return nil
	}
	return r.db.Close()
}

// Log is the append-only audit store. Its methods are safe for concurrent
// use. See the package documentation for the durability and chain rules.
type Log struct {
	r    *Reader
	wdb  *sql.DB
	ins  *sql.Stmt
	opt  Options
	priv ed25519.PrivateKey
	head *headFile

	reqs chan *request
	quit chan struct{}
	done chan struct{}

	closeOnce sync.Once
	closeErr  error

	// Owned by the writer goroutine (and by Open/Close around it).
	seq    int64
	hash   Digest
	lastCP int64
}

// Open opens or creates the store at path and its key, checks that the
// store's end agrees with the signed head, and starts the writer. A store
// whose tail was cut or extended without the key does not open: the caller
// must not go on recording into a broken chain (run Verify to see why).
func Open(path string, opt Options) (*Log, error) {
	opt.fill(path)
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("audit store %s: is a directory", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("audit store %s: %w", path, err)
	}
	wdb, err := openDB(path, "_txlock=immediate")
	if err != nil {
		return nil, err
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
	priv, created, err := loadOrCreateKey(l.opt.KeyPath, !found)
	if err != nil {
		if found {
			return fmt.Errorf("audit store %s has entries but its key is unusable: %w", path, err)
		}
		return err
	}
	l.priv = priv
	if found {
		if got := EntryHash(last.PrevHash, &last); got != last.Hash {
			return fmt.Errorf("audit store %s: %w", path, &ChainError{Seq: last.Seq, Kind: KindHash, Want: last.Hash.String(), Got: got.String()})
		}
		l.seq, l.hash = last.Seq, last.Hash
	}
	r := &Reader{path: path, keyPath: l.opt.KeyPath, pub: priv.Public().(ed25519.PublicKey), log: l.opt.Logger}
	if r.db, err = openDB(path, "_pragma=query_only(1)"); err != nil {
		return err
	}
	r.db.SetMaxOpenConns(4)
	l.r = r
	if l.ins, err = l.wdb.Prepare(`INSERT INTO entries (` + entryColumns + `) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`); err != nil {
		return fmt.Errorf("audit store %s: %w", path, err)
	}
	if l.opt.noHead {
		return nil
	}
	return l.initHead(path, created)
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
	hf, slots, err := openHeadFile(headPath, l.priv, missing)
	if err != nil {
		return err
	}
	l.head = hf
	if missing {
		// The new file's name must survive a crash as the key's did.
		defer func() {
			if err := syncDir(filepath.Dir(headPath)); err != nil {
				l.opt.Logger.Error("audit: head file directory not synced", "dir", filepath.Dir(headPath), "err", err)
			}
		}()
	}
	cur := Head{Seq: l.seq, Hash: l.hash}
	if len(slots) == 0 {
		if l.seq > 0 {
			return fmt.Errorf("audit store %s: signed head %s is empty", path, headPath)
		}
		return hf.write(cur, cur, l.opt.Now().UTC(), true)
	}
	h, ok := SelectHead(l.r.pub, slots)
	if !ok {
		return fmt.Errorf("audit store %s: %w", path, &ChainError{Seq: h.Committed.Seq, Kind: KindSignature, Want: "valid head signature", Got: "invalid"})
	}
	hf.cur = h
	if cur != h.Committed && cur != h.Pending {
		v := NewVerifier(l.r.pub, nil, &h)
		v.last, v.prev = l.seq, l.hash
		_, cerr := v.Finish()
		if cerr == nil {
			cerr = &ChainError{Seq: l.seq, Kind: KindCheckpoint, Want: h.Committed.Hash.String(), Got: l.hash.String()}
		}
		return fmt.Errorf("audit store %s: does not match its signed head: %w", path, cerr)
	}
	if h.Committed != h.Pending {
		l.opt.Logger.Warn("audit: settling head after an interrupted commit", "seq", l.seq)
		return hf.write(cur, cur, l.opt.Now().UTC(), true)
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
// checkpoint and closes the store. Appends still waiting get ErrClosed. It
// is safe to call more than once.
func (l *Log) Close() error {
	l.closeOnce.Do(func() {
		close(l.quit)
		<-l.done
		if l.seq > l.lastCP {
			cp := signCheckpoint(l.priv, l.seq, l.hash, l.opt.Now().UTC())
			if err := insertCheckpoint(context.Background(), l.wdb, cp); err != nil {
				l.closeErr = fmt.Errorf("audit: final checkpoint: %w", err)
			} else {
				l.lastCP = l.seq
			}
		}
		if err := l.closeAll(); err != nil && l.closeErr == nil {
			l.closeErr = err
		}
	})
	return l.closeErr
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
		errs = append(errs, l.head.close())
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

// Query is Reader.Query on the log's store.
func (l *Log) Query(ctx context.Context, f Filter) ([]Entry, error) { return l.r.Query(ctx, f) }

// Verify is Reader.Verify on the log's store.
func (l *Log) Verify(ctx context.Context) (Report, error) { return l.r.Verify(ctx) }

// OpenIntervals is Reader.OpenIntervals on the log's store.
func (l *Log) OpenIntervals(ctx context.Context, since time.Time) ([]Entry, error) {
	return l.r.OpenIntervals(ctx, since)
}
