// Package hotlist keeps the zone's hotlists and matches plate reads against
// them. A list ("national", "local", ...) is imported from a CSV or JSON file
// of an identified source; every import is validated as a whole (a bad file
// imports nothing), becomes a new numbered version of that list, and the
// earlier versions stay queryable. The newest version of each list is active.
// A Matcher answers, for one read, which active entries it hits and how:
// exactly, through OCR look-alike characters (a visible table), or through
// one inserted, dropped or substituted character. Matching is in memory,
// lock-free for readers, and rebuilt per list after an import.
package hotlist
