package chain

import (
	"crypto/ed25519"
	"encoding/binary"
	"fmt"
	"time"
)

// Head names one entry of the chain by its seq and hash.
type Head struct {
	Seq  int64
	Hash Digest
}

// SignedHead is the record kept in the head file next to the key. Pending
// is written and synced before a commit, Committed after it, so that after a
// crash the store ends either at Committed or at Pending, and anywhere else
// means entries were cut off or appended by someone without the key.
type SignedHead struct {
	Counter   uint64
	Committed Head
	Pending   Head
	Time      time.Time
	Sig       []byte
}

// HeadSlotSize is the size of one record slot of a head file; the file is
// two slots, and a record is rewritten whole in its slot (Counter%2).
const HeadSlotSize = 256

// HeadBodySize is the size of a head record's signed body, at the start of
// its slot; the signature follows it.
const HeadBodySize = 4 + 1 + 8 + 8 + HashSize + 8 + HashSize + 8

const headMagic = "ZCAH"

func (h *SignedHead) body() []byte {
	b := make([]byte, 0, HeadBodySize)
	b = append(b, headMagic...)
	b = append(b, 1)
	b = binary.BigEndian.AppendUint64(b, h.Counter)
	b = binary.BigEndian.AppendUint64(b, uint64(h.Committed.Seq))
	b = append(b, h.Committed.Hash[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(h.Pending.Seq))
	b = append(b, h.Pending.Hash[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(TimeNanos(h.Time)))
	return b
}

func headMessage(body []byte) []byte {
	m := make([]byte, 0, 1+len(headContext)+len(body))
	m = append(m, headPrefix)
	m = append(m, headContext...)
	return append(m, body...)
}

// Valid reports whether the head's signature verifies under pub.
func (h *SignedHead) Valid(pub ed25519.PublicKey) bool {
	return len(h.Sig) == ed25519.SignatureSize && ed25519.Verify(pub, headMessage(h.body()), h.Sig)
}

// SignHead returns h signed with priv.
func SignHead(priv ed25519.PrivateKey, h SignedHead) SignedHead {
	h.Sig = ed25519.Sign(priv, headMessage(h.body()))
	return h
}

// Slot encodes h as one HeadSlotSize slot of a head file: the record's
// body, then its signature (zero bytes when h is unsigned), then padding.
func (h *SignedHead) Slot() []byte {
	slot := make([]byte, HeadSlotSize)
	copy(slot, h.body())
	copy(slot[HeadBodySize:], h.Sig)
	return slot
}

func parseHeadSlot(b []byte) (SignedHead, bool) {
	if len(b) < HeadBodySize+ed25519.SignatureSize || string(b[:4]) != headMagic || b[4] != 1 {
		return SignedHead{}, false
	}
	var h SignedHead
	p := b[5:]
	h.Counter = binary.BigEndian.Uint64(p)
	h.Committed.Seq = int64(binary.BigEndian.Uint64(p[8:]))
	copy(h.Committed.Hash[:], p[16:])
	h.Pending.Seq = int64(binary.BigEndian.Uint64(p[48:]))
	copy(h.Pending.Hash[:], p[56:])
	h.Time = NanosTime(int64(binary.BigEndian.Uint64(p[88:])))
	h.Sig = append([]byte(nil), b[HeadBodySize:HeadBodySize+ed25519.SignatureSize]...)
	return h, true
}

// ParseHeadFile returns the head records found in the bytes of a head file,
// skipping slots that do not parse. It is lenient; verification uses
// ParseHead, which is not.
func ParseHeadFile(b []byte) []SignedHead {
	var out []SignedHead
	for off := 0; off+HeadSlotSize <= len(b); off += HeadSlotSize {
		if h, ok := parseHeadSlot(b[off : off+HeadSlotSize]); ok {
			out = append(out, h)
		}
	}
	return out
}

// SelectHead returns the newest head (highest counter) and whether its
// signature verifies under pub. The newest record is authoritative: an
// older one never stands in for a newest one that fails, or cutting the
// last batch would only take corrupting the newest record.
func SelectHead(pub ed25519.PublicKey, hs []SignedHead) (SignedHead, bool) {
	var newest SignedHead
	for i, h := range hs {
		if i == 0 || h.Counter > newest.Counter {
			newest = h
		}
	}
	return newest, len(hs) > 0 && newest.Valid(pub)
}

// ParseHead reads the bytes of a head file strictly and returns its newest
// record and the one before it (nil when the file holds none). Any slot
// that is written but does not parse, a record in the wrong slot, or two
// records whose counters are not consecutive is an error: a slot is
// rewritten whole by one 256-byte pwrite within one disk sector, so only
// tampering (or a failing disk) leaves one unreadable, and falling back to
// the other record would let the last batch be cut unseen. An all-zero
// slot is one never written: allowed only beside the first record.
func ParseHead(b []byte) (newest, older *SignedHead, err error) {
	if len(b) == 0 {
		return nil, nil, nil
	}
	if len(b) != 2*HeadSlotSize {
		return nil, nil, fmt.Errorf("head file of %d bytes, want %d", len(b), 2*HeadSlotSize)
	}
	var slots [2]*SignedHead
	for i := range slots {
		s := b[i*HeadSlotSize : (i+1)*HeadSlotSize]
		if allZero(s) {
			continue
		}
		h, ok := parseHeadSlot(s)
		if !ok {
			return nil, nil, fmt.Errorf("head record in slot %d is unreadable", i)
		}
		if h.Counter%2 != uint64(i) {
			return nil, nil, fmt.Errorf("head record %d found in slot %d", h.Counter, i)
		}
		slots[i] = &h
	}
	switch {
	case slots[0] == nil && slots[1] == nil:
		return nil, nil, nil
	case slots[0] == nil || slots[1] == nil:
		h := slots[0]
		if h == nil {
			h = slots[1]
		}
		if h.Counter != 1 {
			return nil, nil, fmt.Errorf("head record %d alone: the record before it is missing", h.Counter)
		}
		return h, nil, nil
	}
	newest, older = slots[0], slots[1]
	if older.Counter > newest.Counter {
		newest, older = older, newest
	}
	if newest.Counter != older.Counter+1 {
		return nil, nil, fmt.Errorf("head records %d and %d are not consecutive", older.Counter, newest.Counter)
	}
	return newest, older, nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
