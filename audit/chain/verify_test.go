package chain

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"testing"
	"time"
)

// t0 is the fixed start of test chains, so hashes are reproducible.
var t0 = time.Date(2026, 11, 2, 7, 0, 0, 123456789, time.UTC)

// sampleChain is a well-linked chain of n entries with every field set.
func sampleChain(t *testing.T, n int) []Entry {
	t.Helper()
	var prev Digest
	es := make([]Entry, n)
	for i := range es {
		e := Entry{
			Seq: int64(i + 1), Time: t0.Add(time.Duration(i) * 1500 * time.Millisecond),
			User: fmt.Sprintf("user%d", i%7), Role: "dispatcher", Console: "console-1",
			Action: "live.start", Subject: fmt.Sprintf("camera:cam%02d", i%16),
			JustKind: "shift", JustText: "toezicht nachtdienst — é ü", JustRef: fmt.Sprintf("PV %d", 1000+i),
			AuthRef: "OR-2026-17", Outcome: "allowed", Reason: "role allows", Detail: fmt.Sprintf("view=%d", i/2),
			PrevHash: prev,
		}
		e.Hash = EntryHash(prev, &e)
		prev, es[i] = e.Hash, e
	}
	return es
}

// The pure verifier, without SQLite: every field of every entry matters.
func TestVerifierFieldProbes(t *testing.T) {
	es := sampleChain(t, 8)
	mut := map[string]func(e *Entry){
		"seq":      func(e *Entry) { e.Seq += 100 },
		"time":     func(e *Entry) { e.Time = e.Time.Add(1) },
		"user":     func(e *Entry) { e.User += "x" },
		"role":     func(e *Entry) { e.Role += "x" },
		"console":  func(e *Entry) { e.Console += "x" },
		"action":   func(e *Entry) { e.Action += "x" },
		"subject":  func(e *Entry) { e.Subject += "x" },
		"justkind": func(e *Entry) { e.JustKind += "x" },
		"justtext": func(e *Entry) { e.JustText += "x" },
		"justref":  func(e *Entry) { e.JustRef += "x" },
		"authref":  func(e *Entry) { e.AuthRef += "x" },
		"outcome":  func(e *Entry) { e.Outcome += "x" },
		"reason":   func(e *Entry) { e.Reason += "x" },
		"detail":   func(e *Entry) { e.Detail += "x" },
		"boundary": func(e *Entry) { e.User, e.Role = e.User+e.Role[:1], e.Role[1:] },
		"prev":     func(e *Entry) { e.PrevHash[0] ^= 1 },
		"hash":     func(e *Entry) { e.Hash[31] ^= 0x80 },
	}
	for name, m := range mut {
		t.Run(name, func(t *testing.T) {
			bad := append([]Entry(nil), es...)
			m(&bad[4])
			v := NewVerifier(nil, nil, nil)
			var ce *ChainError
			for i := range bad {
				if ce = v.Next(&bad[i]); ce != nil {
					break
				}
			}
			if ce == nil {
				_, ce = v.Finish()
			}
			if ce == nil || ce.Seq != 5 {
				t.Fatalf("after changing %s of entry 5: %v, want a break at seq 5", name, ce)
			}
		})
	}
}

// TestHeadWindows walks the states a crash can leave the head file in
// (pending written, commit lost; commit done, head not settled) and the
// states that only tampering can produce.
func TestHeadWindows(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	es := sampleChain(t, 12)
	at := func(seq int64) Head {
		if seq >= 1 && seq <= int64(len(es)) {
			return Head{Seq: seq, Hash: es[seq-1].Hash}
		}
		return Head{Seq: seq, Hash: Digest{byte(seq)}}
	}
	sign := func(c, p Head) *SignedHead {
		h := &SignedHead{Counter: 1, Committed: c, Pending: p, Time: t0}
		*h = SignHead(priv, *h)
		return h
	}
	forged := sign(at(10), at(10))
	forged.Committed.Seq = 9
	cases := []struct {
		name string
		end  int64
		head *SignedHead
		seq  int64
		kind ChainErrorKind
	}{
		{"settled", 10, sign(at(10), at(10)), 0, ""},
		{"pending written, commit lost", 10, sign(at(10), at(12)), 0, ""},
		{"committed, head not settled", 12, sign(at(10), at(12)), 0, ""},
		{"empty store, empty head", 0, sign(at(0), at(0)), 0, ""},
		{"tail cut", 10, sign(at(12), at(12)), 11, KindTruncated},
		{"tail cut below the committed head", 8, sign(at(10), at(12)), 9, KindTruncated},
		{"appended without the key", 12, sign(at(10), at(10)), 11, KindUnsigned},
		{"head names another hash", 10, sign(Head{Seq: 10, Hash: Digest{1}}, Head{Seq: 10, Hash: Digest{1}}), 10, KindCheckpoint},
		{"forged head", 10, forged, 10, KindSignature},
		{"no head", 10, nil, 10, KindSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := NewVerifier(pub, nil, c.head)
			var ce *ChainError
			for i := int64(0); i < c.end && ce == nil; i++ {
				ce = v.Next(&es[i])
			}
			if ce == nil {
				_, ce = v.Finish()
			}
			switch {
			case c.kind == "" && ce != nil:
				t.Fatalf("store ending at %d, head %+v: %v, want intact", c.end, c.head, ce)
			case c.kind != "" && (ce == nil || ce.Seq != c.seq || ce.Kind != c.kind):
				t.Fatalf("store ending at %d: %v, want seq %d %s", c.end, ce, c.seq, c.kind)
			}
		})
	}
}
