package identity

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCredentialsEncryptedAtRest(t *testing.T) {
	dir := t.TempDir()
	c, err := OpenCredentials(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Set("cam08", Credential{Username: "viewer", Password: "s3cret-pw"}); err != nil {
		t.Fatal(err)
	}
	blob, err := os.ReadFile(filepath.Join(dir, "credentials.enc"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(blob), "s3cret-pw") || strings.Contains(string(blob), "viewer") {
		t.Fatal("credential store holds the login in plain text")
	}
	for _, p := range []string{"credentials.enc", "keys/credentials.key"} {
		st, err := os.Stat(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s mode %v: readable by others", p, st.Mode().Perm())
		}
	}
	c2, err := OpenCredentials(dir)
	if err != nil {
		t.Fatal(err)
	}
	u, err := c2.WithCredential("rtsp://127.0.0.1:8554/cam08/main", "cam08")
	if err != nil || u != "rtsp://viewer:s3cret-pw@127.0.0.1:8554/cam08/main" {
		t.Fatalf("WithCredential = %q, %v", u, err)
	}
	if _, err := c2.WithCredential("rtsp://x/y", "missing"); err == nil {
		t.Fatal("a missing credential must be an error")
	}
	// A wrong key file must give a clear error, not garbage logins.
	if err := os.WriteFile(filepath.Join(dir, "keys", "credentials.key"), make([]byte, 32), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenCredentials(dir); err == nil || !strings.Contains(err.Error(), "decrypt") {
		t.Fatalf("wrong key: err = %v", err)
	}
}
