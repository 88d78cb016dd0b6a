package anpr

import (
	"context"
	"errors"
	"image"
	"image/color"
	"os"
	"testing"
	"time"
)

func solid(w, h int, c color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, 255
	}
	return img
}

func TestPassagesSearchAndRetention(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := now
	dir := t.TempDir()
	ps, err := OpenPassages(dir, PassagesOptions{Retention: 30 * 24 * time.Hour, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	ctx := context.Background()
	add := func(plate, cam string, at time.Time, withImg bool) Passage {
		p := Passage{Time: at, Camera: cam, Plate: plate, Display: plate, Country: "BE", Confidence: 0.9, Colour: "red", Reads: 3}
		if withImg {
			p.Crop = solid(40, 10, color.RGBA{200, 0, 0, 255})
			p.Vehicle = solid(80, 60, color.RGBA{0, 0, byte(len(plate) * 10), 255})
		}
		id, err := ps.Add(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		p.ID = id
		return p
	}
	old := add("1ABC123", "cam01", now.Add(-40*24*time.Hour), true)
	add("1ABC123", "cam01", now.Add(-2*time.Hour), true)
	add("1ABD123", "cam02", now.Add(-1*time.Hour), true)
	add("2XYZ999", "cam01", now.Add(-30*time.Minute), false)

	tests := []struct {
		name  string
		q     Query
		wantN int
	}{
		{"all in retention", Query{}, 3},
		{"exact with dashes", Query{Pattern: "1-ABC-123"}, 1},
		{"one wildcard", Query{Pattern: "1-AB?-1*"}, 2},
		{"star only", Query{Pattern: "*9"}, 1},
		{"camera set", Query{Pattern: "1AB*", Cameras: []string{"cam02"}}, 1},
		{"two cameras", Query{Cameras: []string{"cam01", "cam02"}}, 3},
		{"time window", Query{From: now.Add(-90 * time.Minute), To: now.Add(-45 * time.Minute)}, 1},
		{"nothing", Query{Pattern: "9ZZZ*"}, 0},
		{"leading star trigram", Query{Pattern: "*BC-12*"}, 1},
		{"leading star no trigram", Query{Pattern: "*B?1*"}, 2},
		{"country", Query{Pattern: "1AB*", Country: "be"}, 2},
		{"other country", Query{Pattern: "1AB*", Country: "NL"}, 0},
		{"colour", Query{Colour: "RED"}, 3},
		{"limit", Query{Limit: 2}, 2},
	}
	for _, tc := range tests {
		got, err := ps.Search(ctx, tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(got) != tc.wantN {
			t.Errorf("%s: Search(%+v) = %d passages, want %d", tc.name, tc.q, len(got), tc.wantN)
		}
	}
	if _, err := ps.Search(ctx, Query{Pattern: "--"}); !errors.Is(err, ErrBadPattern) {
		t.Errorf("Search(--) = %v, want ErrBadPattern", err)
	}
	got, _ := ps.Search(ctx, Query{Pattern: "1ABD123"})
	if len(got) != 1 || got[0].CropSHA == "" || got[0].Camera != "cam02" || got[0].Reads != 3 || got[0].Colour != "red" {
		t.Fatalf("Search(1ABD123) = %+v", got)
	}
	if _, err := os.Stat(ps.ImagePath(got[0].VehicleSHA)); err != nil {
		t.Errorf("vehicle image not stored: %v", err)
	}
	// Retention: the 40-day-old passage is invisible, then purged with its
	// images only when no newer passage shares them.
	n, err := ps.Purge(ctx, clock.Add(-30*24*time.Hour), nil)
	if err != nil || n.Passages != 1 || n.Images != 0 {
		t.Fatalf("Purge = %+v, %v; want 1 passage, no image (both are shared with newer passages)", n, err)
	}
	_ = old
	// Same crop bytes are shared by the newer 1ABC123 passage: still there.
	if _, err := os.Stat(ps.ImagePath(got[0].CropSHA)); err != nil {
		t.Errorf("shared crop removed by purge: %v", err)
	}
	clock = now.Add(31 * 24 * time.Hour)
	if got, _ := ps.Search(ctx, Query{}); len(got) != 0 {
		t.Errorf("after retention: %d passages visible, want 0", len(got))
	}
	if n, _ := ps.Purge(ctx, clock.Add(-30*24*time.Hour), nil); n.Passages != 3 || n.Images != 2 || n.Bytes == 0 {
		t.Errorf("second Purge = %+v, want 3 passages, 2 images (the shared crop and vehicle image)", n)
	}
	if _, err := os.Stat(ps.ImagePath(got[0].CropSHA)); !os.IsNotExist(err) {
		t.Errorf("crop still on disk after every passage was purged: %v", err)
	}
	if err := ps.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ps.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}
