package anpr

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the pure Go driver "sqlite"

	"github.com/politiezone/zoneconsole/plate"
)

// Passage is one vehicle passing one camera: the best of the reads merged by
// the Tracker.
type Passage struct {
	ID          int64
	Time        time.Time // when the best read was taken
	First, Last time.Time // the vehicle was read from First to Last
	Camera      string
	Plate       string // normalised
	Display     string
	Country     string
	Confidence  float64
	Colour      string // dominant colour above the plate: "white", "red", ...
	VehicleType string // "" when unknown
	Reads       int    // reads merged into this passage
	CropSHA     string // SHA-256 (hex) of the plate crop JPEG, "" if none
	VehicleSHA  string // SHA-256 (hex) of the vehicle image JPEG, "" if none

	// Crop and Vehicle are the images to store with Add; they are not
	// loaded back by queries (use Passages.ImagePath).
	Crop    image.Image `json:"-"`
	Vehicle image.Image `json:"-"`
}

// PassagesOptions configures a passage store.
type PassagesOptions struct {
	// Retention is how long passages stay visible and kept (default 30 days,
	// the usual term for ANPR data without a hit).
	Retention time.Duration
	// Now is the clock; default time.Now. Tests inject a fixed one.
	Now    func() time.Time
	Logger *slog.Logger
}

// Passages is the passage store: SQLite (WAL) at DIR/passages.db, images as
// JPEG files named by their SHA-256 under DIR/images/ab/cdef....jpg.
type Passages struct {
	db   *sql.DB
	dir  string
	opt  PassagesOptions
	log  *slog.Logger
	stmt *sql.Stmt
}

const passagesSchema = `
CREATE TABLE IF NOT EXISTS passages (
	id          INTEGER PRIMARY KEY,
	time_ms     INTEGER NOT NULL,
	first_ms    INTEGER NOT NULL,
	last_ms     INTEGER NOT NULL,
	camera      TEXT NOT NULL,
	plate       TEXT NOT NULL,
	display     TEXT NOT NULL,
	country     TEXT NOT NULL,
	confidence  REAL NOT NULL,
	colour      TEXT NOT NULL,
	vtype       TEXT NOT NULL,
	reads       INTEGER NOT NULL,
	crop_sha    TEXT NOT NULL,
	vehicle_sha TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_time ON passages(time_ms);
CREATE INDEX IF NOT EXISTS passages_plate ON passages(plate, time_ms);
CREATE INDEX IF NOT EXISTS passages_camera ON passages(camera, time_ms);
`

