package roomdb

import (
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/jackc/pgx/v5/pgconn"
)

// ErrUnavailable matches (errors.Is) every error of this package that
// comes from the database being unreachable: refused or dropped
// connections, a server shutting down or starting up, a timeout. It is the
// condition a console's offline queue waits out; any other error is a
// refusal that retrying will not cure.
var ErrUnavailable = errors.New("database unavailable")

// ErrClosed is returned by an AuditAppender after Close.
var ErrClosed = errors.New("roomdb: closed")

// classify wraps err with ErrUnavailable when it says the server is out of
// reach, and returns it unchanged otherwise.
func classify(err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) || !unreachable(err) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

func unreachable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08 is connection exceptions; 57P01-03 are the server
		// shutting down, crashing or not yet accepting connections.
		return pe.Code[:2] == "08" || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || pgconn.Timeout(err) || pgconn.SafeToRetry(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed)
}
