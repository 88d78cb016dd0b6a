package evidence

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestExportRemux exports a period spanning every recorded segment: ffprobe
// reads the clip and its duration is the period plus the documented
// keyframe lead, within one frame interval; every frame is there; the
// README's two commands (sha256sum -c, openssl pkeyutl -verify) pass; and
// Verify finds the folder intact with the right key.
func TestExportRemux(t *testing.T) {
	f := footage(t)
	req := request(t, f, nil)
	var calls int
	var last, total int64
	req.Progress = func(done, tot int64) { calls, last, total = calls+1, done, tot }
	res, err := Export(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 || last != total || total == 0 {
		t.Errorf("progress: %d calls, last %d of %d", calls, last, total)
	}
	cam := res.Manifest.Cameras[0]
	if len(cam.Clips) != 1 || cam.Masked || len(cam.Segments) != len(f.segs) {
		t.Fatalf("manifest camera = %+v; want one unmasked clip from %d segments", cam, len(f.segs))
	}
	clip := cam.Clips[0]
	frame := f.frameInterval()
	lead := time.Duration(clip.LeadMS) * time.Millisecond
	if clip.Start.After(req.From) || lead < 0 || lead > time.Second+frame {
		t.Errorf("clip starts %v, lead %v before %v: want the keyframe at or before, within a GOP", clip.Start, lead, req.From)
	}
	p := ffprobe(t, filepath.Join(res.Dir, clip.File))
	want := req.To.Sub(req.From) + lead
	// The clip runs to the first frame at or after To and ffprobe counts
	// that frame's whole duration: up to one frame over, plus the jitter of
	// the simulator's frame stamps on a loaded machine (seen: 0.3 ms past
	// one frame), so half a frame of slack, still far from a frame missing
	// or a GOP too many.
	if d := p.duration - want; d.Abs() > frame+frame/2 {
		t.Errorf("ffprobe duration %v, period %v + lead %v = %v: more than 1.5 frames (%v each) apart", p.duration, req.To.Sub(req.From), lead, want, frame)
	}
	if p.codec != "h264" || p.width != 1280 || p.frames != clip.Frames {
		t.Errorf("ffprobe: %s %dpx, %d frames; manifest %d frames", p.codec, p.width, p.frames, clip.Frames)
	}
	t.Logf("clip %s: %d bytes, %d frames, ffprobe %v for the period %v + lead %v", clip.File, clip.Bytes, p.frames, p.duration, req.To.Sub(req.From), lead)

	sums := exec.Command(needTool(t, "sha256sum"), "-c", SumsFile)
	sums.Dir = res.Dir
	if out, err := sums.CombinedOutput(); err != nil {
		t.Errorf("sha256sum -c: %v\n%s", err, out)
	}
	if out, err := opensslVerify(t, res.Dir); err != nil || !strings.Contains(out, "Signature Verified Successfully") {
		t.Errorf("openssl pkeyutl -verify: %v\n%s", err, out)
	}
	rep, err := Verify(res.Dir, req.Key.Public().(ed25519.PublicKey))
	if err != nil || !rep.Intact() || rep.ExitCode() != 0 {
		t.Errorf("Verify = %v, %v; want intact", rep.Differences, err)
	}
	b, err := os.ReadFile(filepath.Join(res.Dir, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil || m.Case != req.Case || m.ExportedBy != req.Who ||
		m.Justification != req.Justification || m.Console != req.Console || !m.From.Equal(req.From) {
		t.Errorf("manifest.json = %+v, %v", m, err)
	}
	for i, s := range m.Cameras[0].Segments {
		if s.SHA256 == "" || s.Path != f.segs[i].Path {
			t.Errorf("manifest segment %d = %+v, want %s with its hash", i, s, f.segs[i].Path)
		}
	}
	readme, _ := os.ReadFile(filepath.Join(res.Dir, ReadmeFile))
	for _, want := range []string{"sha256sum -c SHA256SUMS", "openssl pkeyutl -verify -pubin -inkey export-key.pem -rawin -in manifest.json -sigfile manifest.sig"} {
		if !strings.Contains(string(readme), want) {
			t.Errorf("README.txt does not say %q", want)
		}
	}
	if _, err := Export(context.Background(), req); err == nil {
		t.Error("a second export into the same folder succeeded")
	}
}

// opensslVerify runs the README's openssl command in dir.
func opensslVerify(t testing.TB, dir string) (string, error) {
	cmd := exec.Command(needTool(t, "openssl"), "pkeyutl", "-verify", "-pubin", "-inkey", KeyFile,
		"-rawin", "-in", ManifestFile, "-sigfile", SignatureFile)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestCancelledExportLeavesNothing cancels an export once it has started
// writing: no folder at Dir, and no half folder beside it.
func TestCancelledExportLeavesNothing(t *testing.T) {
	f := footage(t)
	req := request(t, f, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req.Progress = func(done, total int64) {
		if done > total/3 {
			cancel()
		}
	}
	_, err := Export(ctx, req)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Export after cancel = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(req.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s after a cancelled export: %v", req.Dir, err)
	}
	left, _ := os.ReadDir(filepath.Dir(req.Dir))
	for _, e := range left {
		t.Errorf("left beside the export: %s", e.Name())
	}
}

func TestRequestChecked(t *testing.T) {
	f := footage(t)
	tests := []struct {
		name string
		mod  func(*Request)
	}{
		{"no case", func(r *Request) { r.Case = " " }},
		{"no justification", func(r *Request) { r.Justification = "" }},
		{"empty period", func(r *Request) { r.To = r.From }},
		{"no key", func(r *Request) { r.Key = nil }},
		{"camera id with a slash", func(r *Request) { r.Cameras[0].ID = "../x" }},
		{"no camera", func(r *Request) { r.Cameras = nil }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := request(t, f, nil)
			tc.mod(&req)
			if _, err := Export(context.Background(), req); err == nil {
				t.Errorf("Export with %s succeeded", tc.name)
			}
			if _, err := os.Stat(req.Dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s: folder made: %v", tc.name, err)
			}
		})
	}
}

// TestExportNamesAMissingSegment exports over a segment whose file is gone:
// the manifest names it as unreadable and the hole as a gap, and the clip
// still covers the period on the capture clock (the frame before the hole
// is held over it).
func TestExportNamesAMissingSegment(t *testing.T) {
	f := footage(t)
	if len(f.segs) < 3 {
		t.Skip("needs three segments")
	}
	dir := copyFootage(t, f)
	gone := f.segs[1]
	if err := os.Remove(filepath.Join(dir, gone.Path)); err != nil {
		t.Fatal(err)
	}
	req := request(t, f, nil)
	req.RecordingsDir = dir
	res, err := Export(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	cam := res.Manifest.Cameras[0]
	if len(cam.Unreadable) != 1 || cam.Unreadable[0].Path != gone.Path {
		t.Errorf("unreadable = %v, want %s", cam.Unreadable, gone.Path)
	}
	if len(cam.Gaps) != 1 || cam.Gaps[0].From.After(gone.Start.Add(f.frameInterval())) || cam.Gaps[0].To.Before(gone.End.Add(-f.frameInterval())) {
		t.Errorf("gaps = %v, want the missing segment's %v to %v", cam.Gaps, gone.Start, gone.End)
	}
	clip := cam.Clips[0]
	p := ffprobe(t, filepath.Join(res.Dir, clip.File))
	if d := p.duration - clip.End.Sub(clip.Start); d.Abs() > f.frameInterval() {
		t.Errorf("ffprobe %v, clip %v to %v", p.duration, clip.Start, clip.End)
	}
	if rep, err := Verify(res.Dir, nil); err != nil || !rep.Intact() {
		t.Errorf("Verify = %v, %v", rep.Differences, err)
	}
}
