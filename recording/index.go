package recording

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/politiezone/zoneconsole/sqlitedb"
)

// Segment is one row of the index.
type Segment struct {
	ID     int64
	Camera string
	Stream string // "main" or "sub"
	Seq    int64  // position in the camera's chain, from 1; 0 while open
	Start  time.Time
	End    time.Time // zero while open
	Path   string    // relative to the recordings directory
	Bytes  int64
	SHA256 []byte
	Prev   []byte // chain hash of the camera's previous segment (zeros for the first)
	Chain  []byte
	// Deleted is when the cleaner removed the file; the row stays so the
	// chain stays whole.
	Deleted time.Time
}

// Closed tells whether the segment was closed (hashed and chained).
func (s Segment) Closed() bool { return s.Seq > 0 }

// Index is the SQLite segment index (and the hold store) of a recordings
// directory. One Index serves every camera; its methods are safe for
// concurrent use.
type Index struct {
	db *sql.DB
}

const schema = `
CREATE TABLE IF NOT EXISTS segments (
	id       INTEGER PRIMARY KEY,
	camera   TEXT NOT NULL,
	stream   TEXT NOT NULL,
	seq      INTEGER NOT NULL DEFAULT 0,
	start_ns INTEGER NOT NULL,
	end_ns   INTEGER NOT NULL DEFAULT 0,
	path     TEXT NOT NULL UNIQUE,
	bytes    INTEGER NOT NULL DEFAULT 0,
	sha256   BLOB,
	prev     BLOB,
	chain    BLOB,
	deleted_ns INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS segments_camera_start ON segments(camera, start_ns);
CREATE INDEX IF NOT EXISTS segments_live_end ON segments(end_ns) WHERE deleted_ns = 0 AND seq > 0;
CREATE INDEX IF NOT EXISTS segments_open ON segments(seq) WHERE seq = 0;
CREATE TABLE IF NOT EXISTS holds (
	id          INTEGER PRIMARY KEY,
	from_ns     INTEGER NOT NULL,
	to_ns       INTEGER NOT NULL,
	case_ref    TEXT NOT NULL,
	until_ns    INTEGER NOT NULL DEFAULT 0,
	created_by  TEXT NOT NULL,
	created_ns  INTEGER NOT NULL,
	released_ns INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS hold_cameras (
	hold_id INTEGER NOT NULL REFERENCES holds(id),
	camera  TEXT NOT NULL,
	PRIMARY KEY (hold_id, camera)
);
`

// OpenIndex opens (creating) the index at path.
func OpenIndex(path string) (*Index, error) {
	db, err := sqlitedb.Open(path, sqlitedb.Options{Immediate: true})
	if err != nil {
		return nil, fmt.Errorf("recording index: %w", err)
	}
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("recording index %s: schema: %w", path, err)
	}
	return &Index{db: db}, nil
}

