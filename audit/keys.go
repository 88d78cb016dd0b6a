package audit

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/politiezone/zoneconsole/sqlitedb"
)

// loadOrCreateKey reads the ed25519 seed at path, or creates it (0600, in a
// 0700 directory) with its public key at path+".pub" when neither exists.
// create is false when the caller must not invent a key (a store that
// already has entries, a read-only verification). The directory and every
// key file that exists are made private again, whatever mode an older
// release or an administrator left them with.
func loadOrCreateKey(path string, create bool) (ed25519.PrivateKey, bool, error) {
	seed, err := os.ReadFile(path)
	if err == nil {
		if len(seed) != ed25519.SeedSize {
			return nil, false, fmt.Errorf("audit key %s: %d bytes, want %d", path, len(seed), ed25519.SeedSize)
		}
		if err := privateKeyFiles(path); err != nil {
			return nil, false, err
		}
		return ed25519.NewKeyFromSeed(seed), false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) || !create {
		return nil, false, fmt.Errorf("audit key: %w", err)
	}
	dir := filepath.Dir(path)
	if err := sqlitedb.PrivateDir(dir); err != nil {
		return nil, false, fmt.Errorf("audit key: %w", err)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, false, fmt.Errorf("audit key: generate: %w", err)
	}
	if err := writeFileSync(path, priv.Seed(), true); err != nil {
		return nil, false, fmt.Errorf("audit key: %w", err)
	}
	if err := writeFileSync(path+".pub", []byte(hex.EncodeToString(pub)+"\n"), false); err != nil {
		return nil, false, fmt.Errorf("audit public key: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return nil, false, fmt.Errorf("audit key directory: %w", err)
	}
	return priv, true, nil
}

// privateKeyFiles sets the key directory to 0700 and the key, public key
// and head file to 0600 (those that exist).
func privateKeyFiles(path string) error {
	if err := sqlitedb.PrivateDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("audit key: %w", err)
	}
	for _, p := range []string{path, path + ".pub", path + ".head"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("audit key: %w", err)
		}
	}
	return nil
}

// loadPublicKey reads the hex public key at keyPath+".pub", so that a
// verification needs no access to the private key.
func loadPublicKey(keyPath string) (ed25519.PublicKey, error) {
	b, err := os.ReadFile(keyPath + ".pub")
	if err != nil {
		return nil, fmt.Errorf("audit public key: %w", err)
	}
	pub, err := hex.DecodeString(string(bytes.TrimSpace(b)))
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("audit public key %s: not a hex ed25519 key", keyPath+".pub")
	}
	return ed25519.PublicKey(pub), nil
}

// writeFileSync writes a 0600 file and syncs it. The mode is set on the open
// file too, so the umask never widens or narrows it.
func writeFileSync(path string, data []byte, exclusive bool) error {
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if exclusive {
		flag = os.O_WRONLY | os.O_CREATE | os.O_EXCL
	}
	f, err := os.OpenFile(path, flag, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
