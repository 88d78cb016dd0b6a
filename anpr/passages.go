package anpr

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"image"
	"image/jpeg"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/plate"
	"github.com/politiezone/zoneconsole/sqlitedb"
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
	// Retention is how long passages stay visible to Search (default 30
	// days, the usual term for ANPR data without a hit). Deleting them is
	// Purge's job, on the console's schedule.
	Retention time.Duration
	// Now is the clock; default time.Now. Tests inject a fixed one.
	Now    func() time.Time
	Logger *slog.Logger
}

// Passages is the passage store: SQLite (WAL) at DIR/passages.db, opened
// through sqlitedb (0600, directory 0700), images as JPEG files named by
// their SHA-256 under DIR/images/ab/cdef....jpg (0600 in 0700 directories).
type Passages struct {
	db  *sql.DB
	dir string
	opt PassagesOptions
	log *slog.Logger
	// imgMu orders Add's "write the file if missing, then reference it"
	// against Purge's "no reference left, unlink": without it a purge could
	// unlink a file an Add had just found present and was about to name.
	imgMu sync.Mutex
}

// OpenPassages opens (creating if needed) the store in dir. A store written
// by an older release is migrated once: its plate index is built and its
// image files made private.
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
	if err := sqlitedb.PrivateDir(filepath.Join(dir, "images")); err != nil {
		return nil, fmt.Errorf("anpr: passages: %w", err)
	}
	db, err := sqlitedb.Open(filepath.Join(dir, "passages.db"), sqlitedb.Options{})
	if err != nil {
		return nil, fmt.Errorf("anpr: passages: %w", err)
	}
	log := opt.Logger.With("component", "passages")
	start := time.Now()
	migrated, err := migrate(context.Background(), db, filepath.Join(dir, "images"))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("anpr: passages: %w", err)
	}
	if migrated {
		log.Info("store migrated", "version", passagesVersion, "took", time.Since(start))
	}
	return &Passages{db: db, dir: dir, opt: opt, log: log}, nil
}

// Close closes the database. It is idempotent.
func (p *Passages) Close() error {
	if p.db == nil {
		return nil
	}
	err := p.db.Close()
	p.db = nil
	return err
}

const insertPassage = `INSERT INTO passages (time_ms, first_ms, last_ms, camera, plate, display, country,
	confidence, colour, vtype, reads, crop_sha, vehicle_sha) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`

const refImage = `INSERT INTO passage_images(sha, refs) VALUES (?, 1)
	ON CONFLICT(sha) DO UPDATE SET refs = refs + 1`

// Add stores a passage and its images, and returns its id. Images are
// written before the row, so a row never names a missing file.
func (p *Passages) Add(ctx context.Context, ps Passage) (int64, error) {
	p.imgMu.Lock()
	defer p.imgMu.Unlock()
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
	tx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("anpr: passages: insert: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, insertPassage, ps.Time.UnixMilli(), ps.First.UnixMilli(), ps.Last.UnixMilli(),
		ps.Camera, plate.Normalize(ps.Plate), ps.Display, ps.Country, ps.Confidence, ps.Colour,
		ps.VehicleType, ps.Reads, ps.CropSHA, ps.VehicleSHA)
	if err != nil {
		return 0, fmt.Errorf("anpr: passages: insert %s at %s: %w", ps.Plate, ps.Camera, err)
	}
	for _, h := range []string{ps.CropSHA, ps.VehicleSHA} {
		if h == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, refImage, h); err != nil {
			return 0, fmt.Errorf("anpr: passages: insert %s at %s: image: %w", ps.Plate, ps.Camera, err)
		}
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("anpr: passages: insert: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("anpr: passages: insert %s at %s: %w", ps.Plate, ps.Camera, err)
	}
	return id, nil
}

// putImage writes img as a private JPEG named by its SHA-256 and returns
// the hash. The caller holds imgMu.
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
	// WriteFile: 0600 in a 0700 directory, synced, renamed into place.
	if err := sqlitedb.WriteFile(path, b.Bytes()); err != nil {
		return "", fmt.Errorf("anpr: passages: image: %w", err)
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
