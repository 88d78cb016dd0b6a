package trail

import (
	"encoding/hex"
	"fmt"

	"github.com/politiezone/zoneconsole/audit"
)

// ActAuditWitness: a console's signed checkpoint (or head) of its own
// audit store, written to the room's chain, where the other consoles of
// the room hold it (audit verify --room).
const ActAuditWitness audit.Action = "audit.witness"

// AuditWitness is one witness record of a console's audit store.
type AuditWitness struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"` // hex
	At   Time   `json:"at"`
	Sig  string `json:"sig"` // hex
	Head bool   `json:"head,omitempty"`
}

func (AuditWitness) Action() audit.Action { return ActAuditWitness }

// WitnessOf is the record as the room's entry carries it.
func WitnessOf(r audit.WitnessRecord) AuditWitness {
	return AuditWitness{Seq: r.Seq, Hash: hex.EncodeToString(r.Hash[:]), At: r.Time.UTC(), Sig: hex.EncodeToString(r.Sig), Head: r.Head}
}

// Record is the witness record back.
func (w AuditWitness) Record() (audit.WitnessRecord, error) {
	var r audit.WitnessRecord
	h, err := hex.DecodeString(w.Hash)
	if err != nil || len(h) != len(r.Hash) {
		return r, fmt.Errorf("trail: audit.witness %d: bad hash %q", w.Seq, w.Hash)
	}
	sig, err := hex.DecodeString(w.Sig)
	if err != nil {
		return r, fmt.Errorf("trail: audit.witness %d: bad signature: %w", w.Seq, err)
	}
	copy(r.Hash[:], h)
	r.Seq, r.Time, r.Sig, r.Head = w.Seq, w.At, sig, w.Head
	return r, nil
}
