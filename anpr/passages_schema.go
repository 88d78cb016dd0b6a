package anpr

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// passagesVersion is the schema's PRAGMA user_version. 0 is a store made
// before the plate index and the image table (it has only the passages
// table); migrate brings it to passagesVersion once, at open.
const passagesVersion = 2

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

// The plate index: FTS5 with the trigram tokenizer over the normalised
// plate, external content (the passages table holds the plate once; the
// index holds only trigram posting lists) and detail='none' (no positions:
// a plate is one short token run, and the exact match is checked with GLOB
// on passages.plate anyway, so positions would only make the index larger).
// Triggers keep it in step with every writer, the purge included.
//
// images counts the passages that name each image file, so the purge knows
// when a file is no longer needed without scanning 10 M rows per image. A
// row with refs = 0 is a file still to delete: it stays until the file is
// gone, so a crash between the commit and the unlink is finished by the
// next purge instead of leaving the file on disk past the retention.
const passagesSchemaV2 = `
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(
	plate, content='passages', content_rowid='id', tokenize='trigram', detail='none');
CREATE TRIGGER IF NOT EXISTS passages_fts_ins AFTER INSERT ON passages BEGIN
	INSERT INTO passages_fts(rowid, plate) VALUES (new.id, new.plate);
END;
CREATE TRIGGER IF NOT EXISTS passages_fts_del AFTER DELETE ON passages BEGIN
	INSERT INTO passages_fts(passages_fts, rowid, plate) VALUES ('delete', old.id, old.plate);
END;
CREATE TRIGGER IF NOT EXISTS passages_fts_upd AFTER UPDATE OF plate ON passages BEGIN
	INSERT INTO passages_fts(passages_fts, rowid, plate) VALUES ('delete', old.id, old.plate);
	INSERT INTO passages_fts(rowid, plate) VALUES (new.id, new.plate);
END;
CREATE TABLE IF NOT EXISTS passage_images (
	sha  TEXT PRIMARY KEY,
	refs INTEGER NOT NULL
) WITHOUT ROWID;
`

// migrate creates the schema and brings an older store up to
// passagesVersion: the plate index is built from the rows already there
// and the image table counted from them, in one transaction, and the image
// files an older release wrote 0640 in 0750 directories are made private.
func migrate(ctx context.Context, db *sql.DB, imagesDir string) (migrated bool, err error) {
	if _, err := db.ExecContext(ctx, passagesSchema); err != nil {
		return false, fmt.Errorf("schema: %w", err)
	}
	var v int
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return false, fmt.Errorf("schema version: %w", err)
	}
	if v >= passagesVersion {
		return false, nil
	}
	// The files first: this step is idempotent, so a failure here leaves
	// the version unchanged and the next open tries again.
	if err := privateTree(imagesDir); err != nil {
		return false, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	steps := []string{
		passagesSchemaV2,
		`INSERT INTO passages_fts(passages_fts) VALUES ('rebuild')`,
		`DELETE FROM passage_images`,
		`INSERT INTO passage_images(sha, refs)
			SELECT sha, COUNT(*) FROM (
				SELECT crop_sha AS sha FROM passages WHERE crop_sha != ''
				UNION ALL SELECT vehicle_sha FROM passages WHERE vehicle_sha != '')
			GROUP BY sha`,
		fmt.Sprintf(`PRAGMA user_version = %d`, passagesVersion),
	}
	for _, s := range steps {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return false, fmt.Errorf("migrate: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migrate: %w", err)
	}
	return true, nil
}

// privateTree makes dir and every directory under it 0700 and every file
// 0600.
func privateTree(dir string) error {
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		mode := os.FileMode(0o600)
		if d.IsDir() {
			mode = 0o700
		}
		return os.Chmod(path, mode)
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("images: %w", err)
	}
	return nil
}
