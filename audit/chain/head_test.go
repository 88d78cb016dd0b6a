package chain

import "testing"

func TestParseHead(t *testing.T) {
	slot := func(counter uint64) []byte {
		h := SignedHead{Counter: counter, Committed: Head{Seq: int64(counter)}, Pending: Head{Seq: int64(counter)}, Time: t0}
		return h.Slot()
	}
	file := func(a, b []byte) []byte { return append(append([]byte(nil), a...), b...) }
	zero := make([]byte, HeadSlotSize)
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
		{"garbage slot", file([]byte("ZCAH"+string(make([]byte, HeadSlotSize-4))), slot(1)), 0, false},
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
