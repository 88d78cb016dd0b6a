// Package evidence exports recorded footage so that a court can check it
// without our software: a period of one or more cameras to a folder with
// one MP4 per camera (remuxed without re-encoding, or re-encoded with the
// privacy masks burned in), a manifest.json naming the source segments and
// their hashes, an Ed25519 manifest.sig with the public key beside it, a
// SHA256SUMS and a README that says how to check them with sha256sum and
// openssl; and Verify, which names every difference in such a folder. Who
// may export what, and the audit of it, are the caller's: this package
// takes a Request that was already allowed.
package evidence
