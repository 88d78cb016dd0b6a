package reports

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/anpr"
	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/plate"
	"github.com/politiezone/zoneconsole/recording"
	"github.com/politiezone/zoneconsole/trail"
	"github.com/politiezone/zoneconsole/zone"
)

// AccessRequest is a person's data-subject access request as the DPO
// registered it: a plate, and/or a place (its cameras) and a period.
type AccessRequest struct {
	Reference string    // the request's file reference
	DPO       string    // who answers it
	Received  time.Time // when the request came in
	Plate     string    // the person's plate, any spelling ("1-abc-123"); "" for a place only
	Place     string    // the place as the person described it
	Cameras   []string  // the cameras that see that place
	From, To  time.Time // the period asked about; zero: open
	// Images: whether the plate crops and vehicle images go into the
	// report. The DPO decides (a third party's car may be in the picture).
	Images bool
}

// AccessInput is the request and what the console found for it, already
// read under the DPO's rights.
type AccessInput struct {
	Request AccessRequest
	Zone    string
	Cameras []zone.Camera // the zone's cameras, for names and places
	// Passages are the passages found (anpr.Passages.Search). Their Crop
	// and Vehicle images, when set, are used; otherwise ImageFile names
	// the stored JPEG of a hash (anpr.Passages.ImagePath).
	Passages  []anpr.Passage
	ImageFile func(sha string) string
	// Footage is the recorded footage that concerns the request (the
	// segment index rows).
	Footage []recording.Segment
	// Holds are the evidence holds: they keep passages and footage past
	// their retention.
	Holds []recording.Hold
	// Audit are the entries to look through for who consulted the plate,
	// the cameras or the period: Access keeps those that concern the
	// request (see concerns) and drops the rest.
	Audit []audit.Entry
	// PassageRetention and FootageRetention are the zone's terms: a
	// passage is kept until its time plus the first, footage until its
	// end plus the second, unless a hold keeps it longer.
	PassageRetention, FootageRetention time.Duration
	Now                                time.Time // when the report is made
	Location                           *time.Location
}

// Retention is how long one item is kept.
type Retention struct {
	Until time.Time // deleted after this (the latest of the term and any hold's end)
	// Holds are the case references of the active holds that keep it.
	Holds []string
	// UntilReleased: a hold without an end keeps it until it is released.
	UntilReleased bool
	// Due: past its term and under no hold, the next cleaning deletes it.
	Due bool
}

// PassageItem is one passage in the report.
type PassageItem struct {
	anpr.Passage
	CameraName, Place string
	Retention         Retention
	// CropURI and VehicleURI are data: URIs, only when images were chosen.
	CropURI, VehicleURI string
}

// FootageItem is one recorded segment in the report.
type FootageItem struct {
	recording.Segment
	CameraName, Place string
	Retention         Retention
}

// Consultation is one audit entry that concerns the request: who did
// what, when, on which ground.
type Consultation struct {
	audit.Entry
	// Detail is the entry's typed detail (nil when it could not be read:
	// Raw then holds the text).
	Detail trail.Detail
	Raw    string
	// Because says why it concerns the request: "plate", "search",
	// "camera" (a camera and period of the request), "hit".
	Because string
}

// AccessReport is the content of the answer.
type AccessReport struct {
	Request       AccessRequest
	Zone          string
	Made          time.Time
	Passages      []PassageItem
	Footage       []FootageItem
	Consultations []Consultation
	Refused       int      // consultations the policy refused (listed, no data shown)
	Problems      []string // what could not be put in (an unreadable image), said in the report
	Location      *time.Location
}

