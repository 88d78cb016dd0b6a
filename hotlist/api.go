package hotlist

import (
	"github.com/politiezone/zoneconsole/hotlist/entry"
	"github.com/politiezone/zoneconsole/hotlist/match"
	"github.com/politiezone/zoneconsole/hotlist/parse"
)

// The values, the file parser and the matcher live in hotlist/entry,
// hotlist/parse and hotlist/match; these are their names as callers of
// hotlist know them.

// Entry is one line of a hotlist: a plate, what source listed it, and what
// the patrol is to do about the vehicle, its occupants or its cargo.
type Entry = entry.Entry

// Priority orders hits for the dispatcher: 1 is the most urgent.
type Priority = entry.Priority

// The five levels.
const (
	PriorityCritical = entry.PriorityCritical
	PriorityHigh     = entry.PriorityHigh
	PriorityNormal   = entry.PriorityNormal
	PriorityLow      = entry.PriorityLow
	PriorityInfo     = entry.PriorityInfo
)

// ParsePriority accepts "1".."5" or a level name in English, Dutch or French.
func ParsePriority(s string) (Priority, error) { return entry.ParsePriority(s) }

// NormalizeCountry returns the ISO 3166-1 alpha-2 code for a country as a
// list or a reader writes it ("be", "B", "BE" -> "BE"), "" for unknown.
func NormalizeCountry(s string) (string, error) { return entry.NormalizeCountry(s) }

// Format is the syntax of an imported file.
type Format = parse.Format

// FormatAuto picks CSV or JSON from the file name, else from the first byte
// ('[' is JSON).
const (
	FormatAuto = parse.FormatAuto
	FormatCSV  = parse.FormatCSV
	FormatJSON = parse.FormatJSON
)

// FieldError is one problem in an imported file, located by line and field.
type FieldError = parse.FieldError

// MatchOptions tune the misread tolerance. The zero value is the default.
type MatchOptions = match.MatchOptions

// Hit is one listed entry a read matched.
type Hit = match.Hit

// Matcher matches reads against the active version of every loaded list.
type Matcher = match.Matcher

// ListStats describes one loaded list.
type ListStats = match.ListStats

// NewMatcher returns an empty matcher. It fails only on a bad look-alike table.
func NewMatcher(opt MatchOptions) (*Matcher, error) { return match.NewMatcher(opt) }

// DefaultLookalikes returns the look-alike classes of plate.LookalikeClasses,
// the console's one table.
func DefaultLookalikes() []string { return match.DefaultLookalikes() }

// Kind says how a read matched a listed plate.
type Kind = match.Kind

// The kinds, from the most to the least certain.
const (
	KindExact     = match.KindExact
	KindLookalike = match.KindLookalike
	KindOneEdit   = match.KindOneEdit
)

// Op is what happened to one character between the listed plate and the read.
type Op = match.Op

// The differences a Hit reports.
const (
	OpLookalike  = match.OpLookalike
	OpSubstitute = match.OpSubstitute
	OpExtra      = match.OpExtra
	OpMissing    = match.OpMissing
)

// Diff is one differing position of a Hit.
type Diff = match.Diff

// AlertPolicy decides which hits raise the alarm and which wait quietly.
type AlertPolicy = match.AlertPolicy

// Loudness is an AlertPolicy's verdict.
type Loudness = match.Loudness

// The verdicts, and the list size from which near hits need an urgent entry.
const (
	Alert            = match.Alert
	Quiet            = match.Quiet
	DefaultLargeList = match.DefaultLargeList
)

// ConsoleOptions are the console's matching options (see match.ConsoleOptions).
func ConsoleOptions() MatchOptions { return match.ConsoleOptions() }
