package sqlitedb

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Options tune an open. The zero value is a read-write store with durable
// commits.
type Options struct {
	// ReadOnly opens with query_only: a reader (verify, export) can never
	// write, and the file is not created when it is missing.
	ReadOnly bool
	// Immediate makes every transaction take the write lock at BEGIN, so two
	// writers queue on the busy timeout instead of failing on upgrade.
	Immediate bool
	// BusyTimeout is how long a statement waits for another connection's
	// lock (default 10 s).
	BusyTimeout time.Duration
	// ForeignKeys turns on foreign key enforcement.
	ForeignKeys bool
}

// ErrMissing is returned by a read-only open of a file that does not exist.
var ErrMissing = errors.New("store file does not exist")

// Open opens (or, unless ReadOnly, creates) the SQLite file at path. The
// directory is created 0700 when missing; the file and its -wal and -shm
// companions are made 0600 before and after the first connection, so no
// other account on the machine reads what the console stores.
func Open(path string, o Options) (*sql.DB, error) {
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = 10 * time.Second
	}
	if o.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("%s: %w", path, ErrMissing)
			}
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	} else if err := prepare(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", DSN(path, o))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// The pragmas run per connection; a ping makes the first one now, so a
	// file that is not a database fails here, with its name.
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if !o.ReadOnly {
		if err := Private(path); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// DSN is the driver's data source name for path under o: a file URI with
// the path escaped ('?' or '#' in a directory name stay part of the path).
func DSN(path string, o Options) string {
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = 10 * time.Second
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", o.BusyTimeout.Milliseconds()))
	if o.ReadOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(FULL)")
	}
	if o.ForeignKeys {
		q.Add("_pragma", "foreign_keys(1)")
	}
	if o.Immediate {
		q.Add("_txlock", "immediate")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	return "file:" + (&url.URL{Path: abs}).EscapedPath() + "?" + q.Encode()
}

// prepare makes the directory 0700 and the file 0600 before SQLite opens it,
// so the file never exists with the umask's wider mode.
func prepare(path string) error {
	if err := PrivateDir(filepath.Dir(path)); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("store %s: %w", path, err)
	}
	return f.Close()
}

// Private sets the store file and its WAL companions to 0600 (those that
// exist).
func Private(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("store %s: %w", p, err)
		}
	}
	return nil
}

// PrivateDir creates dir (and its parents) and makes dir itself 0700.
func PrivateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("directory %s: %w", dir, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("directory %s: %w", dir, err)
	}
	return nil
}

// WriteFile writes a private file (0600) atomically: a temporary file in the
// same directory, synced, then renamed over path.
func WriteFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := PrivateDir(dir); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: sync: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
