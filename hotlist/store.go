package hotlist

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/hotlist/match"
	"github.com/politiezone/zoneconsole/hotlist/parse"
	"github.com/politiezone/zoneconsole/sqlitedb"
)

// Options configure a Store.
type Options struct {
	Logger *slog.Logger     // nil: discard
	Now    func() time.Time // nil: time.Now; the import time of a version
	Match  MatchOptions     // for the Store's Matcher
}

// Store keeps every version of every list in one SQLite file and keeps a
// Matcher loaded with the active (newest) version of each list.
type Store struct {
	db      *sql.DB
	log     *slog.Logger
	now     func() time.Time
	matcher *match.Matcher

	importMu  sync.Mutex // one import at a time in this process
	closeOnce sync.Once
	closeErr  error
}

// Version describes one import of a list.
type Version struct {
	List       string
	Version    int64 // 1, 2, ... per list
	ImportedAt time.Time
	ImportedBy string
	FileName   string
	Format     Format
	SHA256     string // hex, of the file as given
	Entries    int
	// Pruned is when PruneEntries deleted this version's entries (zero while
	// they are kept); the record itself is never deleted.
	Pruned time.Time
}

// ImportResult is what the caller audits after an import ("list:<name>").
type ImportResult struct {
	Version
	Previous int64 // the version this one replaced as active, 0 if none
	Added    int   // plate+country pairs not in the previous version (-1: not counted, see log)
	Removed  int   // plate+country pairs of the previous version no longer listed (-1: not counted)
}

// ImportRequest is one file to import.
type ImportRequest struct {
	List     string // [a-z0-9_-]{1,32}: "national", "local", "insurance"
	User     string // who imports, for the version record
	FileName string // as the user picked it; also picks the format when Format is FormatAuto
	Format   Format
	Data     io.Reader // the file; read to the end (at most MaxFileSize)
}

// ErrNoUser is returned by Import without ImportRequest.User: every version
// names who imported it.
var ErrNoUser = errors.New("import needs the importing user")

// MaxFileSize bounds an imported file (a million entries are about 100 MB).
const MaxFileSize = 1 << 30

var listName = regexp.MustCompile(`^[a-z0-9_-]{1,32}$`)

const schema = `
CREATE TABLE IF NOT EXISTS versions (
	id          INTEGER PRIMARY KEY,
	list        TEXT NOT NULL,
	version     INTEGER NOT NULL,
	imported_at TEXT NOT NULL,
	imported_by TEXT NOT NULL,
	file_name   TEXT NOT NULL,
	format      TEXT NOT NULL,
	sha256      TEXT NOT NULL,
	entries     INTEGER NOT NULL,
	pruned_at   TEXT NOT NULL DEFAULT '', -- when PruneEntries deleted its entries
	UNIQUE (list, version)
);
CREATE TABLE IF NOT EXISTS entries (
	version_id  INTEGER NOT NULL REFERENCES versions(id),
	line        INTEGER NOT NULL,
	plate       TEXT NOT NULL,
	country     TEXT NOT NULL,
	source      TEXT NOT NULL,
	measure     TEXT NOT NULL,
	priority    INTEGER NOT NULL,
	valid_from  TEXT NOT NULL, -- ISO 8601 UTC, '' = since always
	valid_until TEXT NOT NULL, -- ISO 8601 UTC, '' = open
	remarks     TEXT NOT NULL,
	PRIMARY KEY (version_id, line)
) WITHOUT ROWID;
`

