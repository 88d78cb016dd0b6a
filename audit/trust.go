package audit

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
	"io"
	"os"
	"strings"
)

// VerifyOptions say what a verification trusts beyond the store itself.
// Whoever can write the data directory can also write DATA/keys, so a
// verification that trusts the public key found there proves only that the
// store is consistent with itself; the trusted key and the witness come
// from outside.
type VerifyOptions struct {
	// PublicKey is the trusted audit key, read from outside the data
	// directory (ReadPublicKeyFile). Checkpoints and the signed head must
	// verify under it, whatever public key sits in DATA/keys.
	PublicKey ed25519.PublicKey
	// Fingerprint pins the key by its Fingerprint (as a zone file names
	// it): the public key next to the signing key must have it. Ignored
	// when PublicKey is set, except that the two must agree.
	Fingerprint string
	// Witness is the witness directory (Options.Witness of the console
	// that writes the store) or one witness file in it. The store must
	// hold every checkpoint and head witnessed there.
	Witness string
}

// ErrKeyMismatch is returned by Open when the store's signing key is not
// the trusted key it was given.
var ErrKeyMismatch = errors.New("audit: signing key is not the trusted key")

// Fingerprint is the SHA-256 of the 32 raw bytes of an ed25519 public key,
// in lowercase hex: what a zone file names to pin the audit key.
func Fingerprint(pub ed25519.PublicKey) string {
	s := sha256.Sum256(pub)
	return hex.EncodeToString(s[:])
}

// normFingerprint accepts a fingerprint written as "SHA256:AB:CD..." or
// with spaces, as people copy them.
func normFingerprint(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "sha256:")
	return strings.NewReplacer(":", "", " ", "", "\t", "").Replace(s)
}

// FingerprintMatches reports whether pub has the fingerprint fp (hex,
// case and ':' separators ignored).
func FingerprintMatches(pub ed25519.PublicKey, fp string) bool {
	return len(pub) == ed25519.PublicKeySize && Fingerprint(pub) == normFingerprint(fp)
}

// maxKeyFile bounds what ReadPublicKeyFile reads: a key file is tiny.
const maxKeyFile = 64 << 10

// ReadPublicKeyFile reads an ed25519 public key from a file kept outside
// the data directory: PEM ("PUBLIC KEY", as `openssl pkey -pubout` writes
// it), hex or base64 text (the store's own .pub file is hex), or the 32
// raw bytes.
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
	pub, err := ParsePublicKey(b)
	if err != nil {
		return nil, fmt.Errorf("audit public key %s: %w", path, err)
	}
	return pub, nil
}

// ParsePublicKey is ReadPublicKeyFile on the file's bytes.
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

// trust resolves what a verification checks signatures with: the key given
// from outside (pinned), or the store's own public key (not pinned). A
// fingerprint that the store's key lacks is a break of the whole store.
func trust(vo VerifyOptions, storePub ed25519.PublicKey, pubPath string) (ed25519.PublicKey, bool, *ChainError, error) {
	switch {
	case vo.PublicKey != nil:
		if len(vo.PublicKey) != ed25519.PublicKeySize {
			return nil, false, nil, fmt.Errorf("audit verify: trusted key of %d bytes, want %d", len(vo.PublicKey), ed25519.PublicKeySize)
		}
		if vo.Fingerprint != "" && !FingerprintMatches(vo.PublicKey, vo.Fingerprint) {
			return nil, false, nil, fmt.Errorf("audit verify: the trusted key %s does not have the pinned fingerprint %s", Fingerprint(vo.PublicKey), vo.Fingerprint)
		}
		return vo.PublicKey, true, nil, nil
	case vo.Fingerprint != "":
		if storePub == nil {
			return nil, false, nil, fmt.Errorf("audit verify: no public key at %s to check against fingerprint %s", pubPath, vo.Fingerprint)
		}
		if !FingerprintMatches(storePub, vo.Fingerprint) {
			return nil, true, &ChainError{Kind: KindUntrustedKey, Want: "key " + normFingerprint(vo.Fingerprint),
				Got: "key " + Fingerprint(storePub) + " in " + pubPath}, nil
		}
		return storePub, true, nil, nil
	case storePub == nil:
		return nil, false, nil, fmt.Errorf("audit verify: no public key at %s and no trusted key given", pubPath)
	}
	return storePub, false, nil, nil
}
