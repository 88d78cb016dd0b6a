package roomdb_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/roomdb"
	"github.com/politiezone/zoneconsole/roomdb/pgtest"
)

// states records a Spool's OnState calls.
type states struct {
	mu  sync.Mutex
	got []bool
}

func (s *states) on(online bool) { s.mu.Lock(); s.got = append(s.got, online); s.mu.Unlock() }

func (s *states) list() []bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]bool(nil), s.got...)
}

func openSpool(t *testing.T, r *roomdb.Room, path string, st *states) *roomdb.Spool {
	t.Helper()
	cfg := roomdb.SpoolConfig{Path: path, Retry: 100 * time.Millisecond}
	if st != nil {
		cfg.OnState = st.on
	}
	s, err := roomdb.OpenSpool(r.Audit(), cfg)
	if err != nil {
		t.Fatalf("OpenSpool: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// appendAll appends entries from..to-1 through s and checks each was
// queued (or not) as want says.
func appendAll(t *testing.T, s *roomdb.Spool, from, to int, queued bool) {
	t.Helper()
	for i := from; i < to; i++ {
		rc, err := s.Append(context.Background(), entry("pos-1", "anna", i))
		if err != nil {
			t.Fatalf("Append %d: %v", i, err)
		}
		if rc.Queued != queued || (!queued && rc.Seq == 0) || (queued && rc.SpoolID == 0) {
			t.Fatalf("Append %d: receipt %+v, want queued=%v", i, rc, queued)
		}
	}
}

// waitDrained waits until s is empty and online.
func waitDrained(t *testing.T, s *roomdb.Spool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !s.Online() {
		if time.Now().After(deadline) {
			t.Fatalf("spool not drained after a minute: %d pending", s.Pending())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkChain verifies the room's chain and that its details are
// view=0..n-1 in seq order: every entry once, in the order appended.
func checkChain(t *testing.T, srv *pgtest.Server, r *roomdb.Room, n int) {
	t.Helper()
	ctx := context.Background()
	rep, err := r.Audit().Verify(ctx)
	if err != nil || rep.Entries != int64(n) {
		t.Fatalf("Verify: %d entries, %v; want %d, nil", rep.Entries, err, n)
	}
	conn, err := pgx.Connect(ctx, srv.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, _ := conn.Query(ctx, "SELECT detail FROM room.audit ORDER BY seq")
	details, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range details {
		if want := fmt.Sprintf("view=%d", i); d != want {
			t.Fatalf("chain entry %d is %q, want %q (all: %v)", i+1, d, want, details)
		}
	}
}

// TestSpoolServerStoppedAndRestarted: the server stops in the middle of a
// shift; the entries appended meanwhile are queued on disk, the console
// is told it is offline, and after the restart they are in the chain in
// order, before the entries appended after it, and Verify passes.
func TestSpoolServerStoppedAndRestarted(t *testing.T) {
	srv, open := newRoom(t)
	r := open("pos-1")
	st := &states{}
	dir := filepath.Join(t.TempDir(), "spool")
	path := filepath.Join(dir, "room-spool.db")
	s := openSpool(t, r, path, st)
	if !s.Online() {
		t.Fatal("a new, empty spool is not online")
	}
	appendAll(t, s, 0, 5, false)

	srv.Stop(t)
	appendAll(t, s, 5, 25, true)
	if s.Online() || s.Pending() != 20 {
		t.Fatalf("with the server stopped: online %v, %d pending; want false, 20", s.Online(), s.Pending())
	}
	for _, p := range []struct {
		path string
		mode os.FileMode
	}{{dir, 0o700}, {path, 0o600}} {
		if fi, err := os.Stat(p.path); err != nil || fi.Mode().Perm() != p.mode {
			t.Errorf("%s: %v, %v; want mode %v", p.path, fi.Mode().Perm(), err, p.mode)
		}
	}
	time.Sleep(300 * time.Millisecond) // a few failed drains while down

	// The console's stores take the spool as their audit log.
	var log interface {
		Append(context.Context, audit.Entry) (audit.Receipt, error)
	} = s.Log()
	if rc, err := log.Append(context.Background(), entry("pos-1", "anna", 25)); err != nil || rc.Seq != 0 || rc.Time.IsZero() {
		t.Fatalf("Log().Append while down: %+v, %v; want a queued receipt (seq 0, a time)", rc, err)
	}

	srv.Restart(t)
	waitDrained(t, s)
	appendAll(t, s, 26, 30, false)
	checkChain(t, srv, r, 30)
	if got := st.list(); len(got) != 2 || got[0] || !got[1] {
		t.Errorf("OnState calls %v, want [false true]", got)
	}
}

// TestSpoolCrashLosesNothing: the console stops (twice) with entries
// queued and the server still down; the spool reopened holds them all,
// and they drain in order once the server is back.
func TestSpoolCrashLosesNothing(t *testing.T) {
	srv, open := newRoom(t)
	r := open("pos-1")
	path := filepath.Join(t.TempDir(), "room-spool.db")
	srv.Stop(t)
	s := openSpool(t, r, path, nil)
	appendAll(t, s, 0, 10, true)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(context.Background(), entry("pos-1", "anna", 99)); err == nil {
		t.Fatal("Append after Close succeeded")
	}
	s = openSpool(t, r, path, nil)
	if s.Pending() != 10 || s.Online() {
		t.Fatalf("reopened spool: %d pending, online %v; want 10, false", s.Pending(), s.Online())
	}
	appendAll(t, s, 10, 15, true) // behind the old ones, though nothing was drained
	s.Close()

	srv.Restart(t)
	s = openSpool(t, r, path, nil)
	waitDrained(t, s)
	checkChain(t, srv, r, 15)
}

// TestSpoolDrainSkipsCommitted: entries committed whose answer was lost
// (here: appended by hand before the drain) are not appended twice.
func TestSpoolDrainSkipsCommitted(t *testing.T) {
	srv, open := newRoom(t)
	r := open("pos-1")
	path := filepath.Join(t.TempDir(), "room-spool.db")
	srv.Stop(t)
	s := openSpool(t, r, path, nil)
	t0 := time.Date(2026, 12, 2, 9, 0, 0, 123456789, time.UTC)
	var es []audit.Entry
	for i := range 8 {
		e := entry("pos-1", "anna", i)
		e.Time = t0.Add(time.Duration(i) * time.Second)
		es = append(es, e)
		if rc, err := s.Append(context.Background(), e); err != nil || !rc.Queued {
			t.Fatalf("Append %d: %+v, %v", i, rc, err)
		}
	}
	s.Close()
	srv.Restart(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// The pool may still hold connections to the stopped server: an
	// unavailable error first is expected.
	for {
		_, err := r.Audit().AppendBatch(ctx, es[:3])
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("AppendBatch after restart: %v", err)
		}
	}
	s = openSpool(t, r, path, nil)
	waitDrained(t, s)
	checkChain(t, srv, r, 8)
}
