package chain

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// A witness file is the copy, outside the store, of what the store's key
// signed: every checkpoint, and the head when the Log opens, closes and at
// most every Options.WitnessEvery while it appends. It is one text file per
// store in the witness directory, only ever appended to, fsynced after each
// record, 0600 in a 0700 directory (audit/witness writes it):
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

// WitnessHeader is the first line of a new witness file for the store at
// the absolute path store, signed by pub, newline included.
func WitnessHeader(pub ed25519.PublicKey, store string) string {
	return fmt.Sprintf("%s key=%x store=%s\n", witnessMagic, []byte(pub), strconv.Quote(store))
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
	r.Seq, r.Time, r.Sig = seq, NanosTime(ns), sig
	copy(r.Hash[:], h)
	return r, nil
}

// FormatWitnessRecord is the line of r in a witness file, newline included.
func FormatWitnessRecord(r WitnessRecord) string {
	k := "C"
	if r.Head {
		k = "H"
	}
	return fmt.Sprintf("%s %d %s %d %s\n", k, r.Seq, r.Hash, TimeNanos(r.Time), hex.EncodeToString(r.Sig))
}

// SortedRecords returns the records in seq order (stable), as the Verifier
// meets them.
func SortedRecords(rs []WitnessRecord) []WitnessRecord {
	rs = slices.Clone(rs)
	slices.SortStableFunc(rs, func(a, b WitnessRecord) int { return int(min(max(a.Seq-b.Seq, -1), 1)) })
	return rs
}
