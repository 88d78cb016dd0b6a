package audit

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// t0 is the fixed start of test chains, so hashes are reproducible.
var t0 = time.Date(2026, 11, 2, 7, 0, 0, 123456789, time.UTC)

// sample is the i-th entry of a deterministic test chain.
func sample(i int) Entry {
	acts := []Action{ActLiveStart, ActLiveStop, ActPlayback, ActANPRSearch, ActExport, ActLogin, ActDispatch}
	a := acts[i%len(acts)]
	e := Entry{
		Time:     t0.Add(time.Duration(i) * 1500 * time.Millisecond),
		User:     fmt.Sprintf("user%d", i%7),
		Role:     []string{"dispatcher", "team_chief", "investigator"}[i%3],
		Console:  fmt.Sprintf("console-%d", i%2+1),
		Action:   a,
		Subject:  fmt.Sprintf("camera:cam%02d", i%16),
		JustKind: []string{"shift", "event", "judicial"}[i%3],
		JustText: "toezicht nachtdienst — é ü",
		JustRef:  fmt.Sprintf("PV %d", 1000+i%50),
		Outcome:  OutcomeAllowed,
		Reason:   "role allows",
		Detail:   fmt.Sprintf("view=%d", i/2),
	}
	if i%3 == 2 {
		e.AuthRef = "OR-2026-17"
	}
	if i%11 == 10 {
		e.Outcome, e.Reason = OutcomeDenied, "no supervising inspector present"
	}
	return e
}

type fixture struct {
	dir, db, key string
}

func newFixture(t testing.TB) fixture {
	dir := t.TempDir()
	return fixture{dir: dir, db: filepath.Join(dir, "audit.db"), key: filepath.Join(dir, "keys", "audit.ed25519")}
}

func (f fixture) open(t testing.TB, opt Options) *Log {
	t.Helper()
	opt.KeyPath = f.key
	l, err := Open(f.db, opt)
	if err != nil {
		t.Fatalf("Open(%s) = %v", f.db, err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// build writes n sample entries in batches and closes the log.
func (f fixture) build(t testing.TB, n int, opt Options) {
	t.Helper()
	l := f.open(t, opt)
	ctx := context.Background()
	for i := 0; i < n; {
		k := min(5000, n-i)
		es := make([]Entry, k)
		for j := range es {
			es[j] = sample(i + j)
		}
		if _, err := l.AppendBatch(ctx, es); err != nil {
			t.Fatalf("AppendBatch at %d: %v", i, err)
		}
		i += k
	}
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// rawDB opens the store as an intruder would: plain SQL, triggers dropped.
func (f fixture) rawDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", f.db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, trg := range []string{"entries_no_update", "entries_no_delete", "checkpoints_no_update", "checkpoints_no_delete"} {
		if _, err := db.Exec(`DROP TRIGGER IF EXISTS ` + trg); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func (f fixture) verify(t testing.TB) (Report, error) {
	t.Helper()
	return VerifyPath(context.Background(), f.db, f.key)
}
