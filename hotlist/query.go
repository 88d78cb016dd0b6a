package hotlist

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/politiezone/zoneconsole/hotlist/match"
)

// ErrNoVersion is returned when a list or version does not exist.
var ErrNoVersion = errors.New("no such list version")

const versionCols = `id, list, version, imported_at, imported_by, file_name, format, sha256, entries, pruned_at`

func scanVersion(sc interface{ Scan(...any) error }) (int64, Version, error) {
	var (
		id               int64
		v                Version
		at, form, pruned string
	)
	if err := sc.Scan(&id, &v.List, &v.Version, &at, &v.ImportedBy, &v.FileName, &form, &v.SHA256, &v.Entries, &pruned); err != nil {
		return 0, v, err
	}
	if pruned != "" {
		t, err := time.Parse(time.RFC3339Nano, pruned)
		if err != nil {
			return 0, v, fmt.Errorf("version %s v%d: pruned_at %q: %w", v.List, v.Version, pruned, err)
		}
		v.Pruned = t
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return 0, v, fmt.Errorf("version %s v%d: imported_at %q: %w", v.List, v.Version, at, err)
	}
	v.ImportedAt = t
	switch form {
	case "csv":
		v.Format = FormatCSV
	case "json":
		v.Format = FormatJSON
	}
	return id, v, nil
}

func (s *Store) queryVersions(ctx context.Context, q string, args ...any) ([]Version, []int64, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("hotlist: query versions: %w", err)
	}
	defer rows.Close()
	var (
		vs  []Version
		ids []int64
	)
	for rows.Next() {
		id, v, err := scanVersion(rows)
		if err != nil {
			return nil, nil, fmt.Errorf("hotlist: %w", err)
		}
		vs = append(vs, v)
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("hotlist: query versions: %w", err)
	}
	return vs, ids, nil
}

// Lists returns the active (newest) version of every list, by name.
func (s *Store) Lists(ctx context.Context) ([]Version, error) {
	vs, _, err := s.queryVersions(ctx, `SELECT `+versionCols+` FROM versions v
		WHERE version = (SELECT MAX(version) FROM versions w WHERE w.list = v.list) ORDER BY list`)
	return vs, err
}

// Versions returns every version of a list, newest first.
func (s *Store) Versions(ctx context.Context, list string) ([]Version, error) {
	vs, _, err := s.queryVersions(ctx, `SELECT `+versionCols+` FROM versions WHERE list = ? ORDER BY version DESC`, list)
	return vs, err
}

// versionID finds a version's row; version 0 means the active one.
func (s *Store) versionID(ctx context.Context, list string, version int64) (int64, Version, error) {
	q := `SELECT ` + versionCols + ` FROM versions WHERE list = ? AND version = ?`
	args := []any{list, version}
	if version == 0 {
		q = `SELECT ` + versionCols + ` FROM versions WHERE list = ? ORDER BY version DESC LIMIT 1`
		args = args[:1]
	}
	id, v, err := scanVersion(s.db.QueryRowContext(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return 0, v, fmt.Errorf("hotlist: list %s version %d: %w", list, version, ErrNoVersion)
	}
	if err != nil {
		return 0, v, fmt.Errorf("hotlist: list %s version %d: %w", list, version, err)
	}
	return id, v, nil
}

// Entries returns the entries of one version of a list in file order;
// version 0 means the active one.
func (s *Store) Entries(ctx context.Context, list string, version int64) ([]Entry, error) {
	var out []Entry
	_, err := s.eachEntry(ctx, list, version, func(e Entry) error { out = append(out, e); return nil })
	return out, err
}

// eachEntry streams a version's entries, so that loading a million of them
// into the matcher does not first build a million Entry values.
func (s *Store) eachEntry(ctx context.Context, list string, version int64, fn func(Entry) error) (Version, error) {
	id, v, err := s.versionID(ctx, list, version)
	if err != nil {
		return v, err
	}
	if !v.Pruned.IsZero() {
		return v, fmt.Errorf("hotlist: list %s v%d: %w on %s", list, v.Version, ErrPruned, v.Pruned.Format(time.RFC3339))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT line, plate, country, source, measure, priority, valid_from, valid_until, remarks
		FROM entries WHERE version_id = ? ORDER BY line`, id)
	if err != nil {
		return v, fmt.Errorf("hotlist: list %s v%d: query entries: %w", list, v.Version, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			e           Entry
			prio        int
			from, until string
		)
		if err := rows.Scan(&e.Line, &e.Plate, &e.Country, &e.Source, &e.Measure, &prio, &from, &until, &e.Remarks); err != nil {
			return v, fmt.Errorf("hotlist: list %s v%d: scan entry: %w", list, v.Version, err)
		}
		e.Priority = Priority(prio)
		if e.ValidFrom, err = parseStoredTime(from); err != nil {
			return v, fmt.Errorf("hotlist: list %s v%d line %d: valid_from: %w", list, v.Version, e.Line, err)
		}
		if e.ValidUntil, err = parseStoredTime(until); err != nil {
			return v, fmt.Errorf("hotlist: list %s v%d line %d: valid_until: %w", list, v.Version, e.Line, err)
		}
		if err := fn(e); err != nil {
			return v, err
		}
	}
	if err := rows.Err(); err != nil {
		return v, fmt.Errorf("hotlist: list %s v%d: read entries: %w", list, v.Version, err)
	}
	return v, nil
}

// Refresh loads into the Matcher every list whose active version differs
// from what it holds, for example after `zoneconsole hotlist import` ran in
// another process. Lists it already holds at the active version are left alone.
func (s *Store) Refresh(ctx context.Context) error {
	s.importMu.Lock()
	defer s.importMu.Unlock()
	active, err := s.Lists(ctx)
	if err != nil {
		return err
	}
	held := make(map[string]int64)
	for _, st := range s.matcher.Stats() {
		held[st.List] = st.Version
	}
	for _, v := range active {
		if held[v.List] == v.Version {
			continue
		}
		start := time.Now()
		b := match.NewBuilder(v.List, v.Version, v.Entries)
		skipped, err := s.loadVersion(ctx, v, b)
		if err != nil {
			return err
		}
		if skipped > 0 {
			s.log.Error("entries not indexed", "list", v.List, "version", v.Version, "skipped", skipped)
		}
		s.matcher.Install(b)
		s.log.Info("list loaded", "list", v.List, "version", v.Version, "entries", v.Entries, "took", time.Since(start))
	}
	return nil
}
