package hotlist

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// The store opens through sqlitedb: whatever the umask and whatever mode an
// older store had, the database and its WAL companions are 0600 and the
// directory 0700 (issue 16 item 2), and foreign keys are enforced.
func TestStoreFilesPrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	tests := []struct {
		name    string
		dirMode os.FileMode // 0: the store creates the directory
		dbMode  os.FileMode // 0: the store creates the file
	}{
		{"new store", 0, 0},
		{"older wide store", 0o755, 0o644},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			path := filepath.Join(dir, "hotlist.db")
			if tc.dirMode != 0 {
				if err := os.Mkdir(dir, tc.dirMode); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, nil, tc.dbMode); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, tc.dbMode); err != nil {
					t.Fatal(err)
				}
			}
			s := openStore(t, dir)
			if _, err := importText(t, s, "local", "a.csv", header+"1ABC123,BE,local,stop,3,,,\n"); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{path, path + "-wal", path + "-shm"} {
				st, err := os.Stat(p)
				if err != nil {
					t.Fatalf("%s: %v", p, err)
				}
				if st.Mode().Perm() != 0o600 {
					t.Errorf("%s mode %v, want 0600", filepath.Base(p), st.Mode().Perm())
				}
			}
			if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o700 {
				t.Errorf("directory mode %v (%v), want 0700", st.Mode().Perm(), err)
			}
			var fk int
			if err := s.db.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
				t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
			}
		})
	}
}
