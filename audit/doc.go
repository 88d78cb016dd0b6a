// Package audit is the tamper-evident, append-only record of who consulted
// what, when and why: every live view, playback, export, search, dispatch and
// login of the console leaves one Entry here before anything is shown.
//
// Storage is modernc.org/sqlite (pure Go, driver "sqlite") in WAL mode with
// synchronous=FULL. One goroutine owns the one write connection; Append and
// AppendBatch hand their entries to it and return only after the
// transaction holding them has committed, so a returned Receipt survives a
// crash, and an error means the entry is not there (the caller fails
// closed). Appends that arrive while a commit runs are group-committed
// together: one transaction and one fsync for all of them, still in one
// order. There is no Update or Delete, and triggers refuse both (defence in
// depth only: anyone holding the file can drop them). The tables are STRICT
// and Verify checks that they still are, because a value stored with
// another type (a BLOB user) hashes the same yet escapes the review's
// filters.
//
// Chain. Each entry is hashed as SHA-256(0x00 ‖ previous hash ‖ canonical
// bytes) (audit/chain; testdata/chain.golden pins the result), so changing,
// removing, inserting or reordering a row breaks the chain at the first
// affected entry.
//
// Checkpoints. An ed25519 key outside the database (Options.KeyPath, created
// 0600 in a 0700 directory on first open, public key at KeyPath+".pub";
// audit/keys)
// signs 0x01 ‖ context ‖ seq ‖ head hash ‖ time every CheckpointEvery
// entries (default 1000) and on Close, into the checkpoints table. An
// intruder who rewrites a row and recomputes every later hash (no key
// needed) is caught at the next checkpoint.
//
// Cut-off tail. A chain whose newest entries were deleted is still a valid
// chain, and checkpoints in the same database can be deleted with it. So the
// head is also kept in a signed head file next to the key
// (KeyPath+".head"): two alternating 256-byte slots, each holding a counter,
// the committed head (seq, hash), the pending head and a signature. For each
// group commit the writer first writes and fdatasyncs {committed: old end,
// pending: new end}, then commits the transaction, then writes {new, new}
// without a sync (the next pending write flushes it). After any crash the
// store therefore ends exactly at the committed or at the pending head, and
// Verify treats anything else as a cut tail (KindTruncated) or as entries
// appended without the key (KindUnsigned). The newest record is
// authoritative, and a slot that is written but unreadable, unsigned, in the
// wrong place or out of sequence fails verification (ParseHead): both slots
// lie in one disk sector and each is rewritten whole by one pwrite, so only
// tampering leaves one bad, and falling back to the older record would let
// the last batch be cut by corrupting the newest one. Measured cost
// (BenchmarkAppend, single vs single-nohead): about 190 µs per group commit
// on this machine, i.e. ~1 770 instead of ~2 660 single durable appends/s,
// and negligible for batches.
//
// Several writers. The console, `serve` and the CLI of one data directory
// each open a Log on the one store. The head file's lock (flock) is the
// store's writer lock, held from reading the store's end to the settled
// head of one group commit: each writer appends after whatever the others
// appended, and a store whose end its signed head does not allow is not
// appended to (lockTail). Measured with the lock (BenchmarkAppend, two
// cores shared with other builds): ~900 single durable appends/s, 19.6 k/s
// in batches of 100, as before it within the noise for batches.
//
// Trust. Whoever can write the data directory can write DATA/keys too: with
// the private key there they can re-sign a rewritten chain, and with a
// fresh key pair written over it, re-key it. So a verification trusts only
// what comes from outside (VerifyOptions, or Options for a Log): a public
// key (ReadPublicKeyFile: PEM, hex or raw) or its Fingerprint, as the zone
// file names it; a store signed by any other key is broken
// (KindUntrustedKey), and Open refuses to sign on with a key that is not the
// pinned one (ErrKeyMismatch). Without a pinned key Verify checks against
// DATA/keys as before and Report.KeyPinned says so. And a witness: with
// Options.Witness, a directory on other storage, every checkpoint and the
// head (at Open, Close and at most every WitnessEvery) are also appended,
// fsynced, to one file per store there (audit/witness). The store must still
// hold every witnessed entry with the witnessed hash, and the first witnessed
// record must verify under the key used, so a chain cut or rewritten and
// re-signed (with the stolen key or a fresh one) after a witnessed
// checkpoint is broken at that checkpoint (KindWitness). A witness inside
// the store's directories is refused.
//
// Open verifies the whole chain (with the pinned key and the witness when
// given) before the writer starts, and refuses a store broken anywhere with
// an error wrapping the *ChainError (errors.Is(err, ErrBroken)), so the
// console tells the administrator instead of burying the evidence under new
// entries. Exports verify first too (Reader.ExportCSV, ExportHTML): a broken
// chain exports no CSV, and its HTML page states the break; both fail.
//
// Files. The SQLite files are opened only through sqlitedb (the writer WAL
// with synchronous=FULL, readers query_only without touching the journal
// mode). The store, its -wal and -shm, the key, public key, head and witness
// files are 0600 and their directories 0700, whatever the umask and the
// modes they had before.
//
// Limits: root on the machine (or the console's account, once the witness
// is on storage that account can also write) can still rewrite the store
// and every copy it reaches; see the closing note of issue 16.
//
// Verification is a few pure functions over rows (audit/chain: Verifier,
// EntryHash, SelectHead) that know nothing of SQLite. Reader.Verify streams
// rows into a Verifier inside one read snapshot (from 100 000 entries, one
// seq range per core, each on its own connection and bounded by the first
// snapshot's end) and returns the first break as *ChainError{Seq, Want,
// Got, Kind}. It may run while another process
// appends: the head file is read before and after the snapshot is taken,
// and the snapshot is taken again when a writer raced it. Reader opens a
// store read-only with only the public key, for the review screen and
// `zoneconsole audit`.
package audit
