package hotlist

import (
	"errors"
	"fmt"
	"strings"
)

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
