// Package witness keeps the audit store's witness file: the append-only
// copy, on storage outside the data directory, of every checkpoint and of
// the head the store's key signed (the format is chain.Witness). The Log
// appends to it through a Writer; a verification reads it back (Read) and
// holds the store to it. A witness inside the store's own directories is
// refused (CheckOutside): whoever writes the store could rewrite it too.
package witness

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/audit/chain"
	"github.com/politiezone/zoneconsole/sqlitedb"
)

// File is the witness file of the store at dbPath inside the witness
// directory dir: audit-<first 16 hex digits of SHA-256(absolute path)>.witness,
// so that stores of several consoles can share one directory.
func File(dir, dbPath string) (string, error) {
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		return "", fmt.Errorf("audit witness: %w", err)
	}
	s := sha256.Sum256([]byte(abs))
	return filepath.Join(dir, "audit-"+hex.EncodeToString(s[:8])+".witness"), nil
}

// Path resolves what a verification was given as its witness: a directory
// (the file is File in it) or the witness file itself.
func Path(w, dbPath string) (string, error) {
	if fi, err := os.Stat(w); err == nil && !fi.IsDir() {
		return w, nil
	}
	return File(w, dbPath)
}

// Read reads and parses a witness file.
func Read(path string) (chain.Witness, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return chain.Witness{}, fmt.Errorf("audit witness: %w", err)
	}
	w, err := chain.ParseWitness(b)
	if err != nil {
		return w, fmt.Errorf("audit witness %s: %w", path, err)
	}
	return w, nil
}

// CheckOutside refuses a witness inside the store's own directories: the
// account that writes the store could rewrite it along with the store.
func CheckOutside(witness string, dirs ...string) error {
	w, err := realPath(witness)
	if err != nil {
		return fmt.Errorf("audit witness %s: %w", witness, err)
	}
	for _, d := range dirs {
		d, err := realPath(d)
		if err != nil {
			return fmt.Errorf("audit witness: %w", err)
		}
		if rel, err := filepath.Rel(d, w); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return fmt.Errorf("audit witness %s lies inside the store's directory %s: whoever writes the store could rewrite it", witness, d)
		}
	}
	return nil
}

// realPath is the absolute path with symbolic links resolved as far as the
// path exists.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rest := ""
	for cur := abs; ; {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(r, rest), nil
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}

// Writer appends a Log's signed records to its witness file. It is used by
// the Log's writer goroutine only (and by Open and Close around it).
type Writer struct {
	f    *os.File
	path string
	priv ed25519.PrivateKey
	last chain.WitnessRecord // the newest record in the file
	any  bool
	at   time.Time // when the last record was written
}

// Open opens (or creates) the witness file in dir of the store at dbPath,
// private whatever the umask and the modes before, and returns what it
// holds. A record cut by a crash is cut off before the first append.
func Open(dir, dbPath string, priv ed25519.PrivateKey) (*Writer, chain.Witness, error) {
	if err := sqlitedb.PrivateDir(dir); err != nil {
		return nil, chain.Witness{}, fmt.Errorf("audit witness: %w", err)
	}
	path, err := File(dir, dbPath)
	if err != nil {
		return nil, chain.Witness{}, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, chain.Witness{}, fmt.Errorf("audit witness: %w", err)
	}
	ww := &Writer{f: f, path: path, priv: priv}
	w, err := ww.init(dbPath)
	if err != nil {
		f.Close()
		return nil, w, err
	}
	return ww, w, nil
}

func (ww *Writer) init(dbPath string) (chain.Witness, error) {
	if err := ww.f.Chmod(0o600); err != nil {
		return chain.Witness{}, fmt.Errorf("audit witness %s: %w", ww.path, err)
	}
	b, err := io.ReadAll(ww.f)
	if err != nil {
		return chain.Witness{}, fmt.Errorf("audit witness %s: %w", ww.path, err)
	}
	if cut := bytes.LastIndexByte(b, '\n') + 1; cut < len(b) {
		if err := ww.f.Truncate(int64(cut)); err != nil {
			return chain.Witness{}, fmt.Errorf("audit witness %s: cut a torn record: %w", ww.path, err)
		}
		b = b[:cut]
	}
	if len(b) == 0 {
		abs, _ := filepath.Abs(dbPath)
		hdr := chain.WitnessHeader(ww.priv.Public().(ed25519.PublicKey), abs)
		if err := ww.write(hdr); err != nil {
			return chain.Witness{}, err
		}
		if err := syncDir(filepath.Dir(ww.path)); err != nil {
			return chain.Witness{}, fmt.Errorf("audit witness %s: %w", ww.path, err)
		}
		b = []byte(hdr)
	}
	w, err := chain.ParseWitness(b)
	if err != nil {
		return w, fmt.Errorf("audit witness %s: %w", ww.path, err)
	}
	if n := len(w.Records); n > 0 {
		ww.last, ww.any = w.Records[n-1], true
	}
	return w, nil
}

func (ww *Writer) write(s string) error {
	if _, err := io.WriteString(ww.f, s); err != nil {
		return fmt.Errorf("audit witness %s: %w", ww.path, err)
	}
	if err := ww.f.Sync(); err != nil {
		return fmt.Errorf("audit witness %s: sync: %w", ww.path, err)
	}
	return nil
}

// Path is the witness file's path, for the logs.
func (ww *Writer) Path() string { return ww.path }

// Checkpoint copies a checkpoint the Log just committed, at now.
func (ww *Writer) Checkpoint(cp chain.Checkpoint, now time.Time) error {
	if err := ww.record(chain.WitnessRecord{Checkpoint: cp}); err != nil {
		return err
	}
	ww.at = now
	return nil
}

// Head signs and witnesses the head (seq, hash) at now, unless the newest
// record already names it.
func (ww *Writer) Head(h chain.Head, now time.Time) error {
	ww.at = now
	if h.Seq == 0 || (ww.any && ww.last.Seq == h.Seq && ww.last.Hash == h.Hash) {
		return nil
	}
	return ww.record(chain.WitnessRecord{Head: true, Checkpoint: chain.SignCheckpoint(ww.priv, h.Seq, h.Hash, now)})
}

// Due reports whether at now the last record is at least every old, so
// that the head is to be witnessed again.
func (ww *Writer) Due(now time.Time, every time.Duration) bool { return now.Sub(ww.at) >= every }

func (ww *Writer) record(r chain.WitnessRecord) error {
	if err := ww.write(chain.FormatWitnessRecord(r)); err != nil {
		return err
	}
	ww.last, ww.any = r, true
	return nil
}

// Close closes the file.
func (ww *Writer) Close() error { return ww.f.Close() }

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
