// Package sqlitedb opens the console's SQLite store files one way: a file
// URI with the path escaped, WAL with durable commits, a busy timeout, and a
// file that only its owner can read (0600, directory 0700), whatever the
// umask or the mode an older release left behind. Every store (audit,
// identity, hits, rounds, hotlists, passages, recordings) opens through it,
// so a durability or privacy setting is changed in one place.
package sqlitedb
