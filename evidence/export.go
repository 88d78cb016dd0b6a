package evidence

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/recording"
	"github.com/politiezone/zoneconsole/zone"
)

// CameraClip is one camera of an export: its footage and, when it has
// privacy masks, the masks to burn into the clip.
type CameraClip struct {
	ID       string
	Name     string
	Segments []recording.Segment // the camera's segments over the period (Index.List)
	Masks    []zone.Mask         // none: remuxed as recorded; some: re-encoded with them blacked out
}

// Request is one export, already allowed by the caller.
type Request struct {
	Dir           string // the folder to create; it must not exist
	RecordingsDir string // where segment paths are relative to (DATA/recordings)
	Cameras       []CameraClip
	From, To      time.Time
	Who           string
	Justification string
	Case          string
	Authorisation string // the prosecutor's or judge's reference, when the law asks for one
	Console       string
	Key           ed25519.PrivateKey
	// Progress, when set, is called with bytes of source footage done and
	// the total, from the goroutine running Export.
	Progress func(done, total int64)
	// Now is the clock for the manifest's time; default time.Now.
	Now func() time.Time
}

// Result is a finished export.
type Result struct {
	Dir      string
	Manifest Manifest
}

// fileName keeps a camera id usable as a file name.
var fileName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

func (r *Request) check() error {
	var errs []string
	if r.Dir == "" {
		errs = append(errs, "no folder")
	}
	if !r.From.Before(r.To) {
		errs = append(errs, fmt.Sprintf("period %v to %v is empty", r.From, r.To))
	}
	if len(r.Cameras) == 0 {
		errs = append(errs, "no camera")
	}
	if len(r.Key) != ed25519.PrivateKeySize {
		errs = append(errs, "no Ed25519 key")
	}
	for name, v := range map[string]string{"who": r.Who, "justification": r.Justification, "case": r.Case} {
		if strings.TrimSpace(v) == "" {
			errs = append(errs, "no "+name)
		}
	}
	seen := map[string]bool{}
	for _, c := range r.Cameras {
		if !fileName.MatchString(c.ID) || seen[c.ID] {
			errs = append(errs, fmt.Sprintf("camera id %q: not a file name, or twice", c.ID))
		}
		seen[c.ID] = true
	}
	if len(errs) > 0 {
		return fmt.Errorf("export: %s", strings.Join(errs, "; "))
	}
	return nil
}

// Export writes the clips of the request's cameras over [From, To) and the
// signed manifest into a temporary folder beside req.Dir, and renames it
// to req.Dir only once everything is written and synced: a cancelled (ctx)
// or failed export leaves nothing at req.Dir, and no folder that looks
// complete (the temporary one is removed).
func Export(ctx context.Context, req Request) (res Result, err error) {
	if err := req.check(); err != nil {
		return Result{}, err
	}
	if req.Now == nil {
		req.Now = time.Now
	}
	if _, err := os.Lstat(req.Dir); err == nil || !errors.Is(err, os.ErrNotExist) {
		return Result{}, fmt.Errorf("export: %s: exists already (or cannot be checked: %v)", req.Dir, err)
	}
	parent, base := filepath.Split(filepath.Clean(req.Dir))
	if parent == "" {
		parent = "."
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".partial-")
	if err != nil {
		return Result{}, fmt.Errorf("export: %w", err)
	}
	defer func() {
		if err != nil {
			if rerr := os.RemoveAll(tmp); rerr != nil {
				err = errors.Join(err, fmt.Errorf("removing the unfinished export %s: %w", tmp, rerr))
			}
		}
	}()
	m, err := writeFolder(ctx, tmp, req)
	if err != nil {
		return Result{}, err
	}
	if err := syncDir(tmp); err != nil {
		return Result{}, fmt.Errorf("export: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp, req.Dir); err != nil {
		return Result{}, fmt.Errorf("export: %w", err)
	}
	if err := syncDir(parent); err != nil {
		return Result{Dir: req.Dir, Manifest: m}, fmt.Errorf("export: written, but %w", err)
	}
	return Result{Dir: req.Dir, Manifest: m}, nil
}

// writeFolder writes every file of the export into dir.
func writeFolder(ctx context.Context, dir string, req Request) (Manifest, error) {
	pub := req.Key.Public().(ed25519.PublicKey)
	m := Manifest{
		Format: Format, Created: req.Now().UTC(), Console: req.Console, ExportedBy: req.Who,
		Justification: req.Justification, Case: req.Case, Authorisation: req.Authorisation,
		From: req.From.UTC(), To: req.To.UTC(), PublicKey: base64.StdEncoding.EncodeToString(pub),
	}
	plans := make([]plan, len(req.Cameras))
	prog := &progress{fn: req.Progress}
	for i, c := range req.Cameras {
		plans[i] = planCamera(req.RecordingsDir, c.Segments, req.From, req.To)
		prog.total += plans[i].bytes
	}
	for i, c := range req.Cameras {
		entry, files, err := writeCamera(ctx, dir, c, plans[i], req.From, prog)
		if err != nil {
			return Manifest{}, fmt.Errorf("export: camera %s: %w", c.ID, err)
		}
		m.Cameras = append(m.Cameras, entry)
		m.Files = append(m.Files, files...)
	}
	pemBytes, err := publicKeyPEM(pub)
	if err != nil {
		return Manifest{}, err
	}
	readme, err := writeSmall(dir, ReadmeFile, []byte(readmeText(m, pemBytes)))
	if err != nil {
		return Manifest{}, err
	}
	m.Files = append(m.Files, readme)
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return Manifest{}, fmt.Errorf("export: manifest: %w", err)
	}
	body = append(body, '\n')
	mf, err := writeSmall(dir, ManifestFile, body)
	if err != nil {
		return Manifest{}, err
	}
	if _, err := writeSmall(dir, SignatureFile, ed25519.Sign(req.Key, body)); err != nil {
		return Manifest{}, err
	}
	if _, err := writeSmall(dir, KeyFile, pemBytes); err != nil {
		return Manifest{}, err
	}
	// SHA256SUMS is for sha256sum -c; the manifest and its signature are
	// what vouch for the files.
	var sums strings.Builder
	for _, f := range append(append([]FileEntry(nil), m.Files...), mf) {
		fmt.Fprintf(&sums, "%s  %s\n", f.SHA256, f.Name)
	}
	if _, err := writeSmall(dir, SumsFile, []byte(sums.String())); err != nil {
		return Manifest{}, err
	}
	return m, nil
}