// Open opens (or creates) the store at path and loads the active version of
// every list into its Matcher (a few seconds for a million entries; see
// BenchmarkImportCSV's s_open).
func Open(ctx context.Context, path string, opt Options) (*Store, error) {
	// The one open helper of every store: escaped file URI, WAL with
	// synchronous=FULL, the file and its WAL companions 0600. Immediate: an
	// import takes the write lock at BEGIN, so a second importer (the CLI
	// while the console runs) waits on the busy timeout instead of failing
	// when its read lock cannot be upgraded.
	db, err := sqlitedb.Open(path, sqlitedb.Options{ForeignKeys: true, Immediate: true})
	if err != nil {
		return nil, fmt.Errorf("hotlist: %w", err)
	}
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("hotlist: create schema in %s: %w", path, err)
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("hotlist: migrate %s: %w", path, err)
	}
	m, err := match.NewMatcher(opt.Match)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("hotlist: %w", err)
	}
	s := &Store{db: db, log: opt.Logger, now: opt.Now, matcher: m}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.log = s.log.With("component", "hotlist")
	if s.now == nil {
		s.now = time.Now
	}
	if err := s.Refresh(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database. It is idempotent.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.db.Close() })
	return s.closeErr
}

// Matcher is kept up to date by Import and Refresh.
func (s *Store) Matcher() *match.Matcher { return s.matcher }

// Import validates the whole file and, only if it has no error, stores it as
// the next version of the list in one transaction and makes it active in the
// Matcher. A file with errors returns a *ValidationError and changes nothing.
// A file with only a header is valid: it empties the list.
//
// The file is read once, as a stream, and never held: its valid entries go
// packed into the builder the Matcher's index is made from, and the store
// is written from there. An import's memory is that index and a few bytes
// per entry to find duplicates, not a multiple of the file (TestImportRSS).
func (s *Store) Import(ctx context.Context, req ImportRequest) (ImportResult, error) {
	if !listName.MatchString(req.List) {
		return ImportResult{}, fmt.Errorf("hotlist: list %q: %w (want [a-z0-9_-]{1,32})", req.List, ErrInvalidList)
	}
	if strings.TrimSpace(req.User) == "" {
		return ImportResult{}, fmt.Errorf("hotlist: list %s: %w", req.List, ErrNoUser)
	}
	in := &hashingReader{r: io.LimitReader(req.Data, MaxFileSize+1), h: sha256.New()}
	b := match.NewBuilder(req.List, 0, 0)
	format, errs, err := parse.Parse(ctx, req.Format, req.FileName, in, b.AddUnique)
	b.DoneAdding()
	if err != nil {
		return ImportResult{}, fmt.Errorf("hotlist: list %s: read %s: %w", req.List, req.FileName, err)
	}
	if in.n > MaxFileSize {
		return ImportResult{}, fmt.Errorf("hotlist: list %s: %s is larger than %d bytes", req.List, req.FileName, MaxFileSize)
	}
	if n := b.Count(); n > match.MaxListEntries {
		errs.Add(0, "file", fmt.Sprintf("%d entries, a list holds at most %d", n, match.MaxListEntries))
	}
	if errs.Len() > 0 {
		return ImportResult{}, &ValidationError{List: req.List, Errors: errs.List, Omitted: errs.Omitted}
	}
	if err := ctx.Err(); err != nil {
		return ImportResult{}, fmt.Errorf("hotlist: list %s: %w", req.List, err)
	}

	s.importMu.Lock()
	defer s.importMu.Unlock()
	v := Version{List: req.List, ImportedAt: s.now().UTC().Truncate(time.Millisecond), ImportedBy: req.User,
		FileName: req.FileName, Format: format, SHA256: hex.EncodeToString(in.h.Sum(nil)), Entries: b.Len()}
	prev, err := s.store(ctx, &v, b)
	if err != nil {
		return ImportResult{}, fmt.Errorf("hotlist: list %s: %w", req.List, err)
	}
	res := ImportResult{Version: v, Previous: prev}
	if res.Added, res.Removed, err = s.diff(ctx, req.List, prev, b); err != nil {
		// The version is committed; the counts are only a summary for the audit.
		s.log.Error("counting changes against the previous version", "list", v.List, "version", v.Version, "err", err)
		res.Added, res.Removed = -1, -1
	}
	b.SetVersion(v.Version)
	// The parse and the inserts leave their garbage (a record string per
	// line, the statements' arguments) spread over the heap. A collection
	// frees it, but whether the index's large arrays then fit in those
	// pages or are mapped beside them depended on how the garbage lay: the
	// same CSV import peaked anywhere from 1.7 to 2 times the file
	// (TestImportRSS). Returning the free pages to the kernel first makes
	// the peak what is live plus the index, every time. An import is rare;
	// the pause is this goroutine's, and the pages come back as needed.
	debug.FreeOSMemory()
	s.matcher.Install(b)
	s.log.Info("list imported", "list", v.List, "version", v.Version, "entries", v.Entries,
		"user", v.ImportedBy, "sha256", v.SHA256, "added", res.Added, "removed", res.Removed)
	return res, nil
}

