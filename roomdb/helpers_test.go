package roomdb_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/roomdb"
	"github.com/politiezone/zoneconsole/roomdb/pgtest"
)

// newRoom starts a server, migrates it as the superuser and returns it
// with a console opener that logs in as the console role, as a console of
// a room would.
func newRoom(tb testing.TB) (*pgtest.Server, func(console string) *roomdb.Room) {
	tb.Helper()
	srv := pgtest.Start(tb)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := roomdb.Migrate(ctx, srv.DSN); err != nil {
		tb.Fatalf("Migrate: %v", err)
	}
	open := func(console string) *roomdb.Room {
		tb.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		r, err := roomdb.Open(ctx, roomdb.Config{DSN: srv.As(roomdb.ConsoleRole), Room: "dispatch-1", Console: console})
		if err != nil {
			tb.Fatalf("Open(%s): %v", console, err)
		}
		tb.Cleanup(r.Close)
		return r
	}
	return srv, open
}

// entry is a typical live view entry by user at console.
func entry(console, user string, i int) audit.Entry {
	return audit.Entry{
		User: user, Role: "dispatcher", Console: console, Action: audit.ActLiveStart,
		Subject: fmt.Sprintf("camera:cam-%d", i%16), JustKind: "shift", JustText: "watching the station square",
		Outcome: audit.OutcomeAllowed, Reason: "dispatcher on shift", Detail: fmt.Sprintf("view=%d", i),
	}
}

// reportLatencies sorts lat and reports its p50, p95 and maximum.
func reportLatencies(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[(len(lat)*95)/100]), "p95-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
}
