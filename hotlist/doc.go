// Package hotlist keeps the zone's hotlists: a list ("national", "local",
// ...) is imported from a CSV or JSON file of an identified source; every
// import is validated as a whole (a bad file imports nothing), becomes a new
// numbered version of that list in one SQLite store, and the earlier
// versions stay queryable until PruneEntries. The newest version of each
// list is active, and the Store keeps a Matcher loaded with it.
//
// The parts have packages of their own: hotlist/entry (the Entry value, its
// priority and country codes), hotlist/parse (the streaming CSV/JSON parse
// and field validation) and hotlist/match (the misread-tolerant matcher and
// its index). This package re-exports their names, so callers keep using
// hotlist.Entry, hotlist.Matcher, hotlist.FieldError and so on.
package hotlist
