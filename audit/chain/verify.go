package chain

import (
	"crypto/ed25519"
	"fmt"
	"time"
)

// Verifier checks a chain fed to it one entry at a time, in seq order. It
// does no I/O: the caller streams rows in and asks Finish for the verdict.
// The first break is returned as a *ChainError and the Verifier stops there.
type Verifier struct {
	pub     ed25519.PublicKey
	cps     []Checkpoint // ascending seq
	cpOK    []bool
	next    int             // index of the next checkpoint to meet
	wit     []WitnessRecord // ascending seq
	nw      int             // index of the next witness record to meet
	head    *SignedHead
	headOK  bool
	older   *SignedHead // the head file's record before head, when known
	prev    Digest
	last    int64
	n       int64
	hs      Hasher
	err     *ChainError
	started time.Time
}

// NewVerifier prepares a verification against the checkpoints (ascending
// seq) and the signed head (nil when there is none). Signatures are checked
// here; a bad one is reported when the stream reaches its seq, so that an
// earlier break is still named first.
func NewVerifier(pub ed25519.PublicKey, cps []Checkpoint, head *SignedHead) *Verifier {
	v := &Verifier{pub: pub, cps: cps, head: head, started: time.Now()}
	v.cpOK = make([]bool, len(cps))
	for i := range cps {
		v.cpOK[i] = cps[i].Valid(pub)
		if i > 0 && cps[i].Seq <= cps[i-1].Seq && v.err == nil {
			v.err = &ChainError{Seq: cps[i].Seq, Kind: KindCheckpoint,
				Want: fmt.Sprintf("checkpoint after seq %d", cps[i-1].Seq), Got: fmt.Sprintf("checkpoint at seq %d", cps[i].Seq)}
		}
	}
	if head != nil {
		v.headOK = head.Valid(pub)
	}
	return v
}

// NewVerifierFrom is NewVerifier for a range of the chain that starts right
// after the entry `after`, trusted here because the range before it is
// verified too. Verify splits a long chain into ranges checked in parallel.
func NewVerifierFrom(pub ed25519.PublicKey, cps []Checkpoint, head *SignedHead, after Head) *Verifier {
	v := NewVerifier(pub, cps, head)
	v.last, v.prev = after.Seq, after.Hash
	return v
}

// Witness adds the records of a witness file (in seq order: entries that
// the store must still hold with these hashes). Their signatures are checked
// for the first and the last record of the range, which is enough: the
// chain links every witnessed hash to the last one, and the first one says
// which key signed the store when the witness began.
func (v *Verifier) Witness(ws []WitnessRecord) { v.wit = ws }

// OlderHead gives the head file's record before the newest one: it must be
// signed too, or someone wrote the file without the key.
func (v *Verifier) OlderHead(h *SignedHead) { v.older = h }

// FinishRange ends the verification of a range that is not the chain's
// last: it must reach end, and the checkpoints given must all lie in it.
func (v *Verifier) FinishRange(end int64) (Report, *ChainError) {
	r := v.report()
	if v.err == nil && v.last != end {
		v.err = &ChainError{Seq: v.last + 1, Kind: KindGap, Want: fmt.Sprintf("seq %d", v.last+1), Got: "none"}
	}
	if v.err == nil && v.next < len(v.cps) {
		cp := v.cps[v.next]
		v.err = &ChainError{Seq: cp.Seq, Kind: KindCheckpoint, Want: fmt.Sprintf("entry %d", cp.Seq), Got: "none"}
	}
	if v.err == nil && v.nw < len(v.wit) {
		w := v.wit[v.nw]
		v.err = &ChainError{Seq: w.Seq, Kind: KindWitness, Want: fmt.Sprintf("entry %d (witnessed)", w.Seq), Got: "none"}
	}
	r.Duration = time.Since(v.started)
	r.Err = v.err
	return r, v.err
}

// Fail records a break found outside the verifier (a row that cannot be
// read as an entry), unless an earlier one was found.
func (v *Verifier) Fail(ce *ChainError) {
	if v.err == nil {
		v.err = ce
	}
}

// Next checks one entry. It returns the first break, then keeps returning it.
func (v *Verifier) Next(e *Entry) *ChainError {
	if v.err != nil {
		return v.err
	}
	v.err = v.check(e)
	return v.err
}

