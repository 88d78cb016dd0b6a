package evidence

import (
	"context"
	"crypto/ed25519"
	"os"
	"path/filepath"
	"testing"
)

// exported makes one export for the probes to corrupt copies of.
func exported(t *testing.T) (Result, ed25519.PublicKey) {
	t.Helper()
	f := footage(t)
	req := request(t, f, nil)
	res, err := Export(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return res, req.Key.Public().(ed25519.PublicKey)
}

func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "copy")
	if err := os.Mkdir(dst, 0o700); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func flipByte(t *testing.T, path string, at func(n int) int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[at(len(b))] ^= 0x01
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyCatchesEveryProbe corrupts copies of a good export in each way
// the issue names (as the merkle tests do with proofs): each one must be
// found and named, and the exit code must be 1. The good copy is intact.
func TestVerifyCatchesEveryProbe(t *testing.T) {
	res, trusted := exported(t)
	clip := res.Manifest.Cameras[0].Clips[0].File
	other := testKey(99)
	probes := []struct {
		name    string
		corrupt func(dir string)
		want    Kind
		file    string
	}{
		{"one byte of the clip", func(dir string) {
			flipByte(t, filepath.Join(dir, clip), func(n int) int { return n / 2 })
		}, ChangedFile, clip},
		{"one byte of the manifest", func(dir string) {
			// Inside the case reference: still valid JSON, still the format.
			b, _ := os.ReadFile(filepath.Join(dir, ManifestFile))
			i := indexOf(b, "PV-2026-001234")
			b[i+3] = '3'
			os.WriteFile(filepath.Join(dir, ManifestFile), b, 0o600)
		}, ChangedManifest, ManifestFile},
		{"the clip removed", func(dir string) { os.Remove(filepath.Join(dir, clip)) }, MissingFile, clip},
		{"the signature removed", func(dir string) { os.Remove(filepath.Join(dir, SignatureFile)) }, MissingFile, SignatureFile},
		{"a file added", func(dir string) {
			os.WriteFile(filepath.Join(dir, "extra.mp4"), []byte("more"), 0o600)
		}, ExtraFile, "extra.mp4"},
		{"another key", func(dir string) {
			body, _ := os.ReadFile(filepath.Join(dir, ManifestFile))
			pemBytes, _ := publicKeyPEM(other.Public().(ed25519.PublicKey))
			os.WriteFile(filepath.Join(dir, KeyFile), pemBytes, 0o600)
			os.WriteFile(filepath.Join(dir, SignatureFile), ed25519.Sign(other, body), 0o600)
		}, OtherKey, KeyFile},
	}
	good := copyDir(t, res.Dir)
	if rep, err := Verify(good, trusted); err != nil || rep.ExitCode() != 0 {
		t.Fatalf("Verify(good copy) = %v, %v", rep.Differences, err)
	}
	for _, p := range probes {
		t.Run(p.name, func(t *testing.T) {
			dir := copyDir(t, res.Dir)
			p.corrupt(dir)
			rep, err := Verify(dir, trusted)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, d := range rep.Differences {
				t.Logf("%v", d)
				found = found || d.Kind == p.want && d.File == p.file
			}
			if !found || rep.ExitCode() != 1 {
				t.Errorf("Verify after %s = %v (exit %d); want %v on %s", p.name, rep.Differences, rep.ExitCode(), p.want, p.file)
			}
			if p.want == ChangedManifest {
				if out, err := opensslVerify(t, dir); err == nil {
					t.Errorf("openssl verified a changed manifest: %s", out)
				}
			}
		})
	}
}

func indexOf(b []byte, s string) int {
	for i := 0; i+len(s) <= len(b); i++ {
		if string(b[i:i+len(s)]) == s {
			return i
		}
	}
	panic("not found: " + s)
}
