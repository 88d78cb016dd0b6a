// Package keys keeps the audit key's files, outside the database: the
// ed25519 signing key (created once, 0600 in a 0700 directory) with its
// public key at KeyPath+".pub", a trusted public key read from outside the
// data directory (ReadPublicKeyFile), and the signed head file at
// KeyPath+".head" that the Log rewrites around each group commit
// (HeadFile; the record format is chain.SignedHead).
package keys

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/politiezone/zoneconsole/audit/chain"
	"github.com/politiezone/zoneconsole/sqlitedb"
)

// LoadOrCreate reads the ed25519 seed at path, or creates it (0600, in a
// 0700 directory) with its public key at path+".pub" when neither exists.
// create is false when the caller must not invent a key (a store that
// already has entries, a read-only verification). The directory and every
// key file that exists are made private again, whatever mode an older
// release or an administrator left them with.
func LoadOrCreate(path string, create bool) (ed25519.PrivateKey, bool, error) {
	seed, err := os.ReadFile(path)
	if err == nil {
		if len(seed) != ed25519.SeedSize {
			return nil, false, fmt.Errorf("audit key %s: %d bytes, want %d", path, len(seed), ed25519.SeedSize)
		}
		if err := PrivateFiles(path); err != nil {
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
	if err := SyncDir(dir); err != nil {
		return nil, false, fmt.Errorf("audit key directory: %w", err)
	}
	return priv, true, nil
}

// PrivateFiles sets the key directory to 0700 and the key, public key
// and head file to 0600 (those that exist).
func PrivateFiles(path string) error {
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

// LoadPublic reads the hex public key at keyPath+".pub", so that a
// verification needs no access to the private key.
func LoadPublic(keyPath string) (ed25519.PublicKey, error) {
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

// SyncDir syncs a directory, so that a file just created in it survives
// a crash under its name.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// maxKeyFile bounds what ReadPublicKeyFile reads: a key file is tiny.
const maxKeyFile = 64 << 10

// ReadPublicKeyFile reads an ed25519 public key from a file kept outside
// the data directory: PEM ("PUBLIC KEY", as `openssl pkey -pubout` writes
// it), hex or base64 text (the store's own .pub file is hex), or the 32
// raw bytes (chain.ParsePublicKey).
func ReadPublicKeyFile(path string) (ed25519.PublicKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("audit public key: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("audit public key %s: %w", path, err)
	}
	if len(b) > maxKeyFile {
		return nil, fmt.Errorf("audit public key %s: larger than %d bytes", path, maxKeyFile)
	}
	pub, err := chain.ParsePublicKey(b)
	if err != nil {
		return nil, fmt.Errorf("audit public key %s: %w", path, err)
	}
	return pub, nil
}