// OpenPassages opens (creating if needed) the store in dir.
func OpenPassages(dir string, opt PassagesOptions) (*Passages, error) {
	if opt.Retention <= 0 {
		opt.Retention = 30 * 24 * time.Hour
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(filepath.Join(dir, "images"), 0o750); err != nil {
		return nil, fmt.Errorf("anpr: passages: %w", err)
	}
	dsn := filepath.Join(dir, "passages.db") + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("anpr: passages: open: %w", err)
	}
	if _, err := db.Exec(passagesSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("anpr: passages: schema: %w", err)
	}
	st, err := db.Prepare(`INSERT INTO passages (time_ms, first_ms, last_ms, camera, plate, display, country,
		confidence, colour, vtype, reads, crop_sha, vehicle_sha) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("anpr: passages: prepare: %w", err)
	}
	return &Passages{db: db, dir: dir, opt: opt, log: opt.Logger.With("component", "passages"), stmt: st}, nil
}

// Close closes the database. It is idempotent.
func (p *Passages) Close() error {
	if p.db == nil {
		return nil
	}
	p.stmt.Close()
	err := p.db.Close()
	p.db = nil
	return err
}

// Add stores a passage and its images, and returns its id. Images are
// written before the row, so a row never names a missing file.
func (p *Passages) Add(ctx context.Context, ps Passage) (int64, error) {
	var err error
	if ps.Crop != nil {
		if ps.CropSHA, err = p.putImage(ps.Crop, 90); err != nil {
			return 0, err
		}
	}
	if ps.Vehicle != nil {
		if ps.VehicleSHA, err = p.putImage(ps.Vehicle, 80); err != nil {
			return 0, err
		}
	}
	if ps.First.IsZero() {
		ps.First = ps.Time
	}
	if ps.Last.IsZero() {
		ps.Last = ps.Time
	}
	res, err := p.stmt.ExecContext(ctx, ps.Time.UnixMilli(), ps.First.UnixMilli(), ps.Last.UnixMilli(),
		ps.Camera, plate.Normalize(ps.Plate), ps.Display, ps.Country, ps.Confidence, ps.Colour,
		ps.VehicleType, ps.Reads, ps.CropSHA, ps.VehicleSHA)
	if err != nil {
		return 0, fmt.Errorf("anpr: passages: insert %s at %s: %w", ps.Plate, ps.Camera, err)
	}
	return res.LastInsertId()
}

// putImage writes img as a JPEG named by its SHA-256 and returns the hash.
func (p *Passages) putImage(img image.Image, quality int) (string, error) {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: quality}); err != nil {
		return "", fmt.Errorf("anpr: passages: encode image: %w", err)
	}
	sum := sha256.Sum256(b.Bytes())
	h := hex.EncodeToString(sum[:])
	path := p.ImagePath(h)
	if _, err := os.Stat(path); err == nil {
		return h, nil // same bytes already stored
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return "", fmt.Errorf("anpr: passages: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o640); err != nil {
		return "", fmt.Errorf("anpr: passages: write image: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("anpr: passages: write image: %w", err)
	}
	return h, nil
}

// ImagePath is where the image with this SHA-256 (hex) is stored.
func (p *Passages) ImagePath(sha string) string {
	if len(sha) < 3 {
		return filepath.Join(p.dir, "images", "invalid")
	}
	return filepath.Join(p.dir, "images", sha[:2], sha[2:]+".jpg")
}

// Query selects passages. Zero fields do not filter.
type Query struct {
	// Pattern matches the normalised plate: '?' is one character, '*' any
	// run of characters; separators are ignored ("1-AB?-1*" finds 1ABC123).
	// Empty matches every plate.
	Pattern string
	From    time.Time // inclusive
	To      time.Time // exclusive
	Cameras []string
	Limit   int // default 1000
}

// ErrBadPattern is returned for a search pattern with nothing to match.
var ErrBadPattern = errors.New("anpr: bad plate pattern")

// NormalizePattern turns a user's pattern into the stored form: capitals,
// digits, '?' and '*' only.
func NormalizePattern(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '?' || r == '*' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Search returns the passages matching q within the retention period, newest
// first. The caller (the console) audits the search before calling it.
func (p *Passages) Search(ctx context.Context, q Query) ([]Passage, error) {
	where := []string{"time_ms >= ?"}
	args := []any{p.opt.Now().Add(-p.opt.Retention).UnixMilli()}
	if q.Pattern != "" {
		pat := NormalizePattern(q.Pattern)
		if pat == "" {
			return nil, fmt.Errorf("%w: %q", ErrBadPattern, q.Pattern)
		}
		where = append(where, "plate GLOB ?")
		args = append(args, pat)
	}
	if !q.From.IsZero() {
		where = append(where, "time_ms >= ?")
		args = append(args, q.From.UnixMilli())
	}
	if !q.To.IsZero() {
		where = append(where, "time_ms < ?")
		args = append(args, q.To.UnixMilli())
	}
	if len(q.Cameras) > 0 {
		where = append(where, "camera IN (?"+strings.Repeat(",?", len(q.Cameras)-1)+")")
		for _, c := range q.Cameras {
			args = append(args, c)
		}
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 1000
	}
	args = append(args, limit)
	rows, err := p.db.QueryContext(ctx, `SELECT id, time_ms, first_ms, last_ms, camera, plate, display, country,
		confidence, colour, vtype, reads, crop_sha, vehicle_sha FROM passages WHERE `+
		strings.Join(where, " AND ")+` ORDER BY time_ms DESC, id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("anpr: passages: search: %w", err)
	}
	defer rows.Close()
	var out []Passage
	for rows.Next() {
		var ps Passage
		var t, f, l int64
		if err := rows.Scan(&ps.ID, &t, &f, &l, &ps.Camera, &ps.Plate, &ps.Display, &ps.Country,
			&ps.Confidence, &ps.Colour, &ps.VehicleType, &ps.Reads, &ps.CropSHA, &ps.VehicleSHA); err != nil {
			return nil, fmt.Errorf("anpr: passages: scan: %w", err)
		}
		ps.Time, ps.First, ps.Last = time.UnixMilli(t).UTC(), time.UnixMilli(f).UTC(), time.UnixMilli(l).UTC()
		out = append(out, ps)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("anpr: passages: search: %w", err)
	}
	return out, nil
}

// Purge deletes the passages older than the retention period and the images
// no remaining passage refers to. It returns how many passages it deleted.
func (p *Passages) Purge(ctx context.Context) (int64, error) {
	cut := p.opt.Now().Add(-p.opt.Retention).UnixMilli()
	rows, err := p.db.QueryContext(ctx, `SELECT crop_sha, vehicle_sha FROM passages WHERE time_ms < ?`, cut)
	if err != nil {
		return 0, fmt.Errorf("anpr: passages: purge: %w", err)
	}
	var shas []string
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			rows.Close()
			return 0, fmt.Errorf("anpr: passages: purge: %w", err)
		}
		shas = append(shas, a, b)
	}
	rows.Close()
	// An error part-way through would leave the images of the unlisted rows
	// on disk for good once the rows are deleted.
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("anpr: passages: purge: %w", err)
	}
	res, err := p.db.ExecContext(ctx, `DELETE FROM passages WHERE time_ms < ?`, cut)
	if err != nil {
		return 0, fmt.Errorf("anpr: passages: purge: %w", err)
	}
	n, _ := res.RowsAffected()
	for _, h := range shas {
		if h == "" {
			continue
		}
		var still int
		if err := p.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM passages WHERE crop_sha = ? OR vehicle_sha = ?`, h, h).Scan(&still); err != nil {
			return n, fmt.Errorf("anpr: passages: purge: %w", err)
		}
		if still == 0 {
			if err := os.Remove(p.ImagePath(h)); err != nil && !errors.Is(err, os.ErrNotExist) {
				p.log.Warn("purge: image not removed", "sha", h, "err", err)
			}
		}
	}
	return n, nil
}
