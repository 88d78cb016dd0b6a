package anpr

import (
	"context"
	"database/sql"
	"fmt"
	"image/color"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

func openTestPassages(t *testing.T, dir string, now time.Time) *Passages {
	t.Helper()
	ps, err := OpenPassages(dir, PassagesOptions{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ps.Close() })
	return ps
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func TestPurgeHoldsAndCounts(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	ps := openTestPassages(t, dir, now)
	ctx := context.Background()
	add := func(cam string, at time.Time, shade byte) Passage {
		p := Passage{Time: at, Camera: cam, Plate: fmt.Sprintf("1ABC%03d", shade), Country: "BE",
			Crop: solid(40, 10, color.RGBA{shade, 1, 1, 255}), Vehicle: solid(80, 60, color.RGBA{1, shade, 1, 255})}
		id, err := ps.Add(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		p.ID = id
		if err := ps.db.QueryRow(`SELECT crop_sha, vehicle_sha FROM passages WHERE id = ?`, id).Scan(&p.CropSHA, &p.VehicleSHA); err != nil {
			t.Fatal(err)
		}
		return p
	}
	holdFrom, holdTo := now.Add(-50*24*time.Hour), now.Add(-40*24*time.Hour)
	expired := add("cam01", now.Add(-45*24*time.Hour), 10)
	held := add("cam02", now.Add(-45*24*time.Hour), 20)
	expired2 := add("cam02", now.Add(-35*24*time.Hour), 30) // same camera, after the hold
	fresh := add("cam01", now.Add(-2*24*time.Hour), 40)

	var bytes int64
	for _, p := range []Passage{expired, expired2} {
		for _, h := range []string{p.CropSHA, p.VehicleSHA} {
			fi, err := os.Stat(ps.ImagePath(h))
			if err != nil {
				t.Fatal(err)
			}
			bytes += fi.Size()
		}
	}
	keep := func(cam string, at time.Time) bool {
		return cam == "cam02" && !at.Before(holdFrom) && at.Before(holdTo)
	}
	n, err := ps.Purge(ctx, now.Add(-30*24*time.Hour), keep)
	want := PurgeCounts{Passages: 2, Kept: 1, Images: 4, Bytes: bytes}
	if err != nil || n != want {
		t.Fatalf("Purge = %+v, %v; want %+v", n, err, want)
	}
	for _, tc := range []struct {
		p    Passage
		kept bool
	}{{expired, false}, {held, true}, {expired2, false}, {fresh, true}} {
		var c int
		if err := ps.db.QueryRow(`SELECT COUNT(*) FROM passages WHERE id = ?`, tc.p.ID).Scan(&c); err != nil {
			t.Fatal(err)
		}
		if (c == 1) != tc.kept {
			t.Errorf("passage %s at %s: row present %v, want %v", tc.p.Plate, tc.p.Time, c == 1, tc.kept)
		}
		for _, h := range []string{tc.p.CropSHA, tc.p.VehicleSHA} {
			_, err := os.Stat(ps.ImagePath(h))
			if (err == nil) != tc.kept {
				t.Errorf("passage %s: image %s present %v, want %v", tc.p.Plate, h[:8], err == nil, tc.kept)
			}
		}
	}
	// The plate index forgot the purged rows (the FTS delete trigger).
	if got, _ := ps.Search(ctx, Query{Pattern: "*C010"}); len(got) != 0 {
		t.Errorf("purged passage still found: %+v", got)
	}
	// A second run finds nothing new; the hold still keeps its row.
	if n, err := ps.Purge(ctx, now.Add(-30*24*time.Hour), keep); err != nil || n != (PurgeCounts{Kept: 1}) {
		t.Errorf("second Purge = %+v, %v; want only the held row kept", n, err)
	}
	// A crash between the commit and the unlink leaves refs 0 and the file:
	// the next run finishes the job.
	orphan := ps.ImagePath(held.CropSHA)
	if _, err := ps.db.Exec(`UPDATE passage_images SET refs = 0 WHERE sha = ?`, held.CropSHA); err != nil {
		t.Fatal(err)
	}
	if n, err := ps.Purge(ctx, now.Add(-30*24*time.Hour), keep); err != nil || n.Images != 1 {
		t.Errorf("Purge after crash = %+v, %v; want the orphaned image deleted", n, err)
	}
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Errorf("orphaned image still on disk: %v", err)
	}
	// The hold is lifted: everything past the retention goes.
	if n, err := ps.Purge(ctx, now.Add(-30*24*time.Hour), nil); err != nil || n.Passages != 1 || n.Images != 1 {
		t.Errorf("Purge without hold = %+v, %v; want the held passage and its vehicle image", n, err)
	}
}

func TestPurgeManyBatches(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ps := openTestPassages(t, t.TempDir(), now)
	fillPassages(t, ps, 2*purgeBatch+17, now.Add(-60*24*time.Hour), now, rand.New(rand.NewPCG(1, 2)))
	var old, keptOld int
	ps.db.QueryRow(`SELECT COUNT(*), SUM(camera = 'cam003') FROM passages WHERE time_ms < ?`,
		now.Add(-30*24*time.Hour).UnixMilli()).Scan(&old, &keptOld)
	n, err := ps.Purge(context.Background(), now.Add(-30*24*time.Hour), func(cam string, _ time.Time) bool { return cam == "cam003" })
	if err != nil || n.Passages != int64(old-keptOld) || n.Kept != int64(keptOld) {
		t.Fatalf("Purge = %+v, %v; want %d deleted, %d kept", n, err, old-keptOld, keptOld)
	}
}

// fillPassages inserts n passages without images, spread evenly from from
// to to in time order (as the pipeline adds them, so ids follow time), in
// batches: the fixture of the tests and the benchmark.
func fillPassages(tb testing.TB, ps *Passages, n int, from, to time.Time, rng *rand.Rand) {
	tb.Helper()
	const batch = 20000
	span := to.Sub(from).Milliseconds()
	pool := plates(n/5+1, rng)
	colours := []string{"white", "black", "grey", "blue", "red", "green"}
	for done := 0; done < n; {
		tx, err := ps.db.Begin()
		if err != nil {
			tb.Fatal(err)
		}
		st, err := tx.Prepare(insertPassage)
		if err != nil {
			tb.Fatal(err)
		}
		for i := 0; i < batch && done < n; i, done = i+1, done+1 {
			pl := pool[rng.IntN(len(pool))]
			t := from.UnixMilli() + int64(float64(span)*float64(done)/float64(n)) + rng.Int64N(1000)
			if _, err := st.Exec(t, t-500, t+500, fmt.Sprintf("cam%03d", rng.IntN(40)), pl.plate, pl.plate,
				pl.country, 0.8+rng.Float64()/5, colours[rng.IntN(len(colours))], "", 3, "", ""); err != nil {
				tb.Fatal(err)
			}
		}
		st.Close()
		if err := tx.Commit(); err != nil {
			tb.Fatal(err)
		}
	}
}

type fixturePlate struct{ plate, country string }

// plates makes n plates: nine in ten Belgian (1ABC234), the rest Dutch
// (AB123C), French (AB123CD) and German (KAB1234) shapes.
func plates(n int, rng *rand.Rand) []fixturePlate {
	l := func() byte { return 'A' + byte(rng.IntN(26)) }
	d := func() byte { return '0' + byte(rng.IntN(10)) }
	out := make([]fixturePlate, n)
	for i := range out {
		switch r := rng.IntN(100); {
		case r < 90:
			out[i] = fixturePlate{string([]byte{'1' + byte(rng.IntN(9)), l(), l(), l(), d(), d(), d()}), "BE"}
		case r < 94:
			out[i] = fixturePlate{string([]byte{l(), l(), d(), d(), d(), l()}), "NL"}
		case r < 97:
			out[i] = fixturePlate{string([]byte{l(), l(), d(), d(), d(), l(), l()}), "FR"}
		default:
			out[i] = fixturePlate{string([]byte{l(), l(), l(), d(), d(), d(), d()}), "DE"}
		}
	}
	return out
}

// TestSearchPlansAgree runs the same queries through the trigram index and
// the B-tree indexes: the same rows must come back.
func TestSearchPlansAgree(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ps := openTestPassages(t, t.TempDir(), now)
	rng := rand.New(rand.NewPCG(3, 4))
	fillPassages(t, ps, 20000, now.Add(-40*24*time.Hour), now, rng)
	ctx := context.Background()
	pool := plates(50, rng)
	for i, pl := range pool {
		pats := []string{pl.plate[:3] + "*", "*" + pl.plate[2:5] + "*", pl.plate[:2] + "?" + pl.plate[3:], "*" + pl.plate[len(pl.plate)-3:]}
		for _, pat := range pats {
			q := Query{Pattern: pat, Limit: 100000}
			if i%2 == 0 {
				q.From, q.To = now.Add(-10*24*time.Hour), now.Add(-9*24*time.Hour)
				q.Country = pl.country
			}
			plan, fts := choosePlan(pat)
			if plan != planTrigram {
				t.Fatalf("choosePlan(%s) = %s, want trigram", pat, plan)
			}
			a, err := ps.search(ctx, q, pat, planTrigram, fts)
			if err != nil {
				t.Fatal(err)
			}
			b, err := ps.search(ctx, q, pat, planIndex, "")
			if err != nil {
				t.Fatal(err)
			}
			ids := func(xs []Passage) []int64 {
				out := []int64{}
				for _, x := range xs {
					out = append(out, x.ID)
				}
				return out
			}
			if !slices.Equal(ids(a), ids(b)) {
				t.Errorf("Search(%+v): trigram %d rows, index %d rows", q, len(a), len(b))
			}
		}
	}
}

func TestSearchChoosePlan(t *testing.T) {
	tests := []struct {
		pat  string
		plan searchPlan
		fts  string
	}{
		{"1AB?1*", planTrigram, `"1AB"`},
		{"*BC12*", planTrigram, `"BC1" AND "C12"`},
		{"1ABC123", planTrigram, `"1AB" AND "ABC" AND "BC1" AND "C12" AND "123"`},
		{"*A?1*", planIndex, ""},
		{"AB*12", planIndex, ""},
		{"", planIndex, ""},
		{"AAAA", planTrigram, `"AAA"`},
	}
	for _, tc := range tests {
		plan, fts := choosePlan(tc.pat)
		if plan != tc.plan || fts != tc.fts {
			t.Errorf("choosePlan(%q) = %s %q, want %s %q", tc.pat, plan, fts, tc.plan, tc.fts)
		}
	}
}

// TestPassagesMigrateOldStore opens a store as the previous release left it
// (no plate index, no image table, images 0640 in 0750 directories).
func TestPassagesMigrateOldStore(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	sha := "ab" + fmt.Sprintf("%062d", 7)
	img := filepath.Join(dir, "images", "ab", sha[2:]+".jpg")
	if err := os.MkdirAll(filepath.Dir(img), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(img, []byte("jpeg"), 0o640); err != nil {
		t.Fatal(err)
	}
	old, err := sql.Open("sqlite", filepath.Join(dir, "passages.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Exec(passagesSchema); err != nil {
		t.Fatal(err)
	}
	for i, at := range []time.Time{now.Add(-40 * 24 * time.Hour), now.Add(-time.Hour)} {
		if _, err := old.Exec(insertPassage, at.UnixMilli(), at.UnixMilli(), at.UnixMilli(), "cam01",
			fmt.Sprintf("1XYZ%03d", i), "", "BE", 0.9, "red", "", 1, sha, ""); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()
	os.Chmod(filepath.Join(dir, "passages.db"), 0o644)

	ps := openTestPassages(t, dir, now)
	if got, err := ps.Search(context.Background(), Query{Pattern: "*XYZ0*"}); err != nil || len(got) != 1 {
		t.Fatalf("Search(*XYZ0*) after migration = %+v, %v; want the one passage in retention", got, err)
	}
	var v, refs int
	ps.db.QueryRow(`PRAGMA user_version`).Scan(&v)
	ps.db.QueryRow(`SELECT refs FROM passage_images WHERE sha = ?`, sha).Scan(&refs)
	if v != passagesVersion || refs != 2 {
		t.Errorf("after migration: version %d, refs %d; want %d, 2", v, refs, passagesVersion)
	}
	for path, want := range map[string]os.FileMode{
		filepath.Join(dir, "passages.db"): 0o600, filepath.Join(dir, "images"): 0o700,
		filepath.Dir(img): 0o700, img: 0o600,
	} {
		if m := mode(t, path); m != want {
			t.Errorf("%s: mode %o, want %o", path, m, want)
		}
	}
	// The image is shared: the first purge keeps it, the second deletes it.
	ctx := context.Background()
	if n, err := ps.Purge(ctx, now.Add(-30*24*time.Hour), nil); err != nil || n != (PurgeCounts{Passages: 1}) {
		t.Errorf("Purge = %+v, %v", n, err)
	}
	if n, err := ps.Purge(ctx, now, nil); err != nil || n != (PurgeCounts{Passages: 1, Images: 1, Bytes: 4}) {
		t.Errorf("Purge = %+v, %v", n, err)
	}
	// Reopening does not migrate again (the index stays as it is).
	ps.Close()
	ps = openTestPassages(t, dir, now)
	if got, err := ps.Search(ctx, Query{Pattern: "*XYZ*"}); err != nil || len(got) != 0 {
		t.Errorf("Search after reopen = %+v, %v", got, err)
	}
}

func TestPassagesPrivateFiles(t *testing.T) {
	dir := t.TempDir()
	ps := openTestPassages(t, dir, time.Now())
	p := Passage{Time: time.Now(), Camera: "cam01", Plate: "1ABC123", Crop: solid(10, 10, color.RGBA{1, 2, 3, 255})}
	if _, err := ps.Add(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	got, err := ps.Search(context.Background(), Query{Pattern: "1ABC123"})
	if err != nil || len(got) != 1 {
		t.Fatalf("Search = %+v, %v", got, err)
	}
	img := ps.ImagePath(got[0].CropSHA)
	for path, want := range map[string]os.FileMode{
		filepath.Join(dir, "passages.db"): 0o600, filepath.Join(dir, "images"): 0o700,
		filepath.Dir(img): 0o700, img: 0o600,
	} {
		if m := mode(t, path); m != want {
			t.Errorf("%s: mode %o, want %o", path, m, want)
		}
	}
}
