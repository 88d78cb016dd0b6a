package audit

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Every file of the store is 0600 and every directory 0700, whatever the
// umask and whatever modes an older release left: before this change
// audit.db, its -wal and -shm and the public key were 0644 under umask 022.
func TestStoreFilesArePrivate(t *testing.T) {
	for _, umask := range []int{0o022, 0o000, 0o077} {
		t.Run("umask "+modeString(umask), func(t *testing.T) {
			old := syscall.Umask(umask)
			defer syscall.Umask(old)
			f := newFixture(t)
			wdir := filepath.Join(t.TempDir(), "witness")
			opt := Options{Witness: wdir}
			check := func(when string) {
				t.Helper()
				files := []string{f.db, f.db + "-wal", f.db + "-shm", f.key, f.key + ".pub", f.key + ".head"}
				if p, err := WitnessFile(wdir, f.db); err == nil {
					files = append(files, p)
				}
				for _, p := range files {
					if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
						t.Errorf("%s: %s mode %v (%v), want 0600", when, filepath.Base(p), fi.Mode().Perm(), err)
					}
				}
				for _, d := range []string{f.dir, filepath.Dir(f.key), wdir} {
					if fi, err := os.Stat(d); err != nil || fi.Mode().Perm() != 0o700 {
						t.Errorf("%s: directory %s mode %v (%v), want 0700", when, d, fi.Mode().Perm(), err)
					}
				}
			}
			l := f.open(t, opt)
			if _, err := l.Append(context.Background(), sample(1)); err != nil {
				t.Fatal(err)
			}
			check("new store")
			l.Close()
			// An older release, or an administrator, widened everything.
			for _, p := range []string{f.db, f.key, f.key + ".pub", f.key + ".head"} {
				os.Chmod(p, 0o666)
			}
			p, _ := WitnessFile(wdir, f.db)
			os.Chmod(p, 0o666)
			for _, d := range []string{f.dir, filepath.Dir(f.key), wdir} {
				os.Chmod(d, 0o777)
			}
			l = f.open(t, opt)
			if _, err := l.Append(context.Background(), sample(2)); err != nil {
				t.Fatal(err)
			}
			check("reopened store")
		})
	}
}

func modeString(m int) string { return fmt.Sprintf("%04o", m) }

// A reader never changes the store: before this change the read-only open
// set journal_mode=WAL and switched a rollback-journal store to WAL.
func TestReadOnlyOpenLeavesTheJournalMode(t *testing.T) {
	f := newFixture(t)
	f.build(t, 5, Options{})
	mode := func(q string) string {
		db, err := sql.Open("sqlite", f.db)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var m string
		if err := db.QueryRow(q).Scan(&m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	if m := mode(`PRAGMA journal_mode=DELETE`); m != "delete" {
		t.Fatalf("journal mode %q", m)
	}
	r, err := OpenReader(f.db, Options{KeyPath: f.key})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Verify(context.Background()); err != nil {
		t.Fatalf("Verify = %v", err)
	}
	if _, err := r.Query(context.Background(), Filter{}); err != nil {
		t.Fatal(err)
	}
	r.Close()
	if m := mode(`PRAGMA journal_mode`); m != "delete" {
		t.Fatalf("journal mode after a read-only verify = %q, want delete", m)
	}
}