// hashingReader hashes and counts the file as given (byte-order mark
// included), for the version record and the size bound.
type hashingReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (hr *hashingReader) Read(p []byte) (int, error) {
	n, err := hr.r.Read(p)
	hr.h.Write(p[:n])
	hr.n += int64(n)
	return n, err
}

// store writes a version and the builder's entries in one transaction and
// returns the previous active version number.
func (s *Store) store(ctx context.Context, v *Version, b *match.Builder) (prev int64, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
				s.log.Error("rollback failed", "list", v.List, "err", rerr)
			}
		}
	}()
	if err = tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM versions WHERE list = ?`, v.List).Scan(&prev); err != nil {
		return 0, fmt.Errorf("last version: %w", err)
	}
	v.Version = prev + 1
	res, err := tx.ExecContext(ctx, `INSERT INTO versions (list, version, imported_at, imported_by, file_name, format, sha256, entries)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, v.List, v.Version, v.ImportedAt.Format(time.RFC3339Nano), v.ImportedBy,
		v.FileName, v.Format.String(), v.SHA256, v.Entries)
	if err != nil {
		return 0, fmt.Errorf("insert version: %w", err)
	}
	vid, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("version id: %w", err)
	}
	if err = insertEntries(ctx, tx, vid, b); err != nil {
		return 0, err
	}
	if err = tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit: %w", err)
	}
	return prev, nil
}

// rowsPerInsert batches entries into multi-row INSERTs: one statement per
// row costs more in the driver than in SQLite. 10 columns x 200 rows stays
// well under SQLite's 32766-parameter limit.
const rowsPerInsert = 200

func insertEntries(ctx context.Context, tx *sql.Tx, vid int64, b *match.Builder) error {
	const cols = 10
	stmtFor := func(n int) (*sql.Stmt, error) {
		q := make([]byte, 0, 64+n*24)
		q = append(q, "INSERT INTO entries (version_id, line, plate, country, source, measure, priority, valid_from, valid_until, remarks) VALUES "...)
		for i := 0; i < n; i++ {
			if i > 0 {
				q = append(q, ',')
			}
			q = append(q, "(?,?,?,?,?,?,?,?,?,?)"...)
		}
		return tx.PrepareContext(ctx, string(q))
	}
	full, err := stmtFor(rowsPerInsert)
	if err != nil {
		return fmt.Errorf("prepare insert: %w", err)
	}
	defer full.Close()
	args := make([]any, 0, rowsPerInsert*cols)
	for start := 0; start < b.Len(); start += rowsPerInsert {
		end := min(start+rowsPerInsert, b.Len())
		args = args[:0]
		for i := start; i < end; i++ {
			e := b.Entry(i)
			args = append(args, vid, e.Line, e.Plate, e.Country, e.Source, e.Measure, int(e.Priority),
				formatTime(e.ValidFrom), formatTime(e.ValidUntil), e.Remarks)
		}
		stmt := full
		if end-start < rowsPerInsert {
			if stmt, err = stmtFor(end - start); err != nil {
				return fmt.Errorf("prepare insert: %w", err)
			}
			defer stmt.Close()
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("insert entries at line %d: %w", b.Entry(start).Line, err)
		}
	}
	return nil
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func parseStoredTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339, s)
}
