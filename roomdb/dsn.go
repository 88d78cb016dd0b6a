package roomdb

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// CheckDSN accepts a database URL as a zone file or a command line may
// name it: postgres:// (or postgresql://), a host, a database, and no
// password anywhere in it, neither user:password@ nor a password=
// parameter: a zone file is copied and read by many; the password lives in
// the credential store (or ZONECONSOLE_DB_PASSWORD) and is added by
// WithPassword only in memory.
func CheckDSN(dsn string) error {
	u, err := url.Parse(dsn)
	if err != nil {
		// url's message repeats the input, which could hold a password.
		return errors.New("database: not a URL (want postgres://user@host:port/db)")
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return fmt.Errorf("database: scheme %q: want postgres://user@host:port/db", u.Scheme)
	}
	if _, has := u.User.Password(); has {
		return errors.New("database: the URL holds a password: remove it and keep it in the credential store (or ZONECONSOLE_DB_PASSWORD)")
	}
	for k := range u.Query() {
		if strings.EqualFold(k, "password") {
			return errors.New("database: the URL holds a password= parameter: remove it and keep it in the credential store (or ZONECONSOLE_DB_PASSWORD)")
		}
	}
	if u.Host == "" || strings.Trim(u.Path, "/") == "" {
		return errors.New("database: a host and a database are needed: postgres://user@host:port/db")
	}
	return nil
}

// WithPassword is dsn (checked by CheckDSN) with user and password filled
// in; an empty user keeps the URL's, an empty password adds none. The
// result is for pgx alone: never log or show it.
func WithPassword(dsn, user, password string) (string, error) {
	if err := CheckDSN(dsn); err != nil {
		return "", err
	}
	u, _ := url.Parse(dsn)
	if user == "" && u.User != nil {
		user = u.User.Username()
	}
	switch {
	case password != "":
		u.User = url.UserPassword(user, password)
	case user != "":
		u.User = url.User(user)
	}
	return u.String(), nil
}
