package audit

import (
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/politiezone/zoneconsole/audit/chain"
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
	// Records are witness records kept elsewhere (Options.OnWitness: the
	// room's chain, where the other consoles hold them), checked as the
	// file's are.
	Records []WitnessRecord
}

// ErrKeyMismatch is returned by Open when the store's signing key is not
// the trusted key it was given.
var ErrKeyMismatch = errors.New("audit: signing key is not the trusted key")

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
			return nil, true, &ChainError{Kind: KindUntrustedKey, Want: "key " + chain.NormFingerprint(vo.Fingerprint),
				Got: "key " + Fingerprint(storePub) + " in " + pubPath}, nil
		}
		return storePub, true, nil, nil
	case storePub == nil:
		return nil, false, nil, fmt.Errorf("audit verify: no public key at %s and no trusted key given", pubPath)
	}
	return storePub, false, nil, nil
}
