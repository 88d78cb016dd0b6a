package footage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/anpr"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/recording"
	"github.com/politiezone/zoneconsole/trail"
)

// Hold is an evidence hold on recorded footage.
type Hold = recording.Hold

// HoldRequest is a hold as an investigator, team chief or DPO asks for it:
// which cameras, which period, for which case, until when (zero: until it
// is released).
type HoldRequest struct {
	Cameras  []string
	From, To time.Time
	Case     string
	Until    time.Time
}

// PlaceHold keeps the footage of the cameras in the period from every
// deletion. The policy decides first (investigators, team chiefs and the
// DPO; an administrative or judicial ground with its reference), the audit
// entry names the cameras, the period, the case and what is held now, and
// only then is the hold stored.
func (a *Archive) PlaceHold(ctx context.Context, s *identity.Session, req HoldRequest, why policy.Reason) (Hold, error) {
	req.Case = strings.TrimSpace(req.Case)
	for _, id := range req.Cameras {
		if _, ok := a.cfg.Zone.Camera(id); !ok {
			return Hold{}, fmt.Errorf("hold: camera %s: not in the zone", id)
		}
	}
	segs, bytes := a.covered(ctx, req.Cameras, req.From, req.To)
	d := trail.Hold{Cameras: req.Cameras, From: req.From.UTC(), To: req.To.UTC(), Case: req.Case, Until: req.Until,
		Segments: segs, Bytes: bytes}
	res := policy.Resource{Case: req.Case, Target: "hold:" + req.Case, FootageAge: a.now().Sub(req.From)}
	if _, err := a.access.Check(ctx, s, policy.ActHold, res, why, d); err != nil {
		return Hold{}, err
	}
	h, err := a.idx.AddHold(ctx, recording.Hold{Cameras: req.Cameras, From: req.From, To: req.To, Case: req.Case,
		Until: req.Until, CreatedBy: s.User.Name, Created: a.now()})
	if err != nil {
		return Hold{}, err
	}
	return h, nil
}

// ReleaseHold ends a hold now (the case is closed): checked and audited as
// the placing was; the footage then follows the retention again.
func (a *Archive) ReleaseHold(ctx context.Context, s *identity.Session, id int64, why policy.Reason) (Hold, error) {
	var h Hold
	all, err := a.idx.Holds(ctx)
	if err != nil {
		return Hold{}, err
	}
	for _, x := range all {
		if x.ID == id {
			h = x
		}
	}
	if h.ID == 0 {
		return Hold{}, fmt.Errorf("hold %d: %w", id, recording.ErrNoHold)
	}
	d := trail.Hold{Hold: id, Cameras: h.Cameras, From: h.From, To: h.To, Case: h.Case, Release: true}
	if _, err := a.access.Check(ctx, s, policy.ActHold, policy.Resource{Case: h.Case, Target: "hold:" + h.Case}, why, d); err != nil {
		return Hold{}, err
	}
	return a.idx.ReleaseHold(ctx, id, a.now())
}

// Holds lists the holds (with their case references) to a session that
// may place them: checked and audited as one consultation.
func (a *Archive) Holds(ctx context.Context, s *identity.Session, why policy.Reason) ([]Hold, error) {
	if _, err := a.access.Check(ctx, s, policy.ActHold, policy.Resource{Target: "holds"}, why, trail.Hold{}); err != nil {
		return nil, err
	}
	return a.idx.Holds(ctx)
}

// covered counts the recorded segments of the cameras in the period.
func (a *Archive) covered(ctx context.Context, cams []string, from, to time.Time) (int, int64) {
	n, b := 0, int64(0)
	for _, c := range cams {
		segs, err := a.idx.List(ctx, c, from, to)
		if err != nil {
			continue
		}
		for _, s := range segs {
			if s.Deleted.IsZero() {
				n++
				b += s.Bytes
			}
		}
	}
	return n, b
}

// HeldAt snapshots the active holds now and tells, for a camera and a
// moment, whether one keeps it (the passage retention job asks it for
// every passage past the retention; it hands out no hold).
func (a *Archive) HeldAt(ctx context.Context) (func(camera string, t time.Time) bool, error) {
	holds, err := a.idx.Holds(ctx)
	if err != nil {
		return nil, err
	}
	now := a.now()
	return func(camera string, t time.Time) bool {
		for _, h := range holds {
			if h.Active(now) && h.Covers(camera, t, t.Add(time.Nanosecond)) {
				return true
			}
		}
		return false
	}, nil
}

// SegmentsFor lists what a data-subject request concerns of the
// recordings: the segments of the cameras asked about in the period, and
// of each camera a passage of the plate was seen by, around that passage;
// and the holds that may keep them. It is for the DPO's report, which the
// caller decided and audited.
func (a *Archive) SegmentsFor(ctx context.Context, cameras []string, from, to time.Time, passages []anpr.Passage) ([]recording.Segment, []recording.Hold, error) {
	if to.IsZero() {
		to = a.now()
	}
	seen := map[int64]bool{}
	var out []recording.Segment
	add := func(cam string, f, t time.Time) error {
		segs, err := a.idx.List(ctx, cam, f, t)
		if err != nil {
			return err
		}
		for _, s := range segs {
			if s.Closed() && s.Deleted.IsZero() && !seen[s.ID] {
				seen[s.ID] = true
				out = append(out, s)
			}
		}
		return nil
	}
	for _, c := range cameras {
		if err := add(c, from, to); err != nil {
			return nil, nil, err
		}
	}
	for _, p := range passages {
		if err := add(p.Camera, p.Time.Add(-time.Minute), p.Time.Add(time.Minute)); err != nil {
			return nil, nil, err
		}
	}
	holds, err := a.idx.Holds(ctx)
	if err != nil {
		return nil, nil, err
	}
	return out, holds, nil
}
