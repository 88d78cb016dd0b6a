package hotlist

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"github.com/politiezone/zoneconsole/hotlist/match"
)

// loadVersion streams a stored version straight into b. It scans into
// reused buffers (sql.RawBytes) and interns from them, so loading a million
// entries does not allocate a million sets of strings first.
func (s *Store) loadVersion(ctx context.Context, v Version, b *match.Builder) (skipped int, err error) {
	id, _, err := s.versionID(ctx, v.List, v.Version)
	if err != nil {
		return 0, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT line, plate, country, source, measure, priority, valid_from, valid_until, remarks
		FROM entries WHERE version_id = ? ORDER BY line`, id)
	if err != nil {
		return 0, fmt.Errorf("hotlist: list %s v%d: query entries: %w", v.List, v.Version, err)
	}
	defer rows.Close()
	var (
		line, prio                                       int
		pl, country, source, measure, from, until, remks sql.RawBytes
	)
	for rows.Next() {
		if err := rows.Scan(&line, &pl, &country, &source, &measure, &prio, &from, &until, &remks); err != nil {
			return skipped, fmt.Errorf("hotlist: list %s v%d: scan entry: %w", v.List, v.Version, err)
		}
		var fromU, untilU int64
		if fromU, err = storedUnix(from, math.MinInt64); err != nil {
			return skipped, fmt.Errorf("hotlist: list %s v%d line %d: valid_from: %w", v.List, v.Version, line, err)
		}
		if untilU, err = storedUnix(until, math.MaxInt64); err != nil {
			return skipped, fmt.Errorf("hotlist: list %s v%d line %d: valid_until: %w", v.List, v.Version, line, err)
		}
		if !b.AddStored(line, Priority(prio), fromU, untilU, pl, country, source, measure, remks) {
			skipped++
		}
	}
	if err := rows.Err(); err != nil {
		return skipped, fmt.Errorf("hotlist: list %s v%d: read entries: %w", v.List, v.Version, err)
	}
	return skipped, nil
}

// storedUnix reads a time as formatTime wrote it ("2006-01-02T15:04:05Z"),
// without allocating on that path; open is what an empty value means.
func storedUnix(b []byte, open int64) (int64, error) {
	if len(b) == 0 {
		return open, nil
	}
	if len(b) == 20 && b[4] == '-' && b[7] == '-' && b[10] == 'T' && b[13] == ':' && b[16] == ':' && b[19] == 'Z' {
		num := func(i, n int) (int, bool) {
			v := 0
			for _, c := range b[i : i+n] {
				if c < '0' || c > '9' {
					return 0, false
				}
				v = v*10 + int(c-'0')
			}
			return v, true
		}
		y, ok1 := num(0, 4)
		mo, ok2 := num(5, 2)
		d, ok3 := num(8, 2)
		h, ok4 := num(11, 2)
		mi, ok5 := num(14, 2)
		sec, ok6 := num(17, 2)
		if ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && sec < 60 {
			return time.Date(y, time.Month(mo), d, h, mi, sec, 0, time.UTC).Unix(), nil
		}
	}
	t, err := parseStoredTime(string(b))
	if err != nil {
		return 0, err
	}
	return t.Unix(), nil
}