func (v *Verifier) check(e *Entry) *ChainError {
	want := v.last + 1
	switch {
	case e.Seq > want:
		return &ChainError{Seq: want, Kind: KindGap, Want: fmt.Sprintf("seq %d", want), Got: fmt.Sprintf("seq %d", e.Seq)}
	case e.Seq < want:
		return &ChainError{Seq: e.Seq, Kind: KindOrder, Want: fmt.Sprintf("seq %d", want), Got: fmt.Sprintf("seq %d", e.Seq)}
	}
	if e.PrevHash != v.prev {
		return &ChainError{Seq: e.Seq, Kind: KindLink, Want: v.prev.String(), Got: e.PrevHash.String()}
	}
	if got := v.hs.Sum(v.prev, e); got != e.Hash {
		return &ChainError{Seq: e.Seq, Kind: KindHash, Want: e.Hash.String(), Got: got.String()}
	}
	for v.next < len(v.cps) && v.cps[v.next].Seq == e.Seq {
		cp := &v.cps[v.next]
		if !v.cpOK[v.next] {
			return &ChainError{Seq: e.Seq, Kind: KindSignature, Want: "valid checkpoint signature", Got: "invalid"}
		}
		if cp.Hash != e.Hash {
			return &ChainError{Seq: e.Seq, Kind: KindCheckpoint, Want: cp.Hash.String(), Got: e.Hash.String()}
		}
		v.next++
	}
	for v.nw < len(v.wit) && v.wit[v.nw].Seq == e.Seq {
		if ce := v.checkWitness(e); ce != nil {
			return ce
		}
		v.nw++
	}
	if v.nw < len(v.wit) && v.wit[v.nw].Seq < e.Seq {
		w := v.wit[v.nw] // only reachable with records at seq <= 0
		return &ChainError{Seq: w.Seq, Kind: KindWitness, Want: fmt.Sprintf("entry %d (witnessed)", w.Seq), Got: "none"}
	}
	if v.next < len(v.cps) && v.cps[v.next].Seq < e.Seq {
		// Only reachable with checkpoints at seq <= 0.
		cp := v.cps[v.next]
		return &ChainError{Seq: cp.Seq, Kind: KindCheckpoint, Want: fmt.Sprintf("entry %d", cp.Seq), Got: "none"}
	}
	// A head whose signature fails says nothing; Finish reports it.
	if h := v.head; h != nil && v.headOK {
		for _, s := range [...]Head{h.Committed, h.Pending} {
			if s.Seq == e.Seq && s.Hash != e.Hash {
				return &ChainError{Seq: e.Seq, Kind: KindCheckpoint, Want: s.Hash.String(), Got: e.Hash.String()}
			}
		}
	}
	v.prev, v.last = e.Hash, e.Seq
	v.n++
	return nil
}

// Finish checks the end of the chain against the checkpoints and the signed
// head, and returns the report. Every chain needs a signed head, even an
// empty one.
func (v *Verifier) Finish() (Report, *ChainError) {
	r := v.report()
	if v.head != nil {
		r.SignedHeadSeq = v.head.Committed.Seq
	}
	if v.err == nil {
		v.err = v.finish()
	}
	r.Duration = time.Since(v.started)
	r.Err = v.err
	return r, v.err
}

func (v *Verifier) report() Report {
	r := Report{Entries: v.n, HeadSeq: v.last, Head: v.prev, Checkpoints: v.next, Witnessed: v.nw}
	if v.next > 0 {
		r.LastCheckpoint = v.cps[v.next-1].Seq
	}
	if v.nw > 0 {
		r.WitnessSeq = v.wit[v.nw-1].Seq
	}
	return r
}

// checkWitness checks the witness record v.wit[v.nw] against e, the entry
// of its seq.
func (v *Verifier) checkWitness(e *Entry) *ChainError {
	w := &v.wit[v.nw]
	what := "checkpoint"
	if w.Head {
		what = "head"
	}
	if w.Hash != e.Hash {
		got := e.Hash.String()
		if !w.Valid(v.pub) {
			got += " (and the witnessed record does not verify under the key used)"
		}
		return &ChainError{Seq: e.Seq, Kind: KindWitness, Want: fmt.Sprintf("%s (witnessed %s of %s)", w.Hash, what, w.Time.Format(time.RFC3339)), Got: got}
	}
	if (v.nw == 0 || v.nw == len(v.wit)-1) && !w.Valid(v.pub) {
		return &ChainError{Seq: e.Seq, Kind: KindWitness, Want: fmt.Sprintf("witnessed %s signed by the key used (%.16s)", what, Fingerprint(v.pub)),
			Got: "signed by another key: the store was re-signed"}
	}
	return nil
}

func (v *Verifier) finish() *ChainError {
	end := v.last
	if v.nw < len(v.wit) {
		w := v.wit[v.nw]
		return &ChainError{Seq: w.Seq, Kind: KindWitness,
			Want: fmt.Sprintf("entry %d with hash %s (witnessed %s)", w.Seq, w.Hash, w.Time.Format(time.RFC3339)), Got: fmt.Sprintf("last seq %d", end)}
	}
	if v.next < len(v.cps) {
		cp := v.cps[v.next]
		return &ChainError{Seq: end + 1, Kind: KindTruncated,
			Want: fmt.Sprintf("entries up to checkpoint seq %d", cp.Seq), Got: fmt.Sprintf("last seq %d", end)}
	}
	h := v.head
	if h == nil {
		// Open writes the head file before the first entry, so even an
		// empty store has one: without it, a store emptied by an intruder
		// who also removed the head file would pass as intact.
		return &ChainError{Seq: max(end, 1), Kind: KindSignature, Want: "signed head file", Got: "none"}
	}
	if !v.headOK {
		return &ChainError{Seq: max(end, 1), Kind: KindSignature, Want: "valid head signature", Got: "invalid"}
	}
	if v.older != nil && !v.older.Valid(v.pub) {
		return &ChainError{Seq: max(end, 1), Kind: KindSignature, Want: "valid signature on the previous head record", Got: "invalid"}
	}
	switch {
	case end == h.Committed.Seq || end == h.Pending.Seq:
		return nil
	case end < h.Pending.Seq:
		return &ChainError{Seq: end + 1, Kind: KindTruncated,
			Want: fmt.Sprintf("last seq %d (signed head)", h.Committed.Seq), Got: fmt.Sprintf("last seq %d", end)}
	default:
		signed := max(h.Committed.Seq, h.Pending.Seq)
		return &ChainError{Seq: signed + 1, Kind: KindUnsigned,
			Want: fmt.Sprintf("last seq %d (signed head)", signed), Got: fmt.Sprintf("last seq %d", end)}
	}
}
