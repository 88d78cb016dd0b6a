package hits

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/politiezone/zoneconsole/sqlitedb"
	"github.com/politiezone/zoneconsole/zone"
	_ "modernc.org/sqlite" // registers the pure Go driver "sqlite"
)

// hitStore keeps the hits in DATA/hits.db so that a restart of the console
// does not lose the hits of the shift, their status and history (the audit
// trail holds every confirm, reject and dispatch as well). Writes go through
// one goroutine and a bounded queue: the pipeline never waits for the disk.
type hitStore struct {
	db      *sql.DB
	log     *slog.Logger
	queue   chan Hit
	dropped atomic.Uint64
	wg      sync.WaitGroup
	once    sync.Once
}

const hitsSchema = `
CREATE TABLE IF NOT EXISTS hits (
	id              TEXT PRIMARY KEY,
	time_ms         INTEGER NOT NULL,
	alerted_ms      INTEGER NOT NULL,
	camera          TEXT NOT NULL,
	plate           TEXT NOT NULL,
	display         TEXT NOT NULL,
	country         TEXT NOT NULL,
	confidence      REAL NOT NULL,
	passage_id      INTEGER NOT NULL,
	list            TEXT NOT NULL,
	version         INTEGER NOT NULL,
	listed          TEXT NOT NULL,
	listed_country  TEXT NOT NULL,
	source          TEXT NOT NULL,
	measure         TEXT NOT NULL,
	priority        INTEGER NOT NULL,
	remarks         TEXT NOT NULL,
	valid_until_ms  INTEGER NOT NULL,
	match           TEXT NOT NULL,
	diffs           TEXT NOT NULL,
	country_unknown INTEGER NOT NULL,
	status          TEXT NOT NULL,
	reject_reason   TEXT NOT NULL,
	note            TEXT NOT NULL,
	unit            TEXT NOT NULL,
	history         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS hits_time ON hits(time_ms);
CREATE INDEX IF NOT EXISTS hits_reject ON hits(reject_reason, time_ms);
`

// quietColumn is added to a hits.db of before the quiet list (ALTER TABLE
// appends it, so it is the last column in every database).
const quietColumn = `ALTER TABLE hits ADD COLUMN quiet INTEGER NOT NULL DEFAULT 0`

func openHitStore(path string, log *slog.Logger) (*hitStore, error) {
	db, err := sqlitedb.Open(path, sqlitedb.Options{})
	if err != nil {
		return nil, fmt.Errorf("hits: %w", err)
	}
	if _, err := db.Exec(hitsSchema + unitsSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("hits: schema: %w", err)
	}
	if err := addQuietColumn(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("hits: schema %s: %w", path, err)
	}
	s := &hitStore{db: db, log: log.With("component", "hits"), queue: make(chan Hit, 1024)}
	s.wg.Add(1)
	go s.run()
	return s, nil
}

func addQuietColumn(db *sql.DB) error {
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM pragma_table_info('hits') WHERE name = 'quiet'`).Scan(&n); err != nil {
		return fmt.Errorf("reading columns: %w", err)
	}
	if n > 0 {
		return nil
	}
	if _, err := db.Exec(quietColumn); err != nil {
		return fmt.Errorf("adding quiet: %w", err)
	}
	return nil
}

// put queues a copy of the hit for writing; a full queue drops it (logged
// and counted) rather than slow the pipeline.
func (s *hitStore) put(h Hit) {
	select {
	case s.queue <- h:
	default:
		s.dropped.Add(1)
		s.log.Warn("hit not persisted: queue full", "hit", h.ID)
	}
}

func (s *hitStore) run() {
	defer s.wg.Done()
	for h := range s.queue {
		if err := s.write(h); err != nil {
			s.log.Error("hit not persisted", "hit", h.ID, "err", err)
		}
	}
}

func hitMS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func hitFromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

func (s *hitStore) write(h Hit) error {
	diffs, err := json.Marshal(h.Diffs)
	if err != nil {
		return err
	}
	hist, err := json.Marshal(h.History)
	if err != nil {
		return err
	}
	cu, quiet := 0, 0
	if h.CountryUnknown {
		cu = 1
	}
	if h.Quiet {
		quiet = 1
	}
	_, err = s.db.Exec(`INSERT OR REPLACE INTO hits VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		h.ID, hitMS(h.Time), hitMS(h.Alerted), h.Camera.ID, h.Plate, h.Display, h.Country, h.Confidence, h.PassageID,
		h.List, h.ListVersion, h.Listed, h.ListedCountry, h.Source, h.Measure, h.Priority, h.Remarks, hitMS(h.ValidUntil),
		string(h.Match), string(diffs), cu, string(h.Status), string(h.RejectReason), h.Note, h.Unit, string(hist), quiet)
	return err
}

// load returns the newest n hits, oldest first, with their camera records.
// Images are not kept here (the passage store has the passage's).
func (s *hitStore) load(ctx context.Context, n int, camera func(string) zone.Camera) ([]*Hit, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, time_ms, alerted_ms, camera, plate, display, country, confidence,
		passage_id, list, version, listed, listed_country, source, measure, priority, remarks, valid_until_ms, match,
		diffs, country_unknown, status, reject_reason, note, unit, history, quiet FROM hits ORDER BY time_ms DESC LIMIT ?`, n)
	if err != nil {
		return nil, fmt.Errorf("hits: load: %w", err)
	}
	defer rows.Close()
	var out []*Hit
	for rows.Next() {
		var h Hit
		var t, a, vu int64
		var cam, match, diffs, status, reject, hist string
		var cu, quiet int
		if err := rows.Scan(&h.ID, &t, &a, &cam, &h.Plate, &h.Display, &h.Country, &h.Confidence, &h.PassageID,
			&h.List, &h.ListVersion, &h.Listed, &h.ListedCountry, &h.Source, &h.Measure, &h.Priority, &h.Remarks, &vu,
			&match, &diffs, &cu, &status, &reject, &h.Note, &h.Unit, &hist, &quiet); err != nil {
			return nil, fmt.Errorf("hits: load: %w", err)
		}
		h.Time, h.Alerted, h.ValidUntil = hitFromMS(t), hitFromMS(a), hitFromMS(vu)
		h.Camera = camera(cam)
		h.Match, h.Status, h.RejectReason, h.CountryUnknown = MatchKind(match), HitStatus(status), RejectReason(reject), cu == 1
		h.Quiet = quiet == 1
		if err := json.Unmarshal([]byte(diffs), &h.Diffs); err != nil {
			return nil, fmt.Errorf("hits: load %s: diffs: %w", h.ID, err)
		}
		if err := json.Unmarshal([]byte(hist), &h.History); err != nil {
			return nil, fmt.Errorf("hits: load %s: history: %w", h.ID, err)
		}
		out = append(out, &h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("hits: load: %w", err)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// close writes what is queued and closes the database; idempotent.
func (s *hitStore) close() error {
	var err error
	s.once.Do(func() {
		close(s.queue)
		s.wg.Wait()
		err = s.db.Close()
	})
	return err
}
