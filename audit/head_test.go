package audit

import (
	"context"
	"testing"
)

// Open settles a head left pending by a crash between the head write and
// the commit, and the log goes on from the store's real end.
func TestOpenSettlesPendingHead(t *testing.T) {
	f := newFixture(t)
	f.build(t, 20, Options{})
	l := f.open(t, Options{})
	// As if the writer died after syncing the pending head of a group
	// whose commit never happened.
	if err := l.head.Write(Head{Seq: l.seq, Hash: l.hash}, Head{Seq: l.seq + 5, Hash: Digest{9}}, t0, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.verify(t); err != nil {
		t.Fatalf("Verify with a pending head = %v", err)
	}
	// Close would settle it; simulate the crash by closing only the files.
	l.closeOnce.Do(func() { close(l.quit); <-l.done; l.closeAll() })
	l2 := f.open(t, Options{})
	if l2.head.Current().Pending != l2.head.Current().Committed || l2.head.Current().Committed.Seq != 20 {
		t.Fatalf("head after reopen = %+v, want settled at 20", l2.head.Current())
	}
	if rc, err := l2.Append(context.Background(), sample(20)); err != nil || rc.Seq != 21 {
		t.Fatalf("Append = %+v, %v", rc, err)
	}
	if _, err := l2.Verify(context.Background()); err != nil {
		t.Fatalf("Verify = %v", err)
	}
}
