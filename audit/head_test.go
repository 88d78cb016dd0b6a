package audit

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"testing"
)

// TestHeadWindows walks the states a crash can leave the head file in
// (pending written, commit lost; commit done, head not settled) and the
// states that only tampering can produce.
func TestHeadWindows(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	es := chain(t, 12)
	at := func(seq int64) Head {
		if seq >= 1 && seq <= int64(len(es)) {
			return Head{Seq: seq, Hash: es[seq-1].Hash}
		}
		return Head{Seq: seq, Hash: Digest{byte(seq)}}
	}
	sign := func(c, p Head) *SignedHead {
		h := &SignedHead{Counter: 1, Committed: c, Pending: p, Time: t0}
		h.Sig = ed25519.Sign(priv, headMessage(h.body()))
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

// Open settles a head left pending by a crash between the head write and
// the commit, and the log goes on from the store's real end.
func TestOpenSettlesPendingHead(t *testing.T) {
	f := newFixture(t)
	f.build(t, 20, Options{})
	l := f.open(t, Options{})
	// As if the writer died after syncing the pending head of a group
	// whose commit never happened.
	if err := l.head.write(Head{Seq: l.seq, Hash: l.hash}, Head{Seq: l.seq + 5, Hash: Digest{9}}, t0, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.verify(t); err != nil {
		t.Fatalf("Verify with a pending head = %v", err)
	}
	// Close would settle it; simulate the crash by closing only the files.
	l.closeOnce.Do(func() { close(l.quit); <-l.done; l.closeAll() })
	l2 := f.open(t, Options{})
	if l2.head.cur.Pending != l2.head.cur.Committed || l2.head.cur.Committed.Seq != 20 {
		t.Fatalf("head after reopen = %+v, want settled at 20", l2.head.cur)
	}
	if rc, err := l2.Append(context.Background(), sample(20)); err != nil || rc.Seq != 21 {
		t.Fatalf("Append = %+v, %v", rc, err)
	}
	if _, err := l2.Verify(context.Background()); err != nil {
		t.Fatalf("Verify = %v", err)
	}
}
