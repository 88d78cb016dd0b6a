// Package pgtest starts a real PostgreSQL server for a test or a benchmark:
// initdb in a temporary directory (as the postgres user when the test runs
// as root, since initdb and postgres refuse to run as root), a server on a
// free loopback port with its socket in that directory, one fresh database,
// and a DSN to it. The server is stopped and its directory removed at the
// test's cleanup. Without the server binaries the test is skipped with a
// message, unless CI=true, where it fails: CI must never pass by skipping
// the database.
package pgtest
