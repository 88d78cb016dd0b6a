package pgtest_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/politiezone/zoneconsole/roomdb/pgtest"
)

// TestStartStopRestart starts a server, reaches it, and reaches it again
// after a stop and a restart on the same port.
func TestStartStopRestart(t *testing.T) {
	srv := pgtest.Start(t)
	ping := func() error {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, srv.DSN)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		var one int
		return conn.QueryRow(ctx, "SELECT 1").Scan(&one)
	}
	if err := ping(); err != nil {
		t.Fatalf("server at %s: %v", srv.DSN, err)
	}
	srv.Stop(t)
	if err := ping(); err == nil {
		t.Fatalf("server at %s answered after Stop", srv.DSN)
	}
	srv.Restart(t)
	if err := ping(); err != nil {
		t.Fatalf("server at %s after Restart: %v", srv.DSN, err)
	}
}
