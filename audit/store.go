package audit

import (
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/politiezone/zoneconsole/audit/keys"
	"github.com/politiezone/zoneconsole/sqlitedb"
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

	// PublicKey pins the audit key from outside the data directory (see
	// VerifyOptions): Open refuses a signing key that is not this key, and
	// Verify checks every signature against it.
	PublicKey ed25519.PublicKey
	// Fingerprint pins the audit key by its Fingerprint, as a zone file
	// names it (same effect as PublicKey).
	Fingerprint string
	// Witness is a directory outside the data directory (another disk, a
	// share) that receives a copy of every signed checkpoint and of the
	// head (one append-only file per store, WitnessFile). Open and Verify
	// check the store against what it holds.
	Witness string
	// WitnessEvery is how often, at most, the head is witnessed while
	// entries are appended, besides every checkpoint and at Open and
	// Close (default 1 minute). Entries newer than the last witnessed head
	// are protected by the signed head file only.
	WitnessEvery time.Duration
	// OnWitness receives each record a witness would (every checkpoint,
	// and the head signed at most every WitnessEvery while entries are
	// appended), once committed, with or without a Witness directory: a
	// console of a room sends them to the room's chain, so that the other
	// consoles hold this store's checkpoints (VerifyOptions.Records). It
	// runs in the writer goroutine and must not append to this Log.
	OnWitness func(WitnessRecord)

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
	if o.WitnessEvery <= 0 {
		o.WitnessEvery = time.Minute
	}
}

// verifyOptions are what Verify trusts on a store opened with o.
func (o *Options) verifyOptions() VerifyOptions {
	return VerifyOptions{PublicKey: o.PublicKey, Fingerprint: o.Fingerprint, Witness: o.Witness}
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
	pub     ed25519.PublicKey // the store's own public key; nil when unreadable and a trusted key is given
	vo      VerifyOptions     // what Verify trusts
	log     *slog.Logger
	ranges  int // tests only: how many ranges Verify walks in parallel
}

// OpenReader opens an existing store read-only. Only the public key
// (Options.KeyPath+".pub") and the head file are read; with a trusted key
// in opt (PublicKey), the public key file may be missing. Verify trusts
// what opt says (PublicKey, Fingerprint, Witness).
func OpenReader(path string, opt Options) (*Reader, error) {
	opt.fill(path)
	pub, err := keys.LoadPublic(opt.KeyPath)
	if err != nil {
		if opt.PublicKey == nil {
			return nil, err
		}
		opt.Logger.Warn("audit: store public key unreadable; verifying with the trusted key only", "err", err)
		pub = nil
	}
	r, err := openReader(path, opt, pub)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// openReader opens the store read-only through sqlitedb: query_only, and
// no journal mode set (a reader never changes the file).
func openReader(path string, opt Options, pub ed25519.PublicKey) (*Reader, error) {
	db, err := sqlitedb.Open(path, sqlitedb.Options{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("audit store: %w", err)
	}
	db.SetMaxOpenConns(4)
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN ('entries','checkpoints')`).Scan(&n); err != nil {
		db.Close()
		return nil, fmt.Errorf("audit store %s: %w", path, err)
	}
	if n != 2 {
		db.Close()
		return nil, fmt.Errorf("audit store %s: not an audit store (no entries/checkpoints tables)", path)
	}
	return &Reader{db: db, path: path, keyPath: opt.KeyPath, pub: pub, vo: opt.verifyOptions(), log: opt.Logger}, nil
}

// PublicKey is the store's own public key (DATA/keys), nil when it could not
// be read; Fingerprint(r.PublicKey()) is what a zone file pins.
func (r *Reader) PublicKey() ed25519.PublicKey { return r.pub }

// Close releases the reader. It is safe to call more than once.
func (r *Reader) Close() error {
	if r == nil || r.db == nil {
		return nil
	}
	return r.db.Close()
}
