package audit

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/politiezone/zoneconsole/audit/keys"
)

func TestFingerprintAndPublicKeyFiles(t *testing.T) {
	pub := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public().(ed25519.PublicKey)
	// The SHA-256 of the 32 raw key bytes, in lowercase hex.
	sum := sha256.Sum256(pub)
	fp := Fingerprint(pub)
	if fp != hex.EncodeToString(sum[:]) {
		t.Fatalf("Fingerprint = %q, want %x", fp, sum)
	}
	for _, s := range []string{fp, strings.ToUpper(fp), "SHA256:" + fp, colons(fp)} {
		if !FingerprintMatches(pub, s) {
			t.Errorf("FingerprintMatches(%q) = false", s)
		}
	}
	if FingerprintMatches(pub, fp[:63]+"0") && fp[63] != '0' {
		t.Error("FingerprintMatches accepted another fingerprint")
	}
	pemBytes, err := PublicKeyPEM(pub)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cases := []struct {
		name string
		data []byte
		ok   bool
	}{
		{"PEM", pemBytes, true},
		{"hex (the store's .pub)", []byte(hex.EncodeToString(pub) + "\n"), true},
		{"base64", []byte(base64.StdEncoding.EncodeToString(pub)), true},
		{"raw 32 bytes", pub, true},
		{"PEM of another type", []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), false},
		{"short hex", []byte(hex.EncodeToString(pub[:31])), false},
		{"text", []byte("not a key at all"), false},
		{"empty", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_"))
			if err := os.WriteFile(p, c.data, 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := ReadPublicKeyFile(p)
			if c.ok && (err != nil || !got.Equal(pub)) {
				t.Fatalf("ReadPublicKeyFile(%s) = %x, %v; want the key", c.name, got, err)
			}
			if !c.ok && err == nil {
				t.Fatalf("ReadPublicKeyFile(%s) = %x, want an error", c.name, got)
			}
		})
	}
}

func colons(h string) string {
	var parts []string
	for i := 0; i < len(h); i += 2 {
		parts = append(parts, h[i:i+2])
	}
	return strings.Join(parts, ":")
}

// The attack of issue 16: a fresh key pair written over DATA/keys, the
// chain edited, rehashed and every checkpoint and the head re-signed. The
// verifier of before this change trusted DATA/keys and said intact (the
// "not pinned" case below still does, and says so); a key given from
// outside makes the store broken, and Open refuses to sign on with the
// intruder's key.
func TestVerifyTrustsOnlyThePinnedKey(t *testing.T) {
	f := newFixture(t)
	f.build(t, 50, Options{CheckpointEvery: 10})
	trusted, err := keys.LoadPublic(f.key)
	if err != nil {
		t.Fatal(err)
	}
	pubFile := filepath.Join(t.TempDir(), "zone-audit.pub") // outside the data directory
	pemBytes, _ := PublicKeyPEM(trusted)
	if err := os.WriteFile(pubFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	pinned, err := ReadPublicKeyFile(pubFile)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if rep, err := VerifyPathWith(ctx, f.db, f.key, VerifyOptions{PublicKey: pinned}); err != nil || !rep.KeyPinned || rep.KeyFingerprint != Fingerprint(trusted) {
		t.Fatalf("pinned verify of the good store = %+v, %v; want intact and pinned", rep, err)
	}
	if rep, err := f.verify(t); err != nil || rep.KeyPinned {
		t.Fatalf("unpinned verify of the good store = %+v, %v; want intact, not pinned", rep, err)
	}

	rewrite{cut: 50, edit: 12, every: 10, key: freshKey(t), fresh: true}.apply(t, f)

	rep, err := f.verify(t)
	if err != nil || rep.KeyPinned {
		t.Fatalf("unpinned verify of the rewritten store = %+v, %v; want what the old verifier said: intact, but not pinned", rep, err)
	}
	for _, c := range []struct {
		name string
		vo   VerifyOptions
		seq  int64
	}{
		{"trusted key", VerifyOptions{PublicKey: pinned}, 10},
		{"fingerprint from the zone file", VerifyOptions{Fingerprint: "SHA256:" + strings.ToUpper(Fingerprint(trusted))}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep, err := VerifyPathWith(ctx, f.db, f.key, c.vo)
			var ce *ChainError
			if !errors.As(err, &ce) || ce.Kind != KindUntrustedKey || ce.Seq != c.seq || !errors.Is(err, ErrBroken) || !rep.KeyPinned {
				t.Fatalf("VerifyPathWith(%s) of a store re-signed with a fresh key = %+v, %v; want untrusted key at seq %d", c.name, rep, err, c.seq)
			}
			t.Logf("%s: %v", c.name, err)
		})
	}
	for _, opt := range []Options{{PublicKey: pinned}, {Fingerprint: Fingerprint(trusted)}} {
		if l, err := Open(f.db, Options{KeyPath: f.key, PublicKey: opt.PublicKey, Fingerprint: opt.Fingerprint}); !errors.Is(err, ErrKeyMismatch) {
			if l != nil {
				l.Close()
			}
			t.Fatalf("Open(re-keyed store, pinned %+v) = %v, want ErrKeyMismatch", opt, err)
		}
	}
}

// A pinned key never gets invented: Open of an empty data directory with a
// pinned key fails instead of creating a fresh key pair.
func TestOpenWithPinnedKeyNeverCreatesOne(t *testing.T) {
	f := newFixture(t)
	pub := freshKey(t).Public().(ed25519.PublicKey)
	if l, err := Open(f.db, Options{KeyPath: f.key, PublicKey: pub}); err == nil {
		l.Close()
		t.Fatal("Open(no key, pinned key) = nil error")
	}
	if _, err := os.Stat(f.key); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a key was created: %v", err)
	}
	// With its own key pinned, a store opens and reports the pin.
	f.build(t, 3, Options{})
	own, _ := keys.LoadPublic(f.key)
	l := f.open(t, Options{PublicKey: own})
	if rep, err := l.Verify(context.Background()); err != nil || !rep.KeyPinned {
		t.Fatalf("Log.Verify with its key pinned = %+v, %v", rep, err)
	}
	if !l.PublicKey().Equal(own) {
		t.Fatal("Log.PublicKey is not the store's key")
	}
}
