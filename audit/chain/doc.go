// Package chain is the audit log's tamper evidence, as pure functions and
// values with no I/O: the canonical encoding of an Entry and its chain hash,
// signed checkpoints, the signed head record and its file format, the
// witness file's format, key fingerprints, and the Verifier that walks a
// chain fed to it row by row and names the first break as a *ChainError.
//
// Chain. Each entry is hashed as SHA-256(0x00 ‖ previous hash ‖ canonical
// bytes); the canonical bytes are a version byte, Seq and Time (UnixNano) as
// 8-byte big-endian integers, then the twelve text fields in a fixed order,
// each with a 4-byte big-endian length (canonical.go; audit's
// testdata/chain.golden pins the result). The first entry links to 32 zero
// bytes. Changing, removing, inserting or reordering a row breaks the chain
// at the first affected entry.
//
// Signatures. A checkpoint signs 0x01 ‖ context ‖ seq ‖ head hash ‖ time,
// a head record 0x02 ‖ context ‖ its body, with the store's ed25519 key, so
// that neither can be taken for the other or for an entry hash.
//
// Package audit stores the rows and streams them in; it re-exports these
// names, so callers use audit.Entry, audit.ChainError and so on.
package chain
