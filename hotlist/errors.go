package hotlist

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
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

// ValidationError is returned by Import when a file has problems; nothing of
// the file was imported. Errors holds every problem found, in file order, up
// to the first 500; Omitted counts the ones left out.
type ValidationError struct {
	List    string
	Errors  []FieldError
	Omitted int
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	n := len(e.Errors) + e.Omitted
	fmt.Fprintf(&b, "list %s: %d error(s), nothing imported", e.List, n)
	for i, fe := range e.Errors {
		if i == 5 {
			fmt.Fprintf(&b, "; ... and %d more", n-5)
			break
		}
		b.WriteString("; ")
		b.WriteString(fe.Error())
	}
	return b.String()
}

// ErrInvalidList is returned for a list name that is not [a-z0-9_-]{1,32}.
var ErrInvalidList = errors.New("invalid list name")

// maxErrors bounds how many problems one import reports: a wrong file (a
// spreadsheet exported in the wrong order) gives one error per line, and the
// first few hundred say all there is to say.
const maxErrors = 500

type errorList struct {
	errs    []FieldError
	omitted int
}

func (l *errorList) add(line int, field, msg string) {
	if len(l.errs) >= maxErrors {
		l.omitted++
		return
	}
	// Messages quote what the file gave; a megabyte field in each of 500
	// errors would be half a gigabyte of report.
	l.errs = append(l.errs, FieldError{Line: line, Field: clip(field, maxFieldName), Msg: clip(msg, maxMsg)})
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

func (l *errorList) len() int { return len(l.errs) + l.omitted }
