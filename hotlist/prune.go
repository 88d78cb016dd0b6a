package hotlist

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrPruned is returned for the entries of a version whose entries were pruned.
var ErrPruned = errors.New("entries pruned")

// migrate brings a store made by an earlier build up to the current schema.
func migrate(ctx context.Context, db execQuerier) error {
	rows, err := db.QueryContext(ctx, `SELECT name FROM pragma_table_info('versions')`)
	if err != nil {
		return err
	}
	defer rows.Close()
	have := false
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		have = have || name == "pruned_at"
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if !have {
		_, err = db.ExecContext(ctx, `ALTER TABLE versions ADD COLUMN pruned_at TEXT NOT NULL DEFAULT ''`)
	}
	return err
}

// PruneEntries deletes the entries of every version that is no longer
// active and was imported before cutoff, and keeps the version records (who,
// when, file name and SHA-256, entry count), so the history of each list
// stays auditable while the store no longer grows by a whole list per import
// (about 110 MB per million entries). The freed pages are reused by later
// imports; the file does not shrink. It returns how many versions it pruned.
func (s *Store) PruneEntries(ctx context.Context, cutoff time.Time) (int, error) {
	s.importMu.Lock()
	defer s.importMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("hotlist: prune: begin: %w", err)
	}
	defer func() {
		if err := tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
			s.log.Error("prune: rollback", "err", err)
		}
	}()
	rows, err := tx.QueryContext(ctx, `SELECT `+versionCols+` FROM versions v
		WHERE pruned_at = '' AND version < (SELECT MAX(version) FROM versions w WHERE w.list = v.list)`)
	if err != nil {
		return 0, fmt.Errorf("hotlist: prune: query versions: %w", err)
	}
	var ids []int64
	for rows.Next() {
		id, v, err := scanVersion(rows)
		if err != nil {
			rows.Close()
			return 0, fmt.Errorf("hotlist: prune: %w", err)
		}
		// imported_at is text with a variable number of decimals: compare here, not in SQL.
		if v.ImportedAt.Before(cutoff) {
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("hotlist: prune: read versions: %w", err)
	}
	at := s.now().UTC().Format(time.RFC3339Nano)
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `DELETE FROM entries WHERE version_id = ?`, id); err != nil {
			return 0, fmt.Errorf("hotlist: prune version %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE versions SET pruned_at = ? WHERE id = ?`, at, id); err != nil {
			return 0, fmt.Errorf("hotlist: prune version %d: %w", id, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("hotlist: prune: commit: %w", err)
	}
	if len(ids) > 0 {
		s.log.Info("pruned old list versions", "versions", len(ids), "cutoff", cutoff)
	}
	return len(ids), nil
}

// execQuerier is what migrate needs of a *sql.DB.
type execQuerier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}
