package chain

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// Fingerprint is the SHA-256 of the 32 raw bytes of an ed25519 public key,
// in lowercase hex: what a zone file names to pin the audit key.
func Fingerprint(pub ed25519.PublicKey) string {
	s := sha256.Sum256(pub)
	return hex.EncodeToString(s[:])
}

// NormFingerprint accepts a fingerprint written as "SHA256:AB:CD..." or
// with spaces, as people copy them, and returns it as Fingerprint writes it.
func NormFingerprint(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "sha256:")
	return strings.NewReplacer(":", "", " ", "", "\t", "").Replace(s)
}

// FingerprintMatches reports whether pub has the fingerprint fp (hex,
// case and ':' separators ignored).
func FingerprintMatches(pub ed25519.PublicKey, fp string) bool {
	return len(pub) == ed25519.PublicKeySize && Fingerprint(pub) == NormFingerprint(fp)
}

// ParsePublicKey reads an ed25519 public key from the bytes of a key file:
// PEM ("PUBLIC KEY", as `openssl pkey -pubout` writes it), hex or base64
// text (the store's own .pub file is hex), or the 32 raw bytes.
func ParsePublicKey(b []byte) (ed25519.PublicKey, error) {
	if blk, _ := pem.Decode(b); blk != nil {
		if blk.Type != "PUBLIC KEY" {
			return nil, fmt.Errorf("PEM block %q, want PUBLIC KEY", blk.Type)
		}
		k, err := x509.ParsePKIXPublicKey(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("PEM: %w", err)
		}
		pub, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("PEM holds a %T, want an ed25519 key", k)
		}
		return pub, nil
	}
	if len(b) == ed25519.PublicKeySize && !isText(b) {
		return ed25519.PublicKey(bytes.Clone(b)), nil
	}
	s := strings.TrimSpace(string(b))
	if k, err := hex.DecodeString(s); err == nil && len(k) == ed25519.PublicKeySize {
		return ed25519.PublicKey(k), nil
	}
	if k, err := base64.StdEncoding.DecodeString(s); err == nil && len(k) == ed25519.PublicKeySize {
		return ed25519.PublicKey(k), nil
	}
	return nil, errors.New("not an ed25519 public key (PEM, hex, base64 or 32 raw bytes)")
}

func isText(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// PublicKeyPEM encodes pub as a PEM "PUBLIC KEY" block, the form to copy
// off the machine (to the zone's key file or the auditor).
func PublicKeyPEM(pub ed25519.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("audit public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}
