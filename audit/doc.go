// Package audit is the tamper-evident, append-only record of who consulted
// what, when and why: every live view, playback, export, search, dispatch and
// login of the console leaves one Entry here before anything is shown.
//
// Storage is modernc.org/sqlite (pure Go) in WAL mode with synchronous=FULL.
// One goroutine owns the write connection; Append hands its entry to that
// writer and returns only after the transaction holding it has committed, so
// a returned Receipt survives a crash. Appends that arrive while a commit is
// running are group-committed together, which keeps durable throughput high
// without giving up the one-writer order. There is no Update or Delete.
//
// Chain. Each entry is hashed as SHA-256(0x00 ‖ previous hash ‖ canonical
// bytes), where the canonical bytes are a version byte followed by every field
// in a fixed order, each length-prefixed (see canonical.go). The first entry
// links to 32 zero bytes. Changing, removing, inserting or reordering a row
// therefore breaks the chain at the first affected entry.
//
// Checkpoints. An ed25519 key kept outside the database (Options.KeyPath,
// created 0600 in a 0700 directory on first open; the public key is written
// next to it as KeyPath+".pub") signs SHA-256(0x01 ‖ seq ‖ head hash ‖ time)
// every CheckpointEvery entries and on Close, into a checkpoints table.
//
// Cut-off tail. The chain alone cannot show that the newest entries were
// removed: a truncated chain is still a valid chain. Checkpoints only prove
// the prefix up to the last one. So after every committed transaction the
// writer also rewrites a small signed head file next to the key
// (KeyPath+".head": seq, head hash, time, signature), atomically by rename and
// fsync. Verify demands that the chain reaches at least the signed head and
// that the entry at that seq has that hash; a store whose tail was cut, or
// whose head file was rolled back along with the database, is reported as
// KindTruncated (the latter only when the head file is also kept elsewhere or
// the checkpoints disagree). We chose a head file over a checkpoint row per
// commit because a row in the same database is deleted together with the tail
// it should protect; the file lives with the key, outside the database. Its
// cost is one sign (~25 µs) plus one small write, rename and fsync per group
// commit, amortised over every entry of the group (figures in bench_test.go
// and in the package README of the final report).
//
// Verification is a few pure functions over rows (verify.go) and knows
// nothing of SQLite: Log.Verify streams rows into a Verifier and returns the
// first break as *ChainError.
package audit
