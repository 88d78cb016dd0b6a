package chain

import (
	"crypto/ed25519"
	"time"
)

// Checkpoint is a signed statement that the chain's entry Seq has hash Hash.
type Checkpoint struct {
	Seq  int64
	Hash Digest
	Time time.Time
	Sig  []byte
}

// Valid reports whether the checkpoint's signature verifies under pub.
func (c *Checkpoint) Valid(pub ed25519.PublicKey) bool {
	return len(c.Sig) == ed25519.SignatureSize && ed25519.Verify(pub, checkpointMessage(c.Seq, c.Hash, c.Time), c.Sig)
}

// SignCheckpoint signs the statement that entry seq has hash h, at t.
func SignCheckpoint(priv ed25519.PrivateKey, seq int64, h Digest, t time.Time) Checkpoint {
	return Checkpoint{Seq: seq, Hash: h, Time: t, Sig: ed25519.Sign(priv, checkpointMessage(seq, h, t))}
}
