// Package roomdb keeps a dispatch room's shared state in one PostgreSQL
// database (pgx v5), for the consoles of a room that outgrows one process:
// the room's one audit chain, who is logged in at which console, who
// watches which camera, and a change feed that pushes each change to the
// other consoles at commit (LISTEN/NOTIFY, no polling).
//
// Migrate creates and upgrades the schema "room" (room.schema_version) and
// two roles: OwnerRole owns the tables, ConsoleRole (what consoles log in
// as) may INSERT and SELECT audit rows but has no UPDATE or DELETE, and a
// trigger refuses UPDATE, DELETE and TRUNCATE of audit rows to the owner
// as well.
//
// Audit. Entries are audit.Entry values hashed with audit.EntryHash and
// verified with audit.Verifier, so the room's chain is the console's chain
// format. One goroutine per console appends (group commit: the entries
// waiting are one transaction and one fsync); across consoles a
// transaction-scoped advisory lock around "read the head, insert after it,
// commit" gives one order, and the primary key on seq plus a trigger that
// demands each row link to the previous one keep a single chain with no gap
// whatever a client sends. The chain is not signed yet (no checkpoints, no
// head file): see Verify.
//
// Review. AuditAppender.Review is the review screen's query: one user's
// or one subject's entries in a period, newest first by (time, seq), in
// keyset pages (After), served by the (user_name, time_ns, seq) and
// (subject, time_ns, seq) indexes of migration 2; BenchmarkReviewQuery
// measures its p95 on a generated chain (ROOMDB_REVIEW_ROWS entries).
//
// Database URLs. CheckDSN is the one rule for a zone file's database = and
// `zoneconsole db migrate --database`: postgres://, a host and a database,
// never a password; WithPassword adds the credential store's (or
// ZONECONSOLE_DB_PASSWORD's) in memory only.
//
// Offline. While the server is unreachable every call fails with an error
// matching ErrUnavailable, and works again once it is back. A Spool
// (OpenSpool) in front of a console's AuditAppender is the offline queue:
// an entry that cannot reach the server is written durably to a SQLite
// file on the console's disk (sqlitedb: 0600 in a 0700 directory,
// synchronous commits) and its receipt says Queued; later entries join it
// there until one goroutine has drained the spool into the chain, oldest
// first, so the chain holds the console's entries in the order they were
// made, each with the time of the act. A spool closed undrained (a crash)
// is drained by the next OpenSpool. Online and OnState tell the console
// to show "offline". A drained entry already in the chain (a commit whose
// answer was lost) is recognised and not appended twice. Sessions and
// views are not spooled yet: they fail with ErrUnavailable while offline.
package roomdb
