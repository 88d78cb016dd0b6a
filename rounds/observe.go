package rounds

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/politiezone/zoneconsole/hits"
	"github.com/politiezone/zoneconsole/trail"
)

// maxObservationNote keeps an observation a short note, not a report.
const maxObservationNote = 280

// snapshotWait is how long an observation waits for a frame to keep.
const snapshotWait = 2 * time.Second

// Observation is a camera marked during a run: a short note and a
// snapshot (JPEG in DATA/rounds/<run>/, Snapshot is relative to DATA).
type Observation struct {
	RunID    string
	Seq      int
	Step     int
	Camera   string
	Time     time.Time
	User     string
	Note     string
	Snapshot string
	// Unit is the call sign of the patrol sent to the camera's place.
	Unit string
}

// ErrNoCameraOnScreen is returned by Observe when the step shows no camera.
var ErrNoCameraOnScreen = errors.New("no camera of the current step is on screen")

// Observe marks a camera of the current step (cameraID "" is the first one
// on screen) with a note and a snapshot of its newest frame, privacy masks
// applied. The observation is audited and belongs to the run's report. When
// no frame can be had the note is kept without a snapshot and the error says
// so.
func (r *Run) Observe(ctx context.Context, cameraID, note string) (Observation, error) {
	note = strings.TrimSpace(note)
	if len(note) > maxObservationNote {
		return Observation{}, fmt.Errorf("observation: note longer than %d bytes", maxObservationNote)
	}
	if strings.IndexFunc(note, unicode.IsControl) >= 0 {
		return Observation{}, errors.New("observation: the note holds control characters")
	}
	st := r.State()
	if st.Ended {
		return Observation{}, errors.New("observation: the round has ended")
	}
	var slot *Slot
	for i := range st.Slots {
		if st.Slots[i].View != nil && (cameraID == "" || st.Slots[i].Camera.ID == cameraID) {
			slot = &st.Slots[i]
			break
		}
	}
	if slot == nil {
		return Observation{}, fmt.Errorf("observation %s: %w", cameraID, ErrNoCameraOnScreen)
	}
	r.mu.Lock()
	r.obs++
	seq := r.obs
	r.mu.Unlock()
	o := Observation{RunID: r.ID, Seq: seq, Step: st.Step, Camera: slot.Camera.ID, Time: r.c.now(),
		User: r.sess.User.Name, Note: note}

	var snapErr error
	img, err := slot.View.Snapshot(ctx, snapshotWait)
	if err == nil {
		var b bytes.Buffer
		if err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err == nil {
			rel := filepath.Join("rounds", r.ID, fmt.Sprintf("obs-%02d-%s.jpg", seq, slot.Camera.ID))
			err = writeFileSync(filepath.Join(r.c.dataDir, rel), b.Bytes())
			if err == nil {
				o.Snapshot = rel
			}
		}
	}
	if err != nil {
		snapErr = fmt.Errorf("observation snapshot: %w", err)
		r.log.Warn("observation without snapshot", "camera", slot.Camera.ID, "err", err)
	}
	if err := r.c.access.Record(ctx, r.sess, "camera:"+slot.Camera.ID, r.why,
		trail.Observation{Run: r.ID, Seq: seq, Note: note, Snapshot: o.Snapshot}); err != nil {
		return o, fmt.Errorf("observation: %w", err)
	}
	if err := r.insertObservation(ctx, o); err != nil {
		return o, err
	}
	r.emit(Event{Kind: Observed, Step: st.Step, Camera: o.Camera})
	return o, snapErr
}

// writeFileSync writes a private file and syncs it: a snapshot is evidence
// of what was seen.
func writeFileSync(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// SendPatrol sends the nearest free patrol to the place of an observation's
// camera (app's dispatch: checked and audited as a dispatch with the note),
// and notes the unit in the run's report.
func (r *Run) SendPatrol(ctx context.Context, o Observation) (hits.Assignment, error) {
	if o.RunID != r.ID || o.Seq == 0 {
		return hits.Assignment{}, errors.New("send patrol: not an observation of this run")
	}
	a, err := r.c.desk.DispatchToCamera(ctx, r.sess, o.Camera, fmt.Sprintf("round=%s run=%s obs=%d %s", r.round.Name, r.ID, o.Seq, o.Note))
	if err != nil {
		return hits.Assignment{}, fmt.Errorf("send patrol to %s: %w", o.Camera, err)
	}
	// The run's handle closes when the run ends; the dispatch may come after.
	db, err := openRoundsDB(r.c.dataDir)
	if err != nil {
		return a, err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `UPDATE observations SET unit = ? WHERE run_id = ? AND seq = ?`,
		a.Unit.CallSign, r.ID, o.Seq); err != nil {
		return a, fmt.Errorf("round report %s: %w", r.ID, err)
	}
	return a, nil
}
