package reports

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/anpr"
	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/recording"
	"github.com/politiezone/zoneconsole/trail"
)

// accessCase is a request for plate 1-ABC-123 with what the console found:
// three passages at the ANPR camera, their footage, two holds (one
// released) and a trail in which some entries concern the plate and some
// do not. want lists the seqs of the entries that concern it.
type accessCase struct {
	in   AccessInput
	want []int64
	dir  string
}

var (
	p1 = day(2026, 2, 10, 10, 0) // under no hold
	p2 = day(2026, 2, 11, 7, 30) // under an open-ended hold
	p3 = day(2026, 1, 20, 18, 0) // its 30 days are over
	p4 = day(2026, 2, 12, 9, 0)  // under a hold ending after its term
)

func newAccessCase(t *testing.T, images bool) accessCase {
	dir := t.TempDir()
	cams, _ := testZone()
	// Passage 2's crop is a stored file named by its hash, passage 3's a
	// file whose bytes are not the ones its hash names.
	good := jpegBytes(t, color.RGBA{200, 200, 0, 255})
	goodSHA := sha(good)
	writeImage(t, dir, goodSHA, good)
	badSHA := sha([]byte("other"))
	writeImage(t, dir, badSHA, jpegBytes(t, color.RGBA{0, 0, 200, 255}))
	ps := []anpr.Passage{
		{ID: 11, Time: p1, Camera: "anpr01", Plate: "1ABC123", Display: "1-ABC-123", Country: "BE", Confidence: 0.97,
			Colour: "white", Crop: solid(color.RGBA{255, 255, 255, 255})},
		{ID: 12, Time: p2, Camera: "anpr01", Plate: "1ABC123", Display: "1-ABC-123", Country: "BE", Confidence: 0.91, CropSHA: goodSHA},
		{ID: 9, Time: p3, Camera: "anpr01", Plate: "1ABC123", Display: "1-ABC-123", Country: "BE", Confidence: 0.88, CropSHA: badSHA},
		{ID: 13, Time: p4, Camera: "anpr01", Plate: "1ABC123", Display: "1-ABC-123", Country: "BE", Confidence: 0.93},
	}
	segs := []recording.Segment{
		{ID: 1, Camera: "anpr01", Stream: "main", Seq: 5, Start: p1.Add(-time.Minute), End: p1.Add(4 * time.Minute), Bytes: 12_500_000},
		{ID: 2, Camera: "anpr01", Stream: "main", Seq: 9, Start: p2.Add(-2 * time.Minute), End: p2.Add(3 * time.Minute), Bytes: 11_000_000},
	}
	holds := []recording.Hold{
		{ID: 1, Cameras: []string{"anpr01"}, From: p2.Add(-time.Hour), To: p2.Add(time.Hour), Case: "PV 1/2026", CreatedBy: "ivo"},
		{ID: 2, Cameras: []string{"anpr01"}, From: p4.Add(-time.Hour), To: p4.Add(time.Hour), Case: "PV 2/2026", CreatedBy: "ivo",
			Until: day(2026, 6, 30, 0, 0)},
		{ID: 3, Cameras: []string{"anpr01"}, From: p1.Add(-time.Hour), To: p1.Add(time.Hour), Case: "PV 0/2026", CreatedBy: "ivo",
			Released: day(2026, 2, 20, 0, 0)},
	}
	l := newLog(t)
	var want []int64
	keep := func(e audit.Entry) { want = append(want, e.Seq) }
	// 1-2: a search whose pattern matches, over the passages, after them.
	s := trail.ANPRSearch{Pattern: "1AB?1*", From: day(2026, 2, 1, 0, 0), To: day(2026, 2, 15, 0, 0)}
	keep(l.add(day(2026, 2, 20, 9, 0), "ivo", "plate:1AB?1*", "judicial", audit.OutcomeAllowed, s))
	s.Done, s.Results = true, 4
	keep(l.add(day(2026, 2, 20, 9, 0), "ivo", "plate:1AB?1*", "judicial", audit.OutcomeAllowed, s))
	// 3: another plate's search.
	l.add(day(2026, 2, 20, 9, 5), "ivo", "plate:2XYZ*", "judicial", audit.OutcomeAllowed, trail.ANPRSearch{Pattern: "2XYZ*"})
	// 4: a search matching the plate that ran before the period asked
	// about (and before any passage was taken).
	l.add(day(2025, 12, 20, 9, 0), "ivo", "plate:1ABC12?", "judicial", audit.OutcomeAllowed,
		trail.ANPRSearch{Pattern: "1ABC12?", From: day(2025, 12, 1, 0, 0)})
	// 5-6: a live view of the ANPR camera while passage 1 was taken.
	l.start(p1.Add(-time.Hour), "anpr01", "v1", "operational")
	want = append(want, l.seq)
	l.stop(p1.Add(time.Hour), "anpr01", "v1", 2*time.Hour, "")
	want = append(want, l.seq)
	// 7-8: the same camera the next day (closed at 17); another camera at
	// that moment (closed at 16).
	l.start(p1.Add(30*time.Hour), "anpr01", "v2", "operational")
	l.start(p1.Add(-time.Minute), "cam01", "v3", "operational")
	// 9-10: the footage of passage 2 played back, and its stop.
	keep(l.add(day(2026, 2, 21, 8, 0), "ivo", "camera:anpr01", "judicial", audit.OutcomeAllowed,
		trail.Playback{Playback: "pb1", Cameras: []string{"anpr01"}, At: p2.Add(-time.Minute)}))
	keep(l.add(day(2026, 2, 21, 8, 10), "ivo", "camera:anpr01", "judicial", audit.OutcomeAllowed,
		trail.PlaybackStop{Playback: "pb1", Cameras: []string{"anpr01"}, Duration: trail.Duration(10 * time.Minute)}))
	// 11: an export over passage 1.
	keep(l.add(day(2026, 2, 22, 8, 0), "ivo", "export:PV 1/2026", "judicial", audit.OutcomeAllowed,
		trail.Export{Cameras: []string{"anpr01", "cam01"}, From: p1.Add(-10 * time.Minute), To: p1.Add(10 * time.Minute), Case: "PV 1/2026"}))
	// 12: a hit on the plate, read with dashes.
	keep(l.add(p2.Add(time.Second), "ann", "hits:feed", "operational", audit.OutcomeAllowed,
		trail.Hit{Hit: "h1", Camera: "anpr01", List: "signalering", Listed: "1ABC123", Read: "1-ABC-123", Confidence: 0.91}))
	// 13: a refused playback of passage 1's footage.
	keep(l.add(day(2026, 2, 23, 8, 0), "gina", "camera:anpr01", "operational", audit.OutcomeDenied,
		trail.Playback{Playback: "pb2", Cameras: []string{"anpr01"}, At: p1}))
	// 14: a settings change, about nothing of this.
	l.add(day(2026, 2, 23, 9, 0), "root", "users", "", audit.OutcomeAllowed, trail.Settings{Change: "user.add", User: "x"})
	// 15: a dispatch for the plate.
	keep(l.add(p2.Add(time.Minute), "ann", "patrol:P1", "operational", audit.OutcomeAllowed,
		trail.Dispatch{Hit: "h1", Plate: "1-ABC-123", Unit: "P1"}))
	// 16-17: the live views of cam01 and of the next day stop.
	l.stop(p1.Add(time.Minute), "cam01", "v3", 2*time.Minute, "")
	l.stop(p1.Add(31*time.Hour), "anpr01", "v2", time.Hour, "")
	return accessCase{dir: dir, want: want, in: AccessInput{
		Request: AccessRequest{Reference: "DPO-2026-017", DPO: "Dana Peeters", Received: day(2026, 2, 25, 0, 0),
			Plate: "1-abc-123", From: day(2026, 1, 1, 0, 0), To: day(2026, 3, 1, 0, 0), Images: images},
		Zone: "PZ Kanton Borgloon", Cameras: cams, Passages: ps,
		ImageFile: func(h string) string { return filepath.Join(dir, h+".jpg") },
		Footage:   segs, Holds: holds, Audit: l.es,
		PassageRetention: 30 * 24 * time.Hour, FootageRetention: 365 * 24 * time.Hour,
		Now: day(2026, 3, 1, 12, 0),
	}}
}

