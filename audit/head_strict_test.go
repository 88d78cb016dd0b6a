package audit

import (
	"context"
	"errors"
	"os"
	"testing"
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
		{"newest signature corrupted, last batch cut", func(b []byte, n, o int) []byte { b[n+headBodySize+3] ^= 0xff; return b }, true},
		{"newest unreadable, last batch cut", func(b []byte, n, o int) []byte { b[n] = 'X'; return b }, true},
		{"newest zeroed, last batch cut", func(b []byte, n, o int) []byte { clear(b[n : n+headSlotSize]); return b }, true},
		{"newest signature corrupted", func(b []byte, n, o int) []byte { b[n+headBodySize+3] ^= 0xff; return b }, false},
		{"older signature corrupted", func(b []byte, n, o int) []byte { b[o+headBodySize+3] ^= 0xff; return b }, false},
		{"slots swapped", func(b []byte, n, o int) []byte {
			s := append([]byte(nil), b[:headSlotSize]...)
			copy(b, b[headSlotSize:])
			copy(b[headSlotSize:], s)
			return b
		}, false},
		{"older slot replaced by the newest", func(b []byte, n, o int) []byte { copy(b[o:o+headSlotSize], b[n:n+headSlotSize]); return b }, false},
		{"cut to one slot", func(b []byte, n, o int) []byte { return b[:headSlotSize] }, false},
		{"bytes appended", func(b []byte, n, o int) []byte { return append(b, make([]byte, headSlotSize)...) }, false},
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
			newest := int(l.head.cur.Counter%2) * headSlotSize
			l.Close()
			b, err := os.ReadFile(f.key + ".head")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(f.key+".head", c.damage(b, newest, headSlotSize-newest), 0o600); err != nil {
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

func TestParseHead(t *testing.T) {
	slot := func(counter uint64) []byte {
		h := SignedHead{Counter: counter, Committed: Head{Seq: int64(counter)}, Pending: Head{Seq: int64(counter)}, Time: t0}
		s := make([]byte, headSlotSize)
		copy(s, h.body())
		return s
	}
	file := func(a, b []byte) []byte { return append(append([]byte(nil), a...), b...) }
	zero := make([]byte, headSlotSize)
	cases := []struct {
		name   string
		b      []byte
		newest uint64 // 0: no record
		ok     bool
	}{
		{"empty file", nil, 0, true},
		{"first record only (slot 1)", file(zero, slot(1)), 1, true},
		{"two records", file(slot(6), slot(7)), 7, true},
		{"two records, newest in slot 0", file(slot(8), slot(7)), 8, true},
		{"all zero", file(zero, zero), 0, true},
		{"record alone that is not the first", file(zero, slot(7)), 0, false},
		{"record in the wrong slot", file(slot(7), slot(8)), 0, false},
		{"counters not consecutive", file(slot(4), slot(7)), 0, false},
		{"garbage slot", file([]byte("ZCAH"+string(make([]byte, headSlotSize-4))), slot(1)), 0, false},
		{"short file", slot(1)[:100], 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, _, err := ParseHead(c.b)
			switch {
			case c.ok && err != nil:
				t.Fatalf("ParseHead(%s) = %v", c.name, err)
			case !c.ok && err == nil:
				t.Fatalf("ParseHead(%s) = %+v, want an error", c.name, n)
			case c.ok && c.newest == 0 && n != nil, c.ok && c.newest != 0 && (n == nil || n.Counter != c.newest):
				t.Fatalf("ParseHead(%s) newest = %+v, want counter %d", c.name, n, c.newest)
			}
		})
	}
}
