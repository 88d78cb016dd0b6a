package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"slices"
	"time"

	"github.com/politiezone/zoneconsole/access"
	"github.com/politiezone/zoneconsole/anpr"
	"github.com/politiezone/zoneconsole/hits"
	"github.com/politiezone/zoneconsole/trail"
)

// PassageQuery is a retroactive search of ANPR passages as an investigator
// asks it: a plate pattern ('?' one character, '*' any run, dashes
// ignored), a time window, cameras or a place and radius, country, colour.
type PassageQuery struct {
	Pattern  string
	From, To time.Time
	Cameras  []string
	// Near, when Radius > 0, keeps the cameras within Radius metres of
	// (Lat, Lon) (and of Cameras, when both are given).
	Lat, Lon, Radius float64
	Country          string
	Colour           string
	Limit            int
}

// SearchPassages is the retroactive search of passages: a motivation and
// a case reference are required; the first 30 days for any police mission,
// after that only a judicial one with the authorisation reference; never a
// covert camera's passages outside a judicial mission. The decision is
// audited with the criteria before the search, and the result count right
// after it.
func (c *Console) SearchPassages(ctx context.Context, s *Session, q PassageQuery, why Reason) ([]Passage, error) {
	_, passages, err := c.stores(ctx)
	if err != nil {
		return nil, err
	}
	ps, err := searchPassages(ctx, c.access, passages, c.zone, c.now(), s, q, why)
	if err == nil {
		c.shown(s, ps)
	}
	return ps, err
}

// searchPassages is the search for the console and the shell alike.
func searchPassages(ctx context.Context, acc *access.Gate, store *anpr.Passages, z Zone, now time.Time, s *Session,
	q PassageQuery, why Reason) ([]Passage, error) {
	oldest := q.From
	if oldest.IsZero() {
		oldest = now.Add(-PoliceAccessWindow)
	}
	cams, err := camerasOf(z, q)
	if err != nil {
		return nil, err
	}
	pat := anpr.NormalizePattern(q.Pattern)
	criteria := trail.ANPRSearch{Pattern: pat, From: q.From, To: q.To, Cameras: cams}
	res := Resource{Plate: pat, Case: why.Ref, FootageAge: now.Sub(oldest)}
	if pat == "" {
		res.Plate = "*"
	}
	if err := acc.Allow(ctx, s, ActANPRSearch, res, why, criteria); err != nil {
		return nil, err
	}
	if q.Radius > 0 && len(cams) == 0 {
		// No camera within the radius: nothing passed there.
		return nil, recordSearch(ctx, acc, s, res, why, criteria, nil, nil)
	}
	ps, serr := store.Search(ctx, anpr.Query{Pattern: q.Pattern, From: q.From, To: q.To, Cameras: cams,
		Country: q.Country, Colour: q.Colour, Limit: q.Limit})
	// The camera's rules hold for its passages as for its picture: a covert
	// camera's passages only on a judicial ground, a municipal camera's by
	// the municipal rules. The policy decides per camera; what it refuses
	// is not in the result (and not in the count).
	ps = slices.DeleteFunc(ps, func(p Passage) bool {
		cam, ok := z.Camera(p.Camera)
		if !ok {
			cam = Camera{ID: p.Camera}
		}
		cr := access.CameraResource(cam, false)
		cr.Plate, cr.Case, cr.FootageAge = res.Plate, res.Case, res.FootageAge
		return !acc.Recheck(s, ActANPRSearch, cr, why).Allow
	})
	if err := recordSearch(ctx, acc, s, res, why, criteria, ps, serr); err != nil {
		// The result count could not be written: the result is not shown.
		return nil, err
	}
	return ps, serr
}

func recordSearch(ctx context.Context, acc *access.Gate, s *Session, res Resource, why Reason, criteria trail.ANPRSearch,
	ps []Passage, serr error) error {
	done := criteria
	done.Done, done.Results = true, len(ps)
	if serr != nil {
		done.Failed = serr.Error()
	}
	return acc.Record(ctx, s, "plate:"+res.Plate, why, done)
}

// camerasOf is the query's camera list: the cameras named, narrowed (or
// found) by the place and radius.
func camerasOf(z Zone, q PassageQuery) ([]string, error) {
	for _, id := range q.Cameras {
		if _, ok := z.Camera(id); !ok {
			return nil, fmt.Errorf("passage search: camera %s: not in the zone", id)
		}
	}
	if q.Radius <= 0 {
		return q.Cameras, nil
	}
	var out []string
	for _, cam := range z.Cameras {
		if len(q.Cameras) > 0 && !slices.Contains(q.Cameras, cam.ID) {
			continue
		}
		if cam.Kind.ANPR() && hits.Haversine(q.Lat, q.Lon, cam.Lat, cam.Lon) <= q.Radius {
			out = append(out, cam.ID)
		}
	}
	return out, nil
}

// passageImagesKept bounds how many image hashes a session's searches may
// open, per session.
const passageImagesKept = 4096

// shown remembers the images of the passages a session's searches
// returned: PassageImage opens only those, so an image is never handed out
// for a passage the policy did not let that session find.
func (c *Console) shown(s *Session, ps []Passage) {
	c.imgMu.Lock()
	defer c.imgMu.Unlock()
	if c.searchImages == nil {
		c.searchImages = map[string]map[string]bool{}
	}
	set := c.searchImages[s.ID]
	if set == nil || len(set) > passageImagesKept {
		set = map[string]bool{}
		c.searchImages[s.ID] = set
	}
	for _, p := range ps {
		for _, sha := range []string{p.CropSHA, p.VehicleSHA} {
			if sha != "" {
				set[sha] = true
			}
		}
	}
}

// ErrImageNotFound is returned for an image no search of the session gave.
var ErrImageNotFound = errors.New("passage image: not among this session's search results")

// PassageImage is a plate crop or vehicle image of a passage that one of
// the session's searches returned (the search was the audited consultation).
func (c *Console) PassageImage(ctx context.Context, s *Session, sha string) (image.Image, error) {
	if !c.sessions.IsActive(s) {
		return nil, ErrNoSession
	}
	c.imgMu.Lock()
	ok := c.searchImages[s.ID][sha]
	c.imgMu.Unlock()
	if !ok {
		return nil, ErrImageNotFound
	}
	_, store, err := c.stores(ctx)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(store.ImagePath(sha))
	if err != nil {
		return nil, fmt.Errorf("passage image: %w", err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("passage image %s: %w", sha, err)
	}
	return img, nil
}