func solid(c color.Color) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 40, 12))
	for y := range 12 {
		for x := range 40 {
			img.Set(x, y, c)
		}
	}
	return img
}

func jpegBytes(t *testing.T, c color.Color) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, solid(c), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sha(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func writeImage(t *testing.T, dir, name string, b []byte) {
	if err := os.WriteFile(filepath.Join(dir, name+".jpg"), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestAccessContent: every passage and segment is listed with the right
// retention, and exactly the entries that concern the plate.
func TestAccessContent(t *testing.T) {
	c := newAccessCase(t, false)
	r, err := Access(c.in)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Passages) != 4 || len(r.Footage) != 2 {
		t.Fatalf("%d passages and %d segments, want 4 and 2", len(r.Passages), len(r.Footage))
	}
	byID := map[int64]PassageItem{}
	for _, p := range r.Passages {
		byID[p.ID] = p
		if p.CropURI != "" || p.VehicleURI != "" {
			t.Errorf("passage %d has an image, none was chosen", p.ID)
		}
		if p.CameraName != "N79 invalsweg" || p.Place != "Tongersesteenweg" {
			t.Errorf("passage %d at %q, %q", p.ID, p.CameraName, p.Place)
		}
	}
	if !slices.IsSortedFunc(r.Passages, func(a, b PassageItem) int { return a.Time.Compare(b.Time) }) {
		t.Error("passages not in time order")
	}
	month := 30 * 24 * time.Hour
	rets := []struct {
		name string
		got  Retention
		want Retention
	}{
		{"passage 1: its term (a released hold does not count)", byID[11].Retention, Retention{Until: p1.Add(month)}},
		{"passage 2: an open-ended hold", byID[12].Retention, Retention{Until: p2.Add(month), Holds: []string{"PV 1/2026"}, UntilReleased: true}},
		{"passage 3: term over, due", byID[9].Retention, Retention{Until: p3.Add(month), Due: true}},
		{"passage 4: a hold past its term", byID[13].Retention, Retention{Until: day(2026, 6, 30, 0, 0), Holds: []string{"PV 2/2026"}}},
		{"segment 1: end plus a year", r.Footage[0].Retention, Retention{Until: p1.Add(4*time.Minute + 365*24*time.Hour)}},
		{"segment 2: held", r.Footage[1].Retention, Retention{Until: p2.Add(3*time.Minute + 365*24*time.Hour), Holds: []string{"PV 1/2026"}, UntilReleased: true}},
	}
	for _, rc := range rets {
		if !rc.got.Until.Equal(rc.want.Until) || !slices.Equal(rc.got.Holds, rc.want.Holds) ||
			rc.got.UntilReleased != rc.want.UntilReleased || rc.got.Due != rc.want.Due {
			t.Errorf("%s: retention %+v, want %+v", rc.name, rc.got, rc.want)
		}
	}
	var got []int64
	for _, e := range r.Consultations {
		got = append(got, e.Seq)
	}
	slices.Sort(got)
	want := slices.Sorted(slices.Values(c.want))
	if !slices.Equal(got, want) {
		t.Errorf("consultations %v, want %v", got, want)
	}
	if r.Refused != 1 {
		t.Errorf("refused %d, want 1", r.Refused)
	}
}

// TestAccessImages: chosen, each image comes from the passage's own image
// or its stored file checked against its hash; a file that does not match
// is named as a problem, not shown.
func TestAccessImages(t *testing.T) {
	c := newAccessCase(t, true)
	r, err := Access(c.in)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]PassageItem{}
	for _, p := range r.Passages {
		byID[p.ID] = p
	}
	if !strings.HasPrefix(byID[11].CropURI, "data:image/jpeg;base64,") {
		t.Errorf("passage 11 (image in memory): %.40q", byID[11].CropURI)
	}
	if !strings.HasPrefix(byID[12].CropURI, "data:image/jpeg;base64,") {
		t.Errorf("passage 12 (stored file): %.40q", byID[12].CropURI)
	}
	if byID[9].CropURI != "" || len(r.Problems) != 1 || !strings.Contains(r.Problems[0], "SHA-256") {
		t.Errorf("passage 9 (file not matching its hash): uri %.30q, problems %q", byID[9].CropURI, r.Problems)
	}
	if byID[13].CropURI != "" {
		t.Error("passage 13 has no image but got one")
	}
}

func TestAccessRefusesIncompleteInput(t *testing.T) {
	tests := []struct {
		name string
		edit func(*AccessInput)
	}{
		{"no reference", func(in *AccessInput) { in.Request.Reference = "" }},
		{"no DPO", func(in *AccessInput) { in.Request.DPO = " " }},
		{"neither plate nor place", func(in *AccessInput) { in.Request.Plate = "--" }},
		{"empty period", func(in *AccessInput) { in.Request.To = in.Request.From }},
		{"no passage retention", func(in *AccessInput) { in.PassageRetention = 0 }},
		{"no footage retention", func(in *AccessInput) { in.FootageRetention = 0 }},
		{"no report time", func(in *AccessInput) { in.Now = time.Time{} }},
	}
	for _, tc := range tests {
		c := newAccessCase(t, false)
		tc.edit(&c.in)
		if _, err := Access(c.in); err == nil {
			t.Errorf("Access(%s) = nil error", tc.name)
		}
	}
}

// TestAccessPlace: a place and period without a plate finds the views of
// the place's cameras in the period, and searches over them.
func TestAccessPlace(t *testing.T) {
	l := newLog(t)
	l.start(day(2026, 5, 1, 9, 0), "cam02", "v1", "event")                           // 1: before and into the period
	l.stop(day(2026, 5, 1, 10, 30), "cam02", "v1", 90*time.Minute, "")               // 2
	l.start(day(2026, 5, 1, 12, 0), "cam02", "v2", "event")                          // 3: after it
	l.stop(day(2026, 5, 1, 12, 5), "cam02", "v2", 5*time.Minute, "")                 // 4
	l.start(day(2026, 5, 1, 10, 0), "cam01", "v3", "event")                          // 5: another camera
	l.add(day(2026, 5, 2, 9, 0), "ivo", "plate:*", "judicial", audit.OutcomeAllowed, // 6: over every camera
		trail.ANPRSearch{Pattern: "*", From: day(2026, 5, 1, 0, 0), To: day(2026, 5, 2, 0, 0)})
	l.add(day(2026, 5, 2, 9, 0), "ivo", "plate:*", "judicial", audit.OutcomeAllowed, // 7: other cameras only
		trail.ANPRSearch{Pattern: "*", Cameras: []string{"anpr01"}, From: day(2026, 5, 1, 0, 0)})
	cams, _ := testZone()
	r, err := Access(AccessInput{Request: AccessRequest{Reference: "DPO-2", DPO: "Dana", Place: "Markt", Cameras: []string{"cam02"},
		From: day(2026, 5, 1, 10, 0), To: day(2026, 5, 1, 11, 0)}, Cameras: cams, Audit: l.es, Now: day(2026, 5, 3, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, e := range r.Consultations {
		got = append(got, e.Seq)
	}
	if want := []int64{1, 2, 6}; !slices.Equal(got, want) {
		t.Errorf("consultations %v, want %v", got, want)
	}
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pat, plate string
		want       bool
	}{
		{"", "1ABC123", true}, {"*", "1ABC123", true}, {"1ABC123", "1ABC123", true},
		{"1AB?1*", "1ABC123", true}, {"1AB?1*", "1ABC223", false}, {"*123", "1ABC123", true},
		{"*C1*", "1ABC123", true}, {"1ABC12", "1ABC123", false}, {"1ABC123?", "1ABC123", false},
		{"?ABC*3", "1ABC123", true}, {"**3", "1ABC123", true},
	}
	for _, tc := range tests {
		if got := globMatch(tc.pat, tc.plate); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tc.pat, tc.plate, got, tc.want)
		}
	}
}
