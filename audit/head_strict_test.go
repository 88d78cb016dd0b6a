package audit

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/politiezone/zoneconsole/audit/chain"
)

// Before this change the head file's newest record could be corrupted so
// that the older one counted: its pending head allows the store to end one
// batch earlier, so the last batch could be cut unseen. Now the newest
// record is authoritative and any unreadable or unsigned record fails.
func TestHeadFileNewestRecordIsAuthoritative(t *testing.T) {
	cases := []struct {
		name   string
		damage func(b []byte, newest, older int) []byte
		cut    bool // also cut the last batch (entries 7 and 8)
	}{
		{"newest signature corrupted, last batch cut", func(b []byte, n, o int) []byte { b[n+chain.HeadBodySize+3] ^= 0xff; return b }, true},
		{"newest unreadable, last batch cut", func(b []byte, n, o int) []byte { b[n] = 'X'; return b }, true},
		{"newest zeroed, last batch cut", func(b []byte, n, o int) []byte { clear(b[n : n+chain.HeadSlotSize]); return b }, true},
		{"newest signature corrupted", func(b []byte, n, o int) []byte { b[n+chain.HeadBodySize+3] ^= 0xff; return b }, false},
		{"older signature corrupted", func(b []byte, n, o int) []byte { b[o+chain.HeadBodySize+3] ^= 0xff; return b }, false},
		{"slots swapped", func(b []byte, n, o int) []byte {
			s := append([]byte(nil), b[:chain.HeadSlotSize]...)
			copy(b, b[chain.HeadSlotSize:])
			copy(b[chain.HeadSlotSize:], s)
			return b
		}, false},
		{"older slot replaced by the newest", func(b []byte, n, o int) []byte { copy(b[o:o+chain.HeadSlotSize], b[n:n+chain.HeadSlotSize]); return b }, false},
		{"cut to one slot", func(b []byte, n, o int) []byte { return b[:chain.HeadSlotSize] }, false},
		{"bytes appended", func(b []byte, n, o int) []byte { return append(b, make([]byte, chain.HeadSlotSize)...) }, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			l := f.open(t, Options{})
			for i := range 4 {
				if _, err := l.AppendBatch(context.Background(), []Entry{sample(2 * i), sample(2*i + 1)}); err != nil {
					t.Fatal(err)
				}
			}
			newest := int(l.head.Current().Counter%2) * chain.HeadSlotSize
			l.Close()
			b, err := os.ReadFile(f.key + ".head")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(f.key+".head", c.damage(b, newest, chain.HeadSlotSize-newest), 0o600); err != nil {
				t.Fatal(err)
			}
			if c.cut {
				sqlExec(t, f.rawDB(t), `DELETE FROM entries WHERE seq > 6`, `DELETE FROM checkpoints WHERE seq > 6`)
			}
			_, err = f.verify(t)
			var ce *ChainError
			if !errors.As(err, &ce) || ce.Kind != KindSignature {
				t.Fatalf("Verify(head file: %s) = %v, want %s", c.name, err, KindSignature)
			}
			t.Logf("%v", ce)
			if l, err := Open(f.db, Options{KeyPath: f.key}); err == nil {
				l.Close()
				t.Fatalf("Open(head file: %s) = nil error", c.name)
			}
		})
	}
}