// writeCamera writes the clips of one camera.
func writeCamera(ctx context.Context, dir string, c CameraClip, pl plan, from time.Time, prog *progress) (CameraEntry, []FileEntry, error) {
	e := CameraEntry{ID: c.ID, Name: c.Name, Masked: len(c.Masks) > 0, Masks: c.Masks,
		Gaps: pl.gaps, Unreadable: pl.unreadable, Clips: []ClipEntry{}, Segments: []SegmentEntry{}}
	for _, s := range pl.segments {
		e.Segments = append(e.Segments, SegmentEntry{Path: s.Path, Start: s.Start.UTC(), End: s.End.UTC(), Bytes: s.Bytes,
			SHA256: hex.EncodeToString(s.SHA256), Seq: s.Seq, Chain: hex.EncodeToString(s.Chain)})
	}
	if len(pl.runs) == 0 {
		return e, nil, fmt.Errorf("no footage in the period (%d segments unreadable)", len(pl.unreadable))
	}
	var files []FileEntry
	for k := range pl.runs {
		r := &pl.runs[k]
		name := c.ID + ".mp4"
		if k > 0 {
			name = fmt.Sprintf("%s-%d.mp4", c.ID, k+1)
		}
		hf, err := createHashed(filepath.Join(dir, name), name)
		if err != nil {
			return e, nil, err
		}
		undecodable := 0
		if len(c.Masks) > 0 {
			undecodable, err = writeMasked(ctx, hf, filepath.Join(dir, "."+name+".spool"), r, c.Masks, prog)
		} else {
			err = writeRemux(ctx, hf, r, prog)
		}
		if err != nil {
			hf.abort()
			return e, nil, fmt.Errorf("%s: %w", name, err)
		}
		fe, err := hf.finish()
		if err != nil {
			return e, nil, err
		}
		files = append(files, fe)
		first, last := r.pieces[0], r.pieces[len(r.pieces)-1]
		ls := last.tr.Samples[last.to-1]
		ce := ClipEntry{File: name, SHA256: fe.SHA256, Bytes: fe.Bytes,
			Start:  first.time(first.from).UTC(),
			End:    last.time(last.to - 1).Add(last.tr.Time(int64(ls.Duration))).UTC(),
			Frames: r.frames, Codec: first.tr.Codec.String(), Reencoded: len(c.Masks) > 0, Undecodable: undecodable}
		if len(c.Masks) > 0 {
			ce.Codec = "H264"
		}
		if k == 0 {
			ce.LeadMS = max(0, from.Sub(ce.Start).Milliseconds())
		}
		e.Clips = append(e.Clips, ce)
	}
	return e, files, nil
}

func writeSmall(dir, name string, b []byte) (FileEntry, error) {
	hf, err := createHashed(filepath.Join(dir, name), name)
	if err != nil {
		return FileEntry{}, fmt.Errorf("export: %w", err)
	}
	if _, err := hf.Write(b); err != nil {
		hf.abort()
		return FileEntry{}, fmt.Errorf("export: %s: %w", name, err)
	}
	return hf.finish()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
