// Package entry is the value a hotlist is made of: one listed plate with
// its source, measure, priority and validity, and the country codes and
// priority names a list or a reader may write. Package parse makes entries
// from files, package match indexes them, package hotlist stores them.
package entry

import (
	"fmt"
	"strings"
	"time"
)

// Entry is one line of a hotlist: a plate, what source listed it, and what
// the patrol is to do about the vehicle, its occupants or its cargo.
type Entry struct {
	Plate    string   // normalised (plate.Normalize): "1ABC123"
	Country  string   // ISO 3166-1 alpha-2 ("BE"); "" when the source does not say
	Source   string   // the identified source: "national wanted notices", "insurance", ...
	Measure  string   // what to do: "intercept, occupants armed", "check insurance", ...
	Priority Priority // 1 (critical) .. 5 (info)
	// ValidFrom and ValidUntil bound when the entry hits: ValidFrom <= now < ValidUntil.
	// A zero ValidFrom means "since always", a zero ValidUntil means open-ended.
	ValidFrom  time.Time
	ValidUntil time.Time
	Remarks    string
	Line       int // line of the imported file the entry came from (1 is the CSV header)
}

// ActiveAt reports whether the entry may hit at now.
func (e Entry) ActiveAt(now time.Time) bool {
	if !e.ValidFrom.IsZero() && now.Before(e.ValidFrom) {
		return false
	}
	return e.ValidUntil.IsZero() || now.Before(e.ValidUntil)
}

// Priority orders hits for the dispatcher: 1 is the most urgent.
type Priority uint8

// The five levels. A file may give the digit or the name in English, Dutch
// or French (see ParsePriority); the store keeps the digit.
const (
	PriorityCritical Priority = 1 // immediate intervention (armed, kidnapping, ...)
	PriorityHigh     Priority = 2 // intercept
	PriorityNormal   Priority = 3 // stop and check
	PriorityLow      Priority = 4 // check when convenient
	PriorityInfo     Priority = 5 // note the passage only, no intervention
)

var priorityNames = [...]string{1: "critical", 2: "high", 3: "normal", 4: "low", 5: "info"}

func (p Priority) String() string {
	if p >= PriorityCritical && p <= PriorityInfo {
		return priorityNames[p]
	}
	return fmt.Sprintf("priority(%d)", uint8(p))
}

// Valid reports whether p is one of the five levels.
func (p Priority) Valid() bool { return p >= PriorityCritical && p <= PriorityInfo }

// ParsePriority accepts "1".."5" or a level name in English, Dutch or French
// (case-insensitive): critical/kritiek/critique, high/hoog/haute,
// normal/normaal/normale, low/laag/basse, info.
func ParsePriority(s string) (Priority, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "1", "critical", "kritiek", "critique":
		return PriorityCritical, nil
	case "2", "high", "hoog", "haute":
		return PriorityHigh, nil
	case "3", "normal", "normaal", "normale":
		return PriorityNormal, nil
	case "4", "low", "laag", "basse":
		return PriorityLow, nil
	case "5", "info":
		return PriorityInfo, nil
	case "":
		return 0, fmt.Errorf("missing (1..5 or critical, high, normal, low, info)")
	}
	return 0, fmt.Errorf("unknown %q (1..5 or critical, high, normal, low, info)", s)
}

// vehicleCodes maps the international distinguishing signs that differ from
// ISO 3166-1 alpha-2 (the oval sticker "B", the EU band's "D") to ISO codes,
// so that a list saying "B" and a reader saying "BE" agree.
var vehicleCodes = map[string]string{
	"B": "BE", "F": "FR", "D": "DE", "L": "LU", "I": "IT", "E": "ES", "P": "PT",
	"A": "AT", "UK": "GB", "IRL": "IE",
}

// NormalizeCountry returns the ISO 3166-1 alpha-2 code for a country as a
// list or a reader writes it ("be", "B", "BE" -> "BE"), "" for unknown.
func NormalizeCountry(s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return "", nil
	}
	if c, ok := vehicleCodes[s]; ok {
		return c, nil
	}
	if len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' {
		return s, nil
	}
	return "", fmt.Errorf("%q is not a two-letter country code", s)
}

// MaxPlateLen bounds a listed plate: the longest European plates have 9 or
// 10 characters, and the matcher packs a plate into 60 bits (12 x 5).
const MaxPlateLen = 12
