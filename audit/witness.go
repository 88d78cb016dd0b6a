package audit

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/sqlitedb"
)

// A witness file is the copy, outside the store, of what the store's key
// signed: every checkpoint, and the head when the Log opens, closes and at
// most every Options.WitnessEvery while it appends. It is one text file per
// store in the witness directory (WitnessFile), only ever appended to,
// fsynced after each record, 0600 in a 0700 directory:
//
//	zoneconsole audit witness v1 key=<hex public key> store="<absolute path>"
//	C <seq> <hash hex> <time unix ns> <signature hex>     a checkpoint
//	H <seq> <hash hex> <time unix ns> <signature hex>     a head
//
// Each record is a checkpoint signature (checkpointMessage), so it is
// checked like one. An intruder who rewrites the store, with the old key or
// a fresh one, cannot take back what the witness holds: the store must
// still hold each witnessed entry with the witnessed hash, and the first
// witnessed record must verify under the key the store is verified with.
const witnessMagic = "zoneconsole audit witness v1"

// WitnessRecord is one signed statement copied to the witness: entry Seq
// had hash Hash.
type WitnessRecord struct {
	Head bool // a head record, not a checkpoint
	Checkpoint
}

// Witness is a parsed witness file.
type Witness struct {
	Key     ed25519.PublicKey // the store's key when the witness began
	Store   string            // the store's path when the witness began
	Records []WitnessRecord   // in file order
	Torn    bool              // the last line was cut by a crash (ignored)
}

// WitnessFile is the witness file of the store at dbPath inside the witness
// directory dir: audit-<first 16 hex digits of SHA-256(absolute path)>.witness,
// so that stores of several consoles can share one directory.
func WitnessFile(dir, dbPath string) (string, error) {
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		return "", fmt.Errorf("audit witness: %w", err)
	}
	s := sha256.Sum256([]byte(abs))
	return filepath.Join(dir, "audit-"+hex.EncodeToString(s[:8])+".witness"), nil
}

// witnessPath resolves VerifyOptions.Witness: a directory (the file is
// WitnessFile in it) or the witness file itself.
func witnessPath(w, dbPath string) (string, error) {
	if fi, err := os.Stat(w); err == nil && !fi.IsDir() {
		return w, nil
	}
	return WitnessFile(w, dbPath)
}

// ParseWitness parses the bytes of a witness file. A last line without its
// newline is a record cut by a crash and is ignored (Torn); any other line
// that does not parse is an error naming it.
func ParseWitness(b []byte) (Witness, error) {
	var w Witness
	lines := bytes.Split(b, []byte{'\n'})
	if last := len(lines) - 1; len(lines[last]) == 0 {
		lines = lines[:last]
	} else {
		lines, w.Torn = lines[:last], true
	}
	if len(lines) == 0 {
		if w.Torn {
			return w, nil // the header itself was cut: nothing witnessed yet
		}
		return w, errors.New("empty witness file")
	}
	hdr, ok := strings.CutPrefix(string(lines[0]), witnessMagic+" key=")
	if !ok {
		return w, errors.New("witness line 1: not a witness header")
	}
	keyHex, store, ok := strings.Cut(hdr, " store=")
	k, err := hex.DecodeString(keyHex)
	if !ok || err != nil || len(k) != ed25519.PublicKeySize {
		return w, errors.New("witness line 1: bad key")
	}
	if w.Store, err = strconv.Unquote(store); err != nil {
		return w, errors.New("witness line 1: bad store path")
	}
	w.Key = k
	for i, ln := range lines[1:] {
		r, err := parseWitnessLine(string(ln))
		if err != nil {
			return w, fmt.Errorf("witness line %d: %w", i+2, err)
		}
		w.Records = append(w.Records, r)
	}
	return w, nil
}

func parseWitnessLine(s string) (WitnessRecord, error) {
	var r WitnessRecord
	f := strings.Split(s, " ")
	if len(f) != 5 || (f[0] != "C" && f[0] != "H") {
		return r, errors.New("not a record")
	}
	r.Head = f[0] == "H"
	seq, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil || seq < 1 {
		return r, errors.New("bad seq")
	}
	h, err := hex.DecodeString(f[2])
	if err != nil || len(h) != HashSize {
		return r, errors.New("bad hash")
	}
	ns, err := strconv.ParseInt(f[3], 10, 64)
	if err != nil {
		return r, errors.New("bad time")
	}
	sig, err := hex.DecodeString(f[4])
	if err != nil || len(sig) != ed25519.SignatureSize {
		return r, errors.New("bad signature")
	}
	r.Seq, r.Time, r.Sig = seq, nanosTime(ns), sig
	copy(r.Hash[:], h)
	return r, nil
}

func formatWitnessRecord(r WitnessRecord) string {
	k := "C"
	if r.Head {
		k = "H"
	}
	return fmt.Sprintf("%s %d %s %d %s\n", k, r.Seq, r.Hash, timeNanos(r.Time), hex.EncodeToString(r.Sig))
}

