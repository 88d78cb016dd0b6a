package roomdb

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// PutRoundReport records a finished round's report (JSON, as the console
// encodes it) for the room; a report already there is left as it is.
func (r *Room) PutRoundReport(ctx context.Context, runID string, started time.Time, report []byte) error {
	if _, err := r.pool.Exec(ctx, `INSERT INTO room.round_reports (room, run_id, console, started_at, report)
VALUES ($1, $2, $3, $4, $5) ON CONFLICT (room, run_id) DO NOTHING`, r.cfg.Room, runID, r.cfg.Console, started, report); err != nil {
		return fmt.Errorf("roomdb: round report %s: %w", runID, classify(err))
	}
	return nil
}

// RoundReports are the reports of the rounds started in [from, to) at any
// console of the room, oldest first.
func (r *Room) RoundReports(ctx context.Context, from, to time.Time) ([][]byte, error) {
	rows, err := r.pool.Query(ctx, `SELECT report FROM room.round_reports
WHERE room = $1 AND started_at >= $2 AND started_at < $3 ORDER BY started_at, run_id`, r.cfg.Room, from, to)
	if err != nil {
		return nil, fmt.Errorf("roomdb: round reports: %w", classify(err))
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, fmt.Errorf("roomdb: round reports: %w", classify(err))
	}
	return out, nil
}
