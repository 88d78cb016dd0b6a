package sqlitedb

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestOpenIsPrivateWhateverTheUmask(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "odd?dir#name", "data")
	path := filepath.Join(dir, "x.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE t(v INTEGER) STRICT; INSERT INTO t VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, p := range []string{path} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", p, st.Mode().Perm())
		}
	}
	st, _ := os.Stat(dir)
	if st.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v, want 0700", st.Mode().Perm())
	}
	// The '?' and '#' stayed part of the path: the file is where we asked.
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("file not at its path: %v", err)
	}
}

func TestOpenTightensAnOlderWideFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	os.Chmod(path, 0o644)
	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v after reopen, want 0600", st.Mode().Perm())
	}
}

func TestReadOnlyNeverCreatesNorWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ro.db")
	if _, err := Open(path, Options{ReadOnly: true}); !errors.Is(err, ErrMissing) {
		t.Fatalf("read-only open of a missing file: %v, want ErrMissing", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("read-only open created the file")
	}
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Exec(`CREATE TABLE t(v INTEGER)`)
	db.Close()
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.Exec(`INSERT INTO t VALUES (1)`); err == nil {
		t.Fatal("a read-only store took a write")
	}
}

func TestNotADatabaseFailsWithItsName(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junk.db")
	os.WriteFile(path, []byte("this is not sqlite, just some text that is long enough to be a header"), 0o600)
	db, err := Open(path, Options{})
	if err == nil {
		_, err = db.Exec(`CREATE TABLE t(v INTEGER)`)
		db.Close()
	}
	if err == nil {
		t.Fatal("a junk file opened as a store")
	}
}

func TestWriteFileAtomicPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k", "key")
	if err := WriteFile(path, []byte("secret")); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	st, _ := os.Stat(path)
	if string(b) != "secret" || st.Mode().Perm() != 0o600 {
		t.Fatalf("got %q mode %v", b, st.Mode().Perm())
	}
	ents, _ := os.ReadDir(filepath.Dir(path))
	if len(ents) != 1 {
		t.Fatalf("temporary file left behind: %v", ents)
	}
}
