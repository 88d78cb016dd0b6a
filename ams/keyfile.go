package ams

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/politiezone/zoneconsole/sqlitedb"
)

// KeyFile loads the zone's AMS signing key from path (a hex Ed25519 seed),
// making it (0600) on first use. The AMS registers its public half
// (PublicKey) for the zone.
func KeyFile(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		seed, derr := hex.DecodeString(strings.TrimSpace(string(b)))
		if derr != nil || len(seed) != ed25519.SeedSize {
			return nil, fmt.Errorf("ams key %s: not a hex Ed25519 seed", path)
		}
		return ed25519.NewKeyFromSeed(seed), nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("ams key: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("ams key: %w", err)
	}
	if err := sqlitedb.WriteFile(path, []byte(hex.EncodeToString(priv.Seed())+"\n")); err != nil {
		return nil, err
	}
	return priv, nil
}
