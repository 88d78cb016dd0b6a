package parse

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// FieldError is one problem in an imported file, located by line and field.
// Line 0 means the file as a whole (empty, unreadable).
type FieldError struct {
	Line  int
	Field string // "plate", "valid_until", "header", "json", ...
	Msg   string
}

func (e FieldError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.Field, e.Msg)
	}
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Msg)
}

// maxErrors bounds how many problems one file reports: a wrong file (a
// spreadsheet exported in the wrong order) gives one error per line, and the
// first few hundred say all there is to say.
const maxErrors = 500

// Errors collects the problems of one file, in file order, up to the first
// 500; Omitted counts the ones left out.
type Errors struct {
	List    []FieldError
	Omitted int
}

// Add records a problem at line (0: the file as a whole) in field.
func (l *Errors) Add(line int, field, msg string) {
	if len(l.List) >= maxErrors {
		l.Omitted++
		return
	}
	// Messages quote what the file gave; a megabyte field in each of 500
	// errors would be half a gigabyte of report.
	l.List = append(l.List, FieldError{Line: line, Field: clip(field, maxFieldName), Msg: clip(msg, maxMsg)})
}

// Bounds of one FieldError's text.
const (
	maxFieldName = 64
	maxMsg       = 300
)

// clip shortens s to at most n bytes, on a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	n -= len("...")
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// fieldName is how an error names a key the file gave: as is when it is a
// plain name (the usual "colour"), quoted otherwise, so that a key made of
// control characters or terminal escapes is shown, not obeyed.
func fieldName(key string) string {
	for i := 0; i < len(key); i++ {
		if c := key[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return strconv.QuoteToASCII(clip(key, maxFieldName))
		}
	}
	if key == "" {
		return `""`
	}
	return key
}

// Len is how many problems were found, those omitted included.
func (l *Errors) Len() int { return len(l.List) + l.Omitted }
