package audit

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestPreOpenMidChain(t *testing.T) {
	f := newFixture(t)
	f.build(t, 50, Options{CheckpointEvery: 10})
	sqlExec(t, f.rawDB(t), `UPDATE entries SET user='mallory' WHERE seq=17`)
	l, err := Open(f.db, Options{KeyPath: f.key})
	var ce *ChainError
	if !errors.As(err, &ce) || ce.Seq != 17 {
		if l != nil {
			l.Close()
		}
		t.Fatalf("Open(broken at 17) = %v", err)
	}
}

func TestPrePerms(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	f := newFixture(t)
	l := f.open(t, Options{})
	l.Append(context.Background(), sample(1))
	for _, p := range []string{f.db, f.db + "-wal", f.db + "-shm", f.key, f.key + ".pub", f.key + ".head"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Error(err)
			continue
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v", filepath.Base(p), st.Mode().Perm())
		}
	}
}

func TestPreHeadNewest(t *testing.T) {
	f := newFixture(t)
	l := f.open(t, Options{})
	ctx := context.Background()
	for i := range 4 {
		es := []Entry{sample(i * 10), sample(i*10 + 1)}
		if _, err := l.AppendBatch(ctx, es); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	b, _ := os.ReadFile(f.key + ".head")
	newest := l.head.cur.Counter % 2
	b[newest*headSlotSize+headBodySize+3] ^= 0xff
	os.WriteFile(f.key+".head", b, 0o600)
	sqlExec(t, f.rawDB(t), `DELETE FROM entries WHERE seq>6`, `DELETE FROM checkpoints WHERE seq>6`)
	if rep, err := f.verify(t); err == nil {
		t.Fatalf("verify after cutting the last batch and corrupting the newest head slot = intact %+v", rep)
	}
}

func TestPreReadOnlyJournal(t *testing.T) {
	f := newFixture(t)
	f.build(t, 5, Options{})
	db, _ := sql.Open("sqlite", f.db)
	var m string
	db.QueryRow(`PRAGMA journal_mode=DELETE`).Scan(&m)
	db.Close()
	r, err := OpenReader(f.db, Options{KeyPath: f.key})
	if err != nil {
		t.Fatal(err)
	}
	r.Verify(context.Background())
	r.Close()
	db, _ = sql.Open("sqlite", f.db)
	db.QueryRow(`PRAGMA journal_mode`).Scan(&m)
	db.Close()
	if m != "delete" {
		t.Fatalf("journal mode after a read-only verify = %q, want delete", m)
	}
}