// sortedRecords returns the records in seq order (stable), as the Verifier
// meets them.
func sortedRecords(rs []WitnessRecord) []WitnessRecord {
	rs = slices.Clone(rs)
	slices.SortStableFunc(rs, func(a, b WitnessRecord) int { return int(min(max(a.Seq-b.Seq, -1), 1)) })
	return rs
}

// ReadWitness reads and parses a witness file.
func ReadWitness(path string) (Witness, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Witness{}, fmt.Errorf("audit witness: %w", err)
	}
	w, err := ParseWitness(b)
	if err != nil {
		return w, fmt.Errorf("audit witness %s: %w", path, err)
	}
	return w, nil
}

// checkOutside refuses a witness inside the store's own directories: the
// account that writes the store could rewrite it along with the store.
func checkOutside(witness string, dirs ...string) error {
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

// witnessWriter appends the Log's signed records to its witness file.
type witnessWriter struct {
	f    *os.File
	path string
	priv ed25519.PrivateKey
	last WitnessRecord // the newest record in the file
	any  bool
	at   time.Time // when the last head record was written
}

// openWitness opens (or creates) the store's witness file in dir, private
// whatever the umask and the modes before, and returns what it holds. A
// record cut by a crash is cut off before the first append.
func openWitness(dir, dbPath string, priv ed25519.PrivateKey) (*witnessWriter, Witness, error) {
	if err := sqlitedb.PrivateDir(dir); err != nil {
		return nil, Witness{}, fmt.Errorf("audit witness: %w", err)
	}
	path, err := WitnessFile(dir, dbPath)
	if err != nil {
		return nil, Witness{}, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, Witness{}, fmt.Errorf("audit witness: %w", err)
	}
	ww := &witnessWriter{f: f, path: path, priv: priv}
	w, err := ww.init(dbPath)
	if err != nil {
		f.Close()
		return nil, w, err
	}
	return ww, w, nil
}

func (ww *witnessWriter) init(dbPath string) (Witness, error) {
	if err := ww.f.Chmod(0o600); err != nil {
		return Witness{}, fmt.Errorf("audit witness %s: %w", ww.path, err)
	}
	b, err := io.ReadAll(ww.f)
	if err != nil {
		return Witness{}, fmt.Errorf("audit witness %s: %w", ww.path, err)
	}
	if cut := bytes.LastIndexByte(b, '\n') + 1; cut < len(b) {
		if err := ww.f.Truncate(int64(cut)); err != nil {
			return Witness{}, fmt.Errorf("audit witness %s: cut a torn record: %w", ww.path, err)
		}
		b = b[:cut]
	}
	if len(b) == 0 {
		abs, _ := filepath.Abs(dbPath)
		hdr := fmt.Sprintf("%s key=%x store=%s\n", witnessMagic, []byte(ww.priv.Public().(ed25519.PublicKey)), strconv.Quote(abs))
		if err := ww.write(hdr); err != nil {
			return Witness{}, err
		}
		if err := syncDir(filepath.Dir(ww.path)); err != nil {
			return Witness{}, fmt.Errorf("audit witness %s: %w", ww.path, err)
		}
		b = []byte(hdr)
	}
	w, err := ParseWitness(b)
	if err != nil {
		return w, fmt.Errorf("audit witness %s: %w", ww.path, err)
	}
	if n := len(w.Records); n > 0 {
		ww.last, ww.any = w.Records[n-1], true
	}
	return w, nil
}

func (ww *witnessWriter) write(s string) error {
	if _, err := io.WriteString(ww.f, s); err != nil {
		return fmt.Errorf("audit witness %s: %w", ww.path, err)
	}
	if err := ww.f.Sync(); err != nil {
		return fmt.Errorf("audit witness %s: sync: %w", ww.path, err)
	}
	return nil
}

// checkpoint copies a checkpoint the Log just committed.
func (ww *witnessWriter) checkpoint(cp Checkpoint) error {
	return ww.record(WitnessRecord{Checkpoint: cp})
}

// head signs and witnesses the head (seq, hash), unless the newest record
// already names it.
func (ww *witnessWriter) head(h Head, now time.Time) error {
	ww.at = now
	if h.Seq == 0 || (ww.any && ww.last.Seq == h.Seq && ww.last.Hash == h.Hash) {
		return nil
	}
	return ww.record(WitnessRecord{Head: true, Checkpoint: signCheckpoint(ww.priv, h.Seq, h.Hash, now)})
}

func (ww *witnessWriter) record(r WitnessRecord) error {
	if err := ww.write(formatWitnessRecord(r)); err != nil {
		return err
	}
	ww.last, ww.any = r, true
	return nil
}

func (ww *witnessWriter) close() error { return ww.f.Close() }
