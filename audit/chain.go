package audit

import (
	"crypto/ed25519"
	"time"

	"github.com/politiezone/zoneconsole/audit/chain"
	"github.com/politiezone/zoneconsole/audit/keys"
	"github.com/politiezone/zoneconsole/audit/witness"
)

// The chain's values and pure functions live in audit/chain, the witness
// file in audit/witness and the key files in audit/keys; these are their
// names as callers of audit know them.

// HashSize is the size of a Digest.
const HashSize = chain.HashSize

// Digest is a SHA-256 chain hash.
type Digest = chain.Digest

// Entry is one audit record. The caller fills the who/what/why fields;
// Append sets Seq, PrevHash and Hash, and Time when it is zero.
type Entry = chain.Entry

// Report is the result of a verification.
type Report = chain.Report

// ChainError names the first bad entry found by Verify.
type ChainError = chain.ChainError

// ChainErrorKind names what kind of break Verify found.
type ChainErrorKind = chain.ChainErrorKind

// The kinds of break (see chain.KindHash and the others).
const (
	KindHash         = chain.KindHash
	KindLink         = chain.KindLink
	KindGap          = chain.KindGap
	KindOrder        = chain.KindOrder
	KindTruncated    = chain.KindTruncated
	KindSignature    = chain.KindSignature
	KindCheckpoint   = chain.KindCheckpoint
	KindUnsigned     = chain.KindUnsigned
	KindSchema       = chain.KindSchema
	KindUntrustedKey = chain.KindUntrustedKey
	KindWitness      = chain.KindWitness
)

// ErrBroken matches every *ChainError with errors.Is: the chain is broken
// (or not signed by the trusted key), as opposed to a store that cannot be
// read.
var ErrBroken = chain.ErrBroken

// Checkpoint is a signed statement that the chain's entry Seq has hash Hash.
type Checkpoint = chain.Checkpoint

// Verifier checks a chain fed to it one entry at a time, in seq order.
type Verifier = chain.Verifier

// Head names one entry of the chain by its seq and hash.
type Head = chain.Head

// SignedHead is the record kept in the head file next to the key.
type SignedHead = chain.SignedHead

// WitnessRecord is one signed statement copied to the witness.
type WitnessRecord = chain.WitnessRecord

// Witness is a parsed witness file.
type Witness = chain.Witness

// AppendCanonical appends the canonical bytes of e to dst.
func AppendCanonical(dst []byte, e *Entry) []byte { return chain.AppendCanonical(dst, e) }

// EntryHash is SHA-256(0x00 ‖ prev ‖ canonical(e)).
func EntryHash(prev Digest, e *Entry) Digest { return chain.EntryHash(prev, e) }

// NewVerifier prepares a verification against the checkpoints (ascending
// seq) and the signed head (nil when there is none).
func NewVerifier(pub ed25519.PublicKey, cps []Checkpoint, head *SignedHead) *Verifier {
	return chain.NewVerifier(pub, cps, head)
}

// NewVerifierFrom is NewVerifier for a range of the chain that starts right
// after the entry after.
func NewVerifierFrom(pub ed25519.PublicKey, cps []Checkpoint, head *SignedHead, after Head) *Verifier {
	return chain.NewVerifierFrom(pub, cps, head, after)
}

// ParseHeadFile returns the head records found in the bytes of a head
// file, leniently; verification uses ParseHead.
func ParseHeadFile(b []byte) []SignedHead { return chain.ParseHeadFile(b) }

// SelectHead returns the newest head and whether its signature verifies
// under pub.
func SelectHead(pub ed25519.PublicKey, hs []SignedHead) (SignedHead, bool) {
	return chain.SelectHead(pub, hs)
}

// ParseHead reads the bytes of a head file strictly and returns its newest
// record and the one before it.
func ParseHead(b []byte) (newest, older *SignedHead, err error) { return chain.ParseHead(b) }

// ParseWitness parses the bytes of a witness file.
func ParseWitness(b []byte) (Witness, error) { return chain.ParseWitness(b) }

// ReadWitness reads and parses a witness file.
func ReadWitness(path string) (Witness, error) { return witness.Read(path) }

// WitnessFile is the witness file of the store at dbPath inside the witness
// directory dir.
func WitnessFile(dir, dbPath string) (string, error) { return witness.File(dir, dbPath) }

// Fingerprint is the SHA-256 of the 32 raw bytes of an ed25519 public key,
// in lowercase hex: what a zone file names to pin the audit key.
func Fingerprint(pub ed25519.PublicKey) string { return chain.Fingerprint(pub) }

// FingerprintMatches reports whether pub has the fingerprint fp (hex,
// case and ':' separators ignored).
func FingerprintMatches(pub ed25519.PublicKey, fp string) bool {
	return chain.FingerprintMatches(pub, fp)
}

// ParsePublicKey is ReadPublicKeyFile on the file's bytes.
func ParsePublicKey(b []byte) (ed25519.PublicKey, error) { return chain.ParsePublicKey(b) }

// PublicKeyPEM encodes pub as a PEM "PUBLIC KEY" block.
func PublicKeyPEM(pub ed25519.PublicKey) ([]byte, error) { return chain.PublicKeyPEM(pub) }

// ReadPublicKeyFile reads an ed25519 public key from a file kept outside
// the data directory: PEM, hex or base64 text, or the 32 raw bytes.
func ReadPublicKeyFile(path string) (ed25519.PublicKey, error) { return keys.ReadPublicKeyFile(path) }

func timeNanos(t time.Time) int64 { return chain.TimeNanos(t) }

func nanosTime(ns int64) time.Time { return chain.NanosTime(ns) }
