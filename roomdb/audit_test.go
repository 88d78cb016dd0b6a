package roomdb_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/roomdb"
)

// TestMigrateIdempotent: a second Migrate on a current database changes
// nothing and the version stays the latest.
func TestMigrateIdempotent(t *testing.T) {
	srv, _ := newRoom(t)
	ctx := context.Background()
	if err := roomdb.Migrate(ctx, srv.DSN); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	if n, v := srv.SchemaVersions(t); n != roomdb.SchemaVersion || v != roomdb.SchemaVersion {
		t.Errorf("after two Migrates: %d versions recorded, latest %d; want %d and %d", n, v, roomdb.SchemaVersion, roomdb.SchemaVersion)
	}
}

// TestConcurrentAppendsOneChain: two consoles, two goroutines each, 500
// entries per goroutine, all at once: one chain of 2000 that verifies, no
// gap, and each goroutine's entries in the order it appended them.
func TestConcurrentAppendsOneChain(t *testing.T) {
	_, open := newRoom(t)
	rooms := []*roomdb.Room{open("pos-1"), open("pos-2")}
	const perG, gs = 500, 4
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	seqs := make([][]int64, gs)
	errs := make(chan error, gs)
	var wg sync.WaitGroup
	for g := range gs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rooms[g%2]
			for i := range perG {
				rc, err := r.Audit().Append(ctx, entry(fmt.Sprintf("pos-%d", g%2+1), fmt.Sprintf("user%d", g), i))
				if err != nil {
					errs <- fmt.Errorf("goroutine %d entry %d: %w", g, i, err)
					return
				}
				seqs[g] = append(seqs[g], rc.Seq)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := make(map[int64]bool)
	for g, ss := range seqs {
		for i, s := range ss {
			if i > 0 && s <= ss[i-1] {
				t.Errorf("goroutine %d: entry %d got seq %d after %d: order not kept", g, i, s, ss[i-1])
			}
			if seen[s] {
				t.Errorf("seq %d given twice", s)
			}
			seen[s] = true
		}
	}
	for s := int64(1); s <= perG*gs; s++ {
		if !seen[s] {
			t.Errorf("seq %d given to nobody: a gap", s)
		}
	}
	rep, err := rooms[1].Audit().Verify(ctx)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if rep.Entries != perG*gs || rep.HeadSeq != perG*gs {
		t.Errorf("Verify: %d entries up to seq %d, want %d", rep.Entries, rep.HeadSeq, perG*gs)
	}
}

// TestAuditImmutable: the console role is refused UPDATE, DELETE and
// TRUNCATE by its grants, the owner by the trigger, and an insert that
// does not extend the chain is refused to both.
func TestAuditImmutable(t *testing.T) {
	srv, open := newRoom(t)
	ctx := context.Background()
	r := open("pos-1")
	for i := range 3 {
		if _, err := r.Audit().Append(ctx, entry("pos-1", "anna", i)); err != nil {
			t.Fatal(err)
		}
	}
	for _, who := range []struct {
		name, dsn, code, msg string
	}{
		{"console", srv.As(roomdb.ConsoleRole), "42501", "permission denied"},
		{"owner", srv.DSN, "P0001", "append-only"},
	} {
		conn, err := pgx.Connect(ctx, who.dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if who.name == "owner" {
			// The superuser acts as the owner role, as Migrate does.
			if _, err := conn.Exec(ctx, "SET ROLE "+roomdb.OwnerRole); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range []string{
			"UPDATE room.audit SET reason = 'nothing happened' WHERE seq = 2",
			"DELETE FROM room.audit WHERE seq = 3",
			"TRUNCATE room.audit",
			// A row that skips seq 4, and one that forks the chain at 2.
			"INSERT INTO room.audit SELECT seq + 2, time_ns, user_name, role, console, action, subject, just_kind, just_text, just_ref, auth_ref, outcome, reason, detail, hash, sha256(hash) FROM room.audit WHERE seq = 3",
		} {
			_, err := conn.Exec(ctx, q)
			var pe *pgconn.PgError
			switch {
			case err == nil:
				t.Errorf("%s: %q succeeded", who.name, q)
			case !errors.As(err, &pe):
				t.Errorf("%s: %q: %v, want a server error", who.name, q, err)
			case q[:6] != "INSERT" && pe.Code != who.code:
				t.Errorf("%s: %q: %v (SQLSTATE %s), want SQLSTATE %s (%s)", who.name, q, err, pe.Code, who.code, who.msg)
			default:
				t.Logf("%s: %.30s…: refused: %v", who.name, q, err)
			}
		}
	}
	if rep, err := r.Audit().Verify(ctx); err != nil || rep.Entries != 3 {
		t.Errorf("Verify after the refusals: %d entries, %v; want 3, nil", rep.Entries, err)
	}
}

// TestVerifyCatchesTampering: with the triggers disabled (what a
// superuser can do), each corruption of the rows is named by Verify at the
// entry it hits. Cutting the tail is not among them: without a signed
// head the room's chain cannot tell a cut tail from a short one.
func TestVerifyCatchesTampering(t *testing.T) {
	cases := []struct {
		name string
		sql  string
		kind audit.ChainErrorKind
		seq  int64
	}{
		{"field edited", "UPDATE room.audit SET subject = 'camera:elsewhere' WHERE seq = 3", audit.KindHash, 3},
		{"time edited", "UPDATE room.audit SET time_ns = time_ns + 1 WHERE seq = 2", audit.KindHash, 2},
		{"row deleted", "DELETE FROM room.audit WHERE seq = 4", audit.KindGap, 4},
		{"rows swapped", "UPDATE room.audit SET seq = seq + 100 WHERE seq IN (2, 3); UPDATE room.audit SET seq = 5 - (seq - 100) WHERE seq > 100", audit.KindLink, 2},
		{"link edited", "UPDATE room.audit SET prev_hash = sha256(prev_hash) WHERE seq = 5", audit.KindLink, 5},
		{"hashes recomputed badly", "UPDATE room.audit SET hash = sha256(hash) WHERE seq = 6", audit.KindHash, 6},
	}
	srv, open := newRoom(t)
	ctx := context.Background()
	r := open("pos-1")
	conn, err := pgx.Connect(ctx, srv.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	asSuperuser := func(t *testing.T, q string) {
		t.Helper()
		if _, err := conn.Exec(ctx, "ALTER TABLE room.audit DISABLE TRIGGER USER; "+q+"; ALTER TABLE room.audit ENABLE TRIGGER USER"); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			asSuperuser(t, "TRUNCATE room.audit")
			for i := range 6 {
				if _, err := r.Audit().Append(ctx, entry("pos-1", "anna", i)); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := r.Audit().Verify(ctx); err != nil {
				t.Fatalf("Verify before tampering: %v", err)
			}
			asSuperuser(t, tc.sql)
			rep, err := r.Audit().Verify(ctx)
			var ce *audit.ChainError
			if !errors.As(err, &ce) || !errors.Is(err, audit.ErrBroken) {
				t.Fatalf("Verify after %q = %v, want a *audit.ChainError", tc.sql, err)
			}
			if ce.Kind != tc.kind || ce.Seq != tc.seq || rep.Err != ce {
				t.Errorf("Verify after %q: %v (kind %q at seq %d), want kind %q at seq %d", tc.sql, err, ce.Kind, ce.Seq, tc.kind, tc.seq)
			}
		})
	}
}

// TestAppendAfterClose: Close is idempotent and an append after it is
// refused with ErrClosed, not left waiting.
func TestAppendAfterClose(t *testing.T) {
	_, open := newRoom(t)
	r := open("pos-1")
	r.Audit().Close()
	r.Audit().Close()
	if _, err := r.Audit().Append(context.Background(), entry("pos-1", "anna", 0)); !errors.Is(err, roomdb.ErrClosed) {
		t.Errorf("Append after Close: %v, want ErrClosed", err)
	}
}