// OpenIndexReadOnly opens an existing index for verify and list.
func OpenIndexReadOnly(path string) (*Index, error) {
	db, err := sqlitedb.Open(path, sqlitedb.Options{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("recording index: %w", err)
	}
	return &Index{db: db}, nil
}

// Close closes the database.
func (x *Index) Close() error { return x.db.Close() }

func ns(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(0, v).UTC()
}

// addOpen records a segment that is about to be written, before its file
// exists, so that a crash leaves a row to recover and never a stray file.
func (x *Index) addOpen(ctx context.Context, camera, stream, path string, start time.Time) (int64, error) {
	r, err := x.db.ExecContext(ctx, `INSERT INTO segments(camera, stream, start_ns, path) VALUES(?,?,?,?)`,
		camera, stream, ns(start), path)
	if err != nil {
		return 0, fmt.Errorf("camera %s: index segment %s: %w", camera, path, err)
	}
	return r.LastInsertId()
}

// dropOpen removes an open row whose file holds nothing worth keeping.
func (x *Index) dropOpen(ctx context.Context, id int64) error {
	_, err := x.db.ExecContext(ctx, `DELETE FROM segments WHERE id = ? AND seq = 0`, id)
	return err
}

// closeSegment chains and closes the open row id: the previous chain hash
// and the sequence number are read in the same transaction.
func (x *Index) closeSegment(ctx context.Context, id int64, end time.Time, size int64, sum []byte) (Segment, error) {
	tx, err := x.db.BeginTx(ctx, nil)
	if err != nil {
		return Segment{}, fmt.Errorf("close segment %d: %w", id, err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	s, err := scanSegment(tx.QueryRowContext(ctx, `SELECT `+segCols+` FROM segments WHERE id = ?`, id))
	if err != nil {
		return Segment{}, fmt.Errorf("close segment %d: %w", id, err)
	}
	if s.Closed() {
		return Segment{}, fmt.Errorf("close segment %s: already closed", s.Path)
	}
	prev := make([]byte, 32)
	var lastSeq int64
	var p []byte
	err = tx.QueryRowContext(ctx, `SELECT seq, chain FROM segments WHERE camera = ? AND seq > 0 ORDER BY seq DESC LIMIT 1`, s.Camera).Scan(&lastSeq, &p)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return Segment{}, fmt.Errorf("camera %s: close segment %s: %w", s.Camera, s.Path, err)
	default:
		prev = p
	}
	s.Seq, s.End, s.Bytes, s.SHA256, s.Prev = lastSeq+1, end.UTC(), size, sum, prev
	s.Chain = chainHash(s)
	if _, err := tx.ExecContext(ctx, `UPDATE segments SET seq=?, end_ns=?, bytes=?, sha256=?, prev=?, chain=? WHERE id=?`,
		s.Seq, ns(s.End), s.Bytes, s.SHA256, s.Prev, s.Chain, id); err != nil {
		return Segment{}, fmt.Errorf("camera %s: close segment %s: %w", s.Camera, s.Path, err)
	}
	if err := tx.Commit(); err != nil {
		return Segment{}, fmt.Errorf("camera %s: close segment %s: %w", s.Camera, s.Path, err)
	}
	return s, nil
}

const segCols = `id, camera, stream, seq, start_ns, end_ns, path, bytes, sha256, prev, chain, deleted_ns`

type scanner interface{ Scan(...any) error }

func scanSegment(r scanner) (Segment, error) {
	var s Segment
	var start, end, del int64
	if err := r.Scan(&s.ID, &s.Camera, &s.Stream, &s.Seq, &start, &end, &s.Path, &s.Bytes, &s.SHA256, &s.Prev, &s.Chain, &del); err != nil {
		return Segment{}, err
	}
	s.Start, s.End, s.Deleted = fromNS(start), fromNS(end), fromNS(del)
	return s, nil
}

func (x *Index) query(ctx context.Context, q string, args ...any) ([]Segment, error) {
	rows, err := x.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Segment
	for rows.Next() {
		s, err := scanSegment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// List returns the closed, not deleted segments of camera that overlap
// [from, to), in start order. An empty camera lists every camera; a zero
// from or to leaves that side open.
func (x *Index) List(ctx context.Context, camera string, from, to time.Time) ([]Segment, error) {
	toNS := int64(1<<63 - 1)
	if !to.IsZero() {
		toNS = to.UnixNano()
	}
	var out []Segment
	var err error
	if camera == "" {
		out, err = x.query(ctx, `SELECT `+segCols+` FROM segments WHERE seq > 0 AND deleted_ns = 0
			AND start_ns < ? AND end_ns > ? ORDER BY camera, start_ns`, toNS, ns(from))
	} else {
		// A camera's segments do not overlap, so those touching [from, to)
		// are the last one starting at or before from plus those starting
		// inside: both are ranges of the (camera, start) index, where
		// "end > from" alone would scan the camera's whole year.
		out, err = x.query(ctx, `SELECT `+segCols+` FROM (
			SELECT * FROM (SELECT * FROM segments WHERE camera = ? AND start_ns <= ? ORDER BY start_ns DESC LIMIT 4)
			UNION
			SELECT * FROM segments WHERE camera = ? AND start_ns > ? AND start_ns < ?)
			WHERE seq > 0 AND deleted_ns = 0 AND start_ns < ? AND end_ns > ? ORDER BY start_ns`,
			camera, ns(from), camera, ns(from), toNS, toNS, ns(from))
	}
	if err != nil {
		return nil, fmt.Errorf("list segments of %q: %w", camera, err)
	}
	return out, nil
}

// openSegments returns the rows that were never closed.
func (x *Index) openSegments(ctx context.Context) ([]Segment, error) {
	return x.query(ctx, `SELECT `+segCols+` FROM segments WHERE seq = 0 ORDER BY id`)
}

// chainRows returns every closed row (deleted ones too), by camera and seq.
func (x *Index) chainRows(ctx context.Context) ([]Segment, error) {
	return x.query(ctx, `SELECT `+segCols+` FROM segments WHERE seq > 0 ORDER BY camera, seq`)
}
