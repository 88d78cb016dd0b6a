package rounds

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"

	"github.com/politiezone/zoneconsole/sqlitedb"
)

// DBName is the file in the data directory that holds the visit
// reports of virtual patrols (and the rounds of the simulated zone as edited).
const DBName = "rounds.db"

const roundsSchema = `
CREATE TABLE IF NOT EXISTS runs (
	id         TEXT PRIMARY KEY,
	round      TEXT NOT NULL,
	area       TEXT NOT NULL,
	user       TEXT NOT NULL,
	role       TEXT NOT NULL,
	console    TEXT NOT NULL,
	just_kind  TEXT NOT NULL,
	just_ref   TEXT NOT NULL,
	just_text  TEXT NOT NULL,
	steps      INTEGER NOT NULL,
	plan       TEXT NOT NULL,            -- the round's steps as run: "cam01,cam02|cam03"
	started    INTEGER NOT NULL,         -- unix nanoseconds, UTC
	ended      INTEGER NOT NULL DEFAULT 0,
	end_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS runs_started ON runs(started);
CREATE TABLE IF NOT EXISTS visits (
	run_id      TEXT NOT NULL REFERENCES runs(id),
	seq         INTEGER NOT NULL,         -- order of the visit in the run
	step        INTEGER NOT NULL,         -- 0-based step of the round
	camera      TEXT NOT NULL,
	view_id     TEXT NOT NULL,
	status      TEXT NOT NULL,            -- seen, lost, refused
	planned_ms  INTEGER NOT NULL,
	extended_ms INTEGER NOT NULL,
	actual_ms   INTEGER NOT NULL,
	first_ms    INTEGER NOT NULL,         -- step start to first frame; -1 when none
	lost_during INTEGER NOT NULL,
	started     INTEGER NOT NULL,
	ended       INTEGER NOT NULL,
	PRIMARY KEY (run_id, seq, camera)
);
CREATE INDEX IF NOT EXISTS visits_camera ON visits(camera, ended);
CREATE TABLE IF NOT EXISTS observations (
	run_id   TEXT NOT NULL REFERENCES runs(id),
	seq      INTEGER NOT NULL,
	step     INTEGER NOT NULL,
	camera   TEXT NOT NULL,
	time     INTEGER NOT NULL,
	user     TEXT NOT NULL,
	note     TEXT NOT NULL,
	snapshot TEXT NOT NULL,               -- path relative to the data directory; '' when none
	unit     TEXT NOT NULL DEFAULT '',    -- the patrol sent to the camera's place, if any
	PRIMARY KEY (run_id, seq)
);
CREATE TABLE IF NOT EXISTS round_defs (
	zone    TEXT PRIMARY KEY,             -- the zone's name
	toml    TEXT NOT NULL,                -- [[round]] tables as in a zone file
	updated INTEGER NOT NULL
);`

// openRoundsDB opens (or creates) DATA/rounds.db. Each run keeps its own
// handle for its lifetime; reports and edits open one per call, so the
// Console needs no field of its own for it.
func openRoundsDB(dataDir string) (*sql.DB, error) {
	path := filepath.Join(dataDir, DBName)
	db, err := sqlitedb.Open(path, sqlitedb.Options{Immediate: true})
	if err != nil {
		return nil, fmt.Errorf("rounds store: %w", err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(context.Background(), roundsSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("rounds store %s: schema: %w", path, err)
	}
	return db, nil
}
