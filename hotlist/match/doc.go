// Package match answers, for one plate read, which listed entries it hits
// and how: exactly, through OCR look-alike characters (a visible table,
// DefaultLookalikes), or through one inserted, dropped or substituted
// character. A Builder packs the entries of one list version; the Matcher
// indexes them (symmetric-delete keys over look-alike classes) and swaps the
// index in atomically, so Match is in memory, lock-free and never blocks.
package match