// Access builds the report: every passage and segment given, with how
// long it is kept, and every audit entry that concerns the plate, the
// cameras in the period, or the passages and footage found.
func Access(in AccessInput) (AccessReport, error) {
	rq := in.Request
	switch {
	case strings.TrimSpace(rq.Reference) == "":
		return AccessReport{}, errors.New("access report: no request reference")
	case strings.TrimSpace(rq.DPO) == "":
		return AccessReport{}, fmt.Errorf("access report %s: no DPO", rq.Reference)
	case plate.Normalize(rq.Plate) == "" && len(rq.Cameras) == 0:
		return AccessReport{}, fmt.Errorf("access report %s: neither a plate nor a place's cameras", rq.Reference)
	case !rq.From.IsZero() && !rq.To.IsZero() && !rq.From.Before(rq.To):
		return AccessReport{}, fmt.Errorf("access report %s: period %s to %s is empty", rq.Reference, rq.From, rq.To)
	case in.Now.IsZero():
		return AccessReport{}, fmt.Errorf("access report %s: no report time", rq.Reference)
	case len(in.Passages) > 0 && in.PassageRetention <= 0:
		return AccessReport{}, fmt.Errorf("access report %s: passages without their retention", rq.Reference)
	case len(in.Footage) > 0 && in.FootageRetention <= 0:
		return AccessReport{}, fmt.Errorf("access report %s: footage without its retention", rq.Reference)
	}
	rep := AccessReport{Request: rq, Zone: in.Zone, Made: in.Now, Location: cmp.Or(in.Location, time.UTC)}
	cams := map[string]zone.Camera{}
	for _, c := range in.Cameras {
		cams[c.ID] = c
	}
	for _, p := range in.Passages {
		it := PassageItem{Passage: p, CameraName: cams[p.Camera].Name, Place: place(cams, p.Camera),
			Retention: retention(in.Holds, p.Camera, p.Time, p.Time.Add(time.Nanosecond), p.Time.Add(in.PassageRetention), in.Now)}
		if rq.Images {
			var probs []string
			it.CropURI, probs = passageImage(p.Crop, p.CropSHA, in.ImageFile, p, "crop")
			rep.Problems = append(rep.Problems, probs...)
			it.VehicleURI, probs = passageImage(p.Vehicle, p.VehicleSHA, in.ImageFile, p, "vehicle")
			rep.Problems = append(rep.Problems, probs...)
		}
		it.Crop, it.Vehicle = nil, nil // the report keeps the URIs only
		rep.Passages = append(rep.Passages, it)
	}
	slices.SortStableFunc(rep.Passages, func(a, b PassageItem) int {
		return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.ID, b.ID))
	})
	for _, s := range in.Footage {
		end := s.End
		if end.IsZero() { // still being written
			end = in.Now
		}
		it := FootageItem{Segment: s, CameraName: cams[s.Camera].Name, Place: place(cams, s.Camera),
			Retention: retention(in.Holds, s.Camera, s.Start, end, end.Add(in.FootageRetention), in.Now)}
		rep.Footage = append(rep.Footage, it)
	}
	slices.SortStableFunc(rep.Footage, func(a, b FootageItem) int {
		return cmp.Or(strings.Compare(a.Camera, b.Camera), a.Start.Compare(b.Start), strings.Compare(a.Stream, b.Stream))
	})
	rep.Consultations = concerning(rq, in.Passages, in.Footage, in.Audit, in.Now)
	for _, c := range rep.Consultations {
		if c.Outcome != audit.OutcomeAllowed {
			rep.Refused++
		}
	}
	return rep, nil
}

func place(cams map[string]zone.Camera, id string) string {
	if c, ok := cams[id]; ok {
		return c.Location()
	}
	return ""
}

// retention is how long an item of camera over [start, end) is kept: its
// term, or longer under the active holds that cover it.
func retention(holds []recording.Hold, camera string, start, end, term, now time.Time) Retention {
	r := Retention{Until: term}
	for _, h := range holds {
		if !h.Active(now) || !h.Covers(camera, start, end) {
			continue
		}
		r.Holds = append(r.Holds, h.Case)
		if h.Until.IsZero() {
			r.UntilReleased = true
		} else if h.Until.After(r.Until) {
			r.Until = h.Until
		}
	}
	r.Due = len(r.Holds) == 0 && !now.Before(r.Until)
	return r
}
