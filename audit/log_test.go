package audit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/audit/keys"
)

func TestAppendQueryVerify(t *testing.T) {
	f := newFixture(t)
	l := f.open(t, Options{CheckpointEvery: 10})
	ctx := context.Background()
	var want []Receipt
	for i := range 25 {
		rc, err := l.Append(ctx, sample(i))
		if err != nil {
			t.Fatalf("Append(%d) = %v", i, err)
		}
		if rc.Seq != int64(i+1) {
			t.Fatalf("Append(%d) seq = %d, want %d", i, rc.Seq, i+1)
		}
		want = append(want, rc)
	}
	got, err := l.Query(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 25 {
		t.Fatalf("Query(all) = %d entries, want 25", len(got))
	}
	for i, e := range got {
		s := sample(i)
		if e.Seq != want[i].Seq || e.Hash != want[i].Hash || !e.Time.Equal(s.Time) || e.JustText != s.JustText || e.AuthRef != s.AuthRef {
			t.Errorf("entry %d = %+v, want fields of %+v", i, e, s)
		}
		if e.Time.Location() != time.UTC {
			t.Errorf("entry %d time not UTC: %v", i, e.Time)
		}
	}
	rep, err := l.Verify(ctx)
	if err != nil {
		t.Fatalf("Verify = %v", err)
	}
	if rep.Entries != 25 || rep.HeadSeq != 25 || rep.Checkpoints != 2 || rep.SignedHeadSeq != 25 {
		t.Errorf("Verify report = %+v", rep)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("second Close = %v", err)
	}
	if _, err := l.Append(ctx, sample(0)); !errors.Is(err, ErrClosed) {
		t.Errorf("Append after Close = %v, want ErrClosed", err)
	}
	// Close wrote the final checkpoint at 25; reopening continues the chain.
	rep, err = f.verify(t)
	if err != nil || rep.Checkpoints != 3 || rep.LastCheckpoint != 25 {
		t.Fatalf("VerifyPath after close = %+v, %v", rep, err)
	}
	l2 := f.open(t, Options{CheckpointEvery: 10})
	rc, err := l2.Append(ctx, sample(25))
	if err != nil || rc.Seq != 26 {
		t.Fatalf("Append after reopen = %+v, %v", rc, err)
	}
	if _, err := l2.Verify(ctx); err != nil {
		t.Fatalf("Verify after reopen = %v", err)
	}
}

func TestKeyFiles(t *testing.T) {
	f := newFixture(t)
	f.open(t, Options{})
	for _, c := range []struct {
		path string
		mode os.FileMode
	}{{f.key, 0o600}, {f.key + ".pub", 0o600}, {filepath.Dir(f.key), 0o700 | os.ModeDir}, {f.key + ".head", 0o600}} {
		fi, err := os.Stat(c.path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != c.mode {
			t.Errorf("%s mode = %v, want %v", c.path, fi.Mode(), c.mode)
		}
	}
	if _, err := keys.LoadPublic(f.key); err != nil {
		t.Errorf("public key: %v", err)
	}
}

func TestConcurrentAppendsAreOrdered(t *testing.T) {
	f := newFixture(t)
	l := f.open(t, Options{CheckpointEvery: 50})
	ctx := context.Background()
	const workers, each = 16, 40
	var wg sync.WaitGroup
	seqs := make(chan int64, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				rc, err := l.Append(ctx, sample(w*each+i))
				if err != nil {
					t.Errorf("Append: %v", err)
					return
				}
				seqs <- rc.Seq
			}
		}()
	}
	wg.Wait()
	close(seqs)
	seen := map[int64]bool{}
	for s := range seqs {
		if seen[s] {
			t.Fatalf("seq %d returned twice", s)
		}
		seen[s] = true
	}
	if len(seen) != workers*each {
		t.Fatalf("%d receipts, want %d", len(seen), workers*each)
	}
	if _, err := l.Verify(ctx); err != nil {
		t.Fatalf("Verify = %v", err)
	}
}

