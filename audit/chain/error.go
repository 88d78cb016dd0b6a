package chain

import (
	"errors"
	"fmt"
	"time"
)

// Report is the result of a verification.
type Report struct {
	Entries        int64  // rows checked
	HeadSeq        int64  // last seq in the store
	Head           Digest // hash of the last entry
	Checkpoints    int    // signed checkpoints checked
	LastCheckpoint int64  // seq of the newest checkpoint, 0 if none
	SignedHeadSeq  int64  // seq of the signed head file, 0 if none
	// KeyPinned says the signatures were checked against a key given from
	// outside the store (VerifyOptions); false means against the public key
	// in DATA/keys, which whoever writes the store can replace.
	KeyPinned      bool
	KeyFingerprint string // Fingerprint of the key the signatures were checked with
	Witness        string // the witness file checked, "" when none
	Witnessed      int    // witness records checked
	WitnessSeq     int64  // seq of the newest witness record checked, 0 if none
	Duration       time.Duration
	Err            *ChainError // nil when intact
}

// Intact reports whether the chain verified.
func (r Report) Intact() bool { return r.Err == nil }

// ChainErrorKind names what kind of break Verify found.
type ChainErrorKind string

// The kinds of break.
const (
	KindHash         ChainErrorKind = "hash mismatch"       // the row's content does not give its stored hash
	KindLink         ChainErrorKind = "broken link"         // prev hash does not name the entry before it (inserted or reordered)
	KindGap          ChainErrorKind = "missing entry"       // seq jumps: a row was removed
	KindOrder        ChainErrorKind = "out of order"        // seq goes back or repeats
	KindTruncated    ChainErrorKind = "truncated tail"      // the store ends before a signed head or checkpoint
	KindSignature    ChainErrorKind = "bad signature"       // a checkpoint or the head file does not verify
	KindCheckpoint   ChainErrorKind = "checkpoint mismatch" // a signed head hash differs from the chain's
	KindUnsigned     ChainErrorKind = "unsigned entry"      // entries past the signed head: appended without the key
	KindSchema       ChainErrorKind = "schema changed"      // the tables were rebuilt; Seq is 0 (the whole store)
	KindUntrustedKey ChainErrorKind = "untrusted key"       // signed by a key other than the trusted one; Seq 0 when the key file itself is not the pinned one
	KindWitness      ChainErrorKind = "witness mismatch"    // the store lacks or differs from an entry witnessed outside it
)

// ErrBroken matches every *ChainError with errors.Is: the chain is broken
// (or not signed by the trusted key), as opposed to a store that cannot be
// read.
var ErrBroken = errors.New("audit: chain broken")

// ChainError names the first bad entry found by Verify.
type ChainError struct {
	Seq  int64
	Want string
	Got  string
	Kind ChainErrorKind
}

// Is makes errors.Is(err, ErrBroken) true for a chain error.
func (e *ChainError) Is(target error) bool { return target == ErrBroken }

func (e *ChainError) Error() string {
	return fmt.Sprintf("audit chain broken at seq %d: %s: want %s, got %s", e.Seq, e.Kind, e.Want, e.Got)
}
