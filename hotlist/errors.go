package hotlist

import (
	"errors"
	"fmt"
	"strings"
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
	l.errs = append(l.errs, FieldError{Line: line, Field: field, Msg: msg})
}

func (l *errorList) len() int { return len(l.errs) + l.omitted }
