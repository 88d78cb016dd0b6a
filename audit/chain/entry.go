package chain

import (
	"encoding/hex"
	"time"
)

// Action is what a user did (or tried to do). The strings are stored and
// hashed, so they never change once released.
type Action string

// Outcome says whether the policy allowed the action.
type Outcome string

// HashSize is the size of a Digest.
const HashSize = 32

// Digest is a SHA-256 chain hash.
type Digest [HashSize]byte

// String gives the digest in lowercase hex.
func (d Digest) String() string { return hex.EncodeToString(d[:]) }

// Entry is one audit record. The caller fills the who/what/why fields;
// Append sets Seq, PrevHash and Hash, and Time when it is zero.
type Entry struct {
	Seq     int64
	Time    time.Time // UTC; stored with nanosecond precision
	User    string
	Role    string
	Console string
	Action  Action
	Subject string // "camera:<id>", "plate:<PLATE>", "case:<ref>", "round:<name>", "user:<name>", "list:<name>"

	// Justification: kind (e.g. "shift", "judicial"), free text, mission or
	// case reference, and the authorisation reference of a prosecutor or
	// investigating judge where one is needed.
	JustKind, JustText, JustRef, AuthRef string

	Outcome Outcome
	Reason  string // why the policy allowed or denied
	Detail  string // free key=value text, e.g. "view=<id>"

	PrevHash Digest
	Hash     Digest
}
