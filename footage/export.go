package footage

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/evidence"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/sqlitedb"
	"github.com/politiezone/zoneconsole/trail"
)

// ExportRequest is an export as an investigator (or a dispatcher, team
// chief) asks for it: which cameras, which period, for which case, into
// which new folder, with the masks burned in unless Unmasked.
type ExportRequest struct {
	Cameras  []string
	From, To time.Time
	Case     string
	Dir      string
	Unmasked bool
	// Progress, when set, gets the bytes of footage done and the total.
	Progress func(done, total int64)
}

// ExportResult is a finished export: its folder and its signed manifest.
type ExportResult = evidence.Result

// Export writes footage to a folder a court can verify: each camera's clip
// (remuxed, or re-encoded with its privacy masks burned in), the manifest
// of every source segment and clip hash, its Ed25519 signature and the
// export key. The policy decides first, for every camera (its age, owner
// and covertness) and for the export as a whole (an unmasked export is its
// own right); the decision and then the outcome (the folder and the
// manifest's hash, or why it failed) are audited.
func (a *Archive) Export(ctx context.Context, s *identity.Session, req ExportRequest, why policy.Reason) (ExportResult, error) {
	act := policy.ActExport
	if req.Unmasked {
		act = policy.ActExportUnmasked
	}
	d := trail.Export{Cameras: req.Cameras, From: req.From.UTC(), To: req.To.UTC(), Case: req.Case, Unmasked: req.Unmasked}
	if len(req.Cameras) == 0 || !req.From.Before(req.To) {
		return ExportResult{}, errors.New("export: at least one camera and a period that is not empty")
	}
	var clips []evidence.CameraClip
	covert := false
	for _, id := range req.Cameras {
		cam, ok := a.cfg.Zone.Camera(id)
		if !ok {
			return ExportResult{}, fmt.Errorf("export: camera %s: not in the zone", id)
		}
		res := a.footageResource(ctx, cam, req.From)
		res.Case = req.Case
		if dec := a.access.Recheck(s, act, res, why); !dec.Allow {
			// The refusal of this camera is what the trail must show.
			_, err := a.access.Check(ctx, s, act, res, why, d)
			return ExportResult{}, err
		}
		covert = covert || cam.Covert
		segs, err := a.idx.List(ctx, cam.ID, req.From, req.To)
		if err != nil {
			return ExportResult{}, fmt.Errorf("export: camera %s: %w", cam.ID, err)
		}
		clip := evidence.CameraClip{ID: cam.ID, Name: cam.Name, Segments: segs}
		if !req.Unmasked {
			clip.Masks = cam.Masks
		}
		clips = append(clips, clip)
	}
	res := policy.Resource{Case: req.Case, Target: "export:" + req.Case, FootageAge: a.now().Sub(req.From), Covert: covert}
	if _, err := a.access.Check(ctx, s, act, res, why, d); err != nil {
		return ExportResult{}, err
	}
	key, err := a.exportKey()
	if err != nil {
		return ExportResult{}, a.exportDone(ctx, s, why, d, ExportResult{}, err)
	}
	out, err := evidence.Export(ctx, evidence.Request{Dir: req.Dir, RecordingsDir: a.recordingsDir(), Cameras: clips,
		From: req.From, To: req.To, Who: s.User.Name, Justification: why.String(), Case: req.Case,
		Authorisation: why.AuthRef, Console: a.cfg.Console, Key: key, Progress: req.Progress, Now: a.now})
	return out, a.exportDone(ctx, s, why, d, out, err)
}

// exportDone audits the outcome of an allowed export.
func (a *Archive) exportDone(ctx context.Context, s *identity.Session, why policy.Reason, d trail.Export, out ExportResult, err error) error {
	d.Done = true
	if err != nil {
		d.Failed = err.Error()
	} else {
		d.Folder = out.Dir
		if b, rerr := os.ReadFile(filepath.Join(out.Dir, evidence.ManifestFile)); rerr == nil {
			sum := sha256.Sum256(b)
			d.Manifest = hex.EncodeToString(sum[:])
		}
		for _, f := range out.Manifest.Files {
			d.Bytes += f.Bytes
		}
	}
	if aerr := a.access.Record(context.WithoutCancel(ctx), s, "export:"+d.Case, why, d); aerr != nil {
		return errors.Join(err, aerr)
	}
	return err
}

// exportKey is the console's export signing key, DATA/keys/export.ed25519
// (made at the first export, 0600). It is not the audit key: a court gets
// export-key.pem, which must say nothing about the audit trail's key.
func (a *Archive) exportKey() (ed25519.PrivateKey, error) {
	path := filepath.Join(a.cfg.DataDir, "keys", "export.ed25519")
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		seed, derr := hex.DecodeString(strings.TrimSpace(string(b)))
		if derr != nil || len(seed) != ed25519.SeedSize {
			return nil, fmt.Errorf("export key %s: not a hex Ed25519 seed", path)
		}
		return ed25519.NewKeyFromSeed(seed), nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("export key: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("export key: %w", err)
	}
	if err := sqlitedb.WriteFile(path, []byte(hex.EncodeToString(priv.Seed())+"\n")); err != nil {
		return nil, err
	}
	return priv, nil
}
