package roomdb

import (
	"net/url"
	"strings"
	"testing"
)

// TestDSN: CheckDSN refuses a password in either place without repeating
// it, and WithPassword fills in user and password only in its result.
func TestDSN(t *testing.T) {
	for _, bad := range []string{
		"postgres://u:s3cret@h/db", "postgres://u@h/db?sslmode=disable&PASSWORD=s3cret",
		"mysql://u@h/db", "postgres://u@h", "postgres:///db", "%zz s3cret",
	} {
		err := CheckDSN(bad)
		if err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("CheckDSN(%q) = %v, want a refusal without the password", bad, err)
		}
	}
	for _, good := range []string{"postgres://u@h:5432/db?sslmode=verify-full", "postgresql://h/db"} {
		if err := CheckDSN(good); err != nil {
			t.Errorf("CheckDSN(%q) = %v", good, err)
		}
	}
	got, err := WithPassword("postgres://u@h:5432/db?sslmode=disable", "", "p@ss:w/rd")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(got)
	if pw, _ := u.User.Password(); u.User.Username() != "u" || pw != "p@ss:w/rd" || u.RawQuery != "sslmode=disable" {
		t.Errorf("WithPassword = %q", got)
	}
	if got, _ := WithPassword("postgres://h/db", "admin", ""); got != "postgres://admin@h/db" {
		t.Errorf("WithPassword with a user only = %q", got)
	}
}
