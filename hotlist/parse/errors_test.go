package parse

import (
	"strings"
	"testing"
)

// An error message quotes what the file gave, bounded: 500 errors on
// megabyte fields must not make a gigabyte report.
func TestFieldErrorsBounded(t *testing.T) {
	var errs Errors
	errs.Add(2, strings.Repeat("k", 1000), strings.Repeat("é", 1000))
	fe := errs.List[0]
	if len(fe.Field) > maxFieldName || len(fe.Msg) > maxMsg || !strings.HasSuffix(fe.Msg, "...") {
		t.Errorf("FieldError of %d+%d bytes, want at most %d+%d", len(fe.Field), len(fe.Msg), maxFieldName, maxMsg)
	}
}
