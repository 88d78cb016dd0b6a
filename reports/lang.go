package reports

import (
	"fmt"
	"strings"
	"time"
)

// Lang is the language a document is written in.
type Lang string

// The languages of the zone's documents: Dutch (the default), French and
// English.
const (
	NL Lang = "nl"
	FR Lang = "fr"
	EN Lang = "en"
)

// ParseLang reads "nl", "fr" or "en" (any case); "" is Dutch.
func ParseLang(s string) (Lang, error) {
	switch l := Lang(strings.ToLower(strings.TrimSpace(s))); l {
	case "":
		return NL, nil
	case NL, FR, EN:
		return l, nil
	}
	return "", fmt.Errorf("reports: language %q: want nl, fr or en", s)
}

func (l Lang) index() int {
	switch l {
	case FR:
		return 1
	case EN:
		return 2
	}
	return 0
}

// text looks key up. A key missing from the dictionary is an error, not the
// key itself printed, so that a template naming a word nobody translated
// fails its test instead of reaching a citizen.
func (l Lang) text(key string) (string, error) {
	w, ok := dictionary[key]
	if !ok {
		return "", fmt.Errorf("reports: no translation for %q", key)
	}
	return w[l.index()], nil
}

// word is text for keys the code (not a template) names, and that a test
// holds to the dictionary; the key itself is the fallback.
func (l Lang) word(key string) string {
	if s, err := l.text(key); err == nil {
		return s
	}
	return key
}

// months are the month names, January first.
var months = [3][12]string{
	{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
	{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// shortMonth is the chart label of month m (1..12).
func (l Lang) shortMonth(m time.Month) string {
	s := []rune(months[l.index()][m-1])
	if len(s) > 4 {
		s = s[:3]
	}
	return string(s)
}

// date writes a day as the reader's language does ("3 maart 2026",
// "March 3, 2026").
func (l Lang) date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	m := months[l.index()][t.Month()-1]
	if l == EN {
		return fmt.Sprintf("%s %d, %d", m, t.Day(), t.Year())
	}
	return fmt.Sprintf("%d %s %d", t.Day(), m, t.Year())
}

// stamp is a date with the time of day to the second, which is what an
// audit entry or a passage needs to be found again.
func (l Lang) stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return l.date(t) + " " + t.Format("15:04:05")
}

// hours writes a duration as decimal hours with the language's decimal
// mark ("12,5" in Dutch and French).
func (l Lang) hours(d time.Duration) string {
	s := fmt.Sprintf("%.1f", d.Hours())
	if l != EN {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