func TestOpenUnreadablePath(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "plain")
	if err := os.WriteFile(file, []byte(strings.Repeat("not a database\n", 400)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Join(file, "audit.db"), dir} {
		_, err := Open(path, Options{KeyPath: filepath.Join(dir, "k", "key")})
		if err == nil {
			t.Errorf("Open(%s) = nil error", path)
			continue
		}
		t.Logf("Open(%s) = %v", path, err)
	}
	// A file that is not SQLite.
	_, err := Open(file, Options{KeyPath: filepath.Join(dir, "k", "key")})
	if err == nil {
		t.Errorf("Open(non-sqlite file) = nil error")
	} else {
		t.Logf("Open(non-sqlite) = %v", err)
	}
	if _, err := VerifyPath(context.Background(), filepath.Join(dir, "missing.db"), ""); err == nil {
		t.Errorf("VerifyPath(missing) = nil error")
	}
}

// A store that cannot take the write makes Append fail, and the log goes on
// working once the store can write again.
func TestAppendFailsClosed(t *testing.T) {
	for _, c := range []struct{ name, on, off string }{
		{"read-only", "PRAGMA query_only=1", "PRAGMA query_only=0"},
		{"full", "PRAGMA max_page_count=1", "PRAGMA max_page_count=1073741823"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			l := f.open(t, Options{})
			ctx := context.Background()
			if _, err := l.Append(ctx, sample(0)); err != nil {
				t.Fatal(err)
			}
			// The writer has one connection, so this reaches it.
			if _, err := l.wdb.Exec(c.on); err != nil {
				t.Fatal(err)
			}
			big := sample(1)
			big.Detail = string(make([]byte, 64<<10))
			_, err := l.Append(ctx, big)
			if err == nil {
				t.Fatalf("Append on a %s store = nil error", c.name)
			}
			t.Logf("Append on %s store: %v", c.name, err)
			if _, err := l.wdb.Exec(c.off); err != nil {
				t.Fatal(err)
			}
			rc, err := l.Append(ctx, sample(2))
			if err != nil || rc.Seq != 2 {
				t.Fatalf("Append after recovery = %+v, %v; want seq 2", rc, err)
			}
			if _, err := l.Verify(ctx); err != nil {
				t.Fatalf("Verify = %v", err)
			}
		})
	}
}

func TestAppendRejectsInvalid(t *testing.T) {
	l := newFixture(t).open(t, Options{})
	for _, e := range []Entry{{Outcome: OutcomeAllowed}, {Action: ActLogin, Outcome: "maybe"},
		{Action: ActLogin, Outcome: OutcomeDenied, User: "a\x00b"},
		{Action: ActLogin, Outcome: OutcomeAllowed, Time: time.Date(2263, 1, 1, 0, 0, 0, 0, time.UTC)}} {
		if _, err := l.Append(context.Background(), e); !errors.Is(err, ErrInvalid) {
			t.Errorf("Append(%+v) = %v, want ErrInvalid", e, err)
		}
	}
}

// Verify, from the log and from a separate read-only reader, never sees a
// break while other goroutines append: the head file and the read snapshot
// agree whatever moment Verify starts, also when the chain is walked in
// parallel ranges (each on a connection, and so a snapshot, of its own).
func TestVerifyWhileAppending(t *testing.T) {
	f := newFixture(t)
	l := f.open(t, Options{CheckpointEvery: 25})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				if _, err := l.Append(context.Background(), sample(w*100000+i)); err != nil {
					t.Errorf("Append: %v", err)
					return
				}
			}
		}()
	}
	r, err := OpenReader(f.db, Options{KeyPath: f.key})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	deadline := time.Now().Add(1500 * time.Millisecond)
	runs := 0
	for time.Now().Before(deadline) {
		l.r.ranges, r.ranges = runs%4, runs%4 // 0: the default (one range here)
		for _, v := range []interface {
			Verify(context.Context) (Report, error)
		}{l, r} {
			if rep, err := v.Verify(context.Background()); err != nil {
				cancel()
				wg.Wait()
				t.Fatalf("Verify during appends (after %d runs, %d entries) = %v", runs, rep.Entries, err)
			}
			runs++
		}
	}
	cancel()
	wg.Wait()
	rep, err := l.Verify(context.Background())
	if err != nil || rep.Entries < 50 {
		t.Fatalf("final Verify = %+v, %v", rep, err)
	}
	t.Logf("%d verifications during %d appends", runs, rep.Entries)
}
