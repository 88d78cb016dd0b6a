package rounds

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
	"github.com/politiezone/zoneconsole/zone"
)

// Rounds lists the zone's rounds as they stand now: read from the zone file
// (another console may have edited it), or for the simulated zone the edited
// set kept in DATA/rounds.db, else the rounds it ships.
func (c *Runner) Rounds(ctx context.Context) ([]zone.Round, error) {
	return Load(ctx, c.dataDir, c.zonePath, c.zone)
}

// Round returns one round by name.
func (c *Runner) Round(ctx context.Context, name string) (zone.Round, error) {
	rs, err := c.Rounds(ctx)
	if err != nil {
		return zone.Round{}, err
	}
	for _, r := range rs {
		if r.Name == name {
			return r, nil
		}
	}
	return zone.Round{}, fmt.Errorf("round %q: %w", name, zone.ErrRoundNotFound)
}

// ListRounds reads the rounds without a running console (the CLI): from
// zonePath, else from the simulated zone's file DATA/sim/zone.toml with the
// edits in DATA/rounds.db. ok is false when neither exists.
func ListRounds(ctx context.Context, dataDir, zonePath string) (rounds []zone.Round, ok bool, err error) {
	if zonePath != "" {
		z, err := zone.LoadZone(zonePath)
		if err != nil {
			return nil, true, err
		}
		return z.Rounds, true, nil
	}
	simPath := filepath.Join(dataDir, "sim", "zone.toml")
	if _, err := os.Stat(simPath); err != nil {
		return nil, false, nil
	}
	z, err := zone.LoadZone(simPath)
	if err != nil {
		return nil, true, err
	}
	rs, err := Load(ctx, dataDir, "", z)
	return rs, true, err
}

func Load(ctx context.Context, dataDir, zonePath string, z zone.Zone) ([]zone.Round, error) {
	if zonePath != "" {
		fz, err := zone.LoadZone(zonePath)
		if err != nil {
			return nil, err
		}
		return fz.Rounds, nil
	}
	db, err := openRoundsDB(dataDir)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return simRoundsOf(ctx, db, z)
}

// simRoundsOf returns the edited rounds of the simulated zone, or those it
// ships when none were edited or the edits no longer fit its cameras.
func simRoundsOf(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, z zone.Zone) ([]zone.Round, error) {
	var text string
	err := q.QueryRowContext(ctx, `SELECT toml FROM round_defs WHERE zone = ?`, z.Name).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return slices.Clone(z.Rounds), nil
	}
	if err != nil {
		return nil, fmt.Errorf("rounds of %s: %w", z.Name, err)
	}
	var doc struct {
		Rounds []zone.Round `toml:"round"`
	}
	if _, err := toml.Decode(text, &doc); err != nil {
		return nil, fmt.Errorf("rounds of %s: %w", z.Name, err)
	}
	for _, r := range doc.Rounds {
		if err := zone.ValidateRound(z, r); err != nil {
			// The simulated zone was started with fewer cameras than the
			// edits name: show what it ships rather than nothing.
			return slices.Clone(z.Rounds), nil
		}
	}
	return doc.Rounds, nil
}

// Save creates a round (old == "") or replaces the round named old
// (possibly renaming it). Team chief or administrator only; the change is
// checked and audited (round.edit) with a summary of what changed, then
// written to the zone file, or for the simulated zone to DATA/rounds.db.
func (c *Runner) Save(ctx context.Context, s *identity.Session, old string, r zone.Round) error {
	return c.editRounds(ctx, s, old, &r)
}

// Delete removes a round (audited as round.edit).
func (c *Runner) Delete(ctx context.Context, s *identity.Session, name string) error {
	return c.editRounds(ctx, s, name, nil)
}

// editRounds is the one read-modify-write path of rounds. A write
// transaction on rounds.db serialises edits, across processes too, so two
// team chiefs saving at once do not lose one change.
func (c *Runner) editRounds(ctx context.Context, s *identity.Session, old string, r *zone.Round) error {
	if r != nil {
		if err := zone.ValidateRound(c.zone, *r); err != nil {
			return err
		}
	}
	db, err := openRoundsDB(c.dataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("round edit: %w", err)
	}
	defer tx.Rollback()

	var cur []zone.Round
	if c.zonePath != "" {
		fz, err := zone.LoadZone(c.zonePath)
		if err != nil {
			return err
		}
		cur = fz.Rounds
	} else if cur, err = simRoundsOf(ctx, tx, c.zone); err != nil {
		return err
	}
	next, diff, err := applyRoundEdit(cur, old, r)
	if err != nil {
		return err
	}
	target := old
	if r != nil {
		target = r.Name
	}
	if err := c.access.Allow(ctx, s, policy.ActRoundEdit, policy.Resource{Target: "round:" + target}, s.Shift, diff); err != nil {
		return fmt.Errorf("round %q: %w", target, err)
	}
	if c.zonePath != "" {
		fz, err := zone.LoadZone(c.zonePath)
		if err != nil {
			return err
		}
		fz.Rounds = next
		if err := zone.SaveZone(c.zonePath, fz); err != nil {
			return fmt.Errorf("round %q: %w", target, err)
		}
	} else {
		var b bytes.Buffer
		if err := toml.NewEncoder(&b).Encode(struct {
			Rounds []zone.Round `toml:"round"`
		}{next}); err != nil {
			return fmt.Errorf("round %q: %w", target, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO round_defs(zone, toml, updated) VALUES(?, ?, ?)
			ON CONFLICT(zone) DO UPDATE SET toml = excluded.toml, updated = excluded.updated`,
			c.zone.Name, b.String(), c.now().UnixNano()); err != nil {
			return fmt.Errorf("round %q: %w", target, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("round %q: %w", target, err)
	}
	return nil
}

// applyRoundEdit returns the new list and a one-line summary of the change
// for the audit detail ("update steps 4->5 +cam05 dwell 1m20s->1m40s").
func applyRoundEdit(cur []zone.Round, old string, r *zone.Round) ([]zone.Round, trail.RoundEdit, error) {
	idx := slices.IndexFunc(cur, func(x zone.Round) bool { return x.Name == old })
	if old != "" && idx < 0 {
		return nil, trail.RoundEdit{}, fmt.Errorf("round %q: %w", old, zone.ErrRoundNotFound)
	}
	if r != nil {
		for i, x := range cur {
			if x.Name == r.Name && i != idx {
				return nil, trail.RoundEdit{}, fmt.Errorf("round %q: a round of that name exists", r.Name)
			}
		}
	}
	next := slices.Clone(cur)
	switch {
	case r == nil:
		next = slices.Delete(next, idx, idx+1)
		return next, trail.RoundEdit{Op: "delete", Steps: len(cur[idx].Steps), Dwell: trail.Duration(cur[idx].TotalDwell())}, nil
	case idx < 0:
		next = append(next, *r)
		return next, trail.RoundEdit{Op: "create", Steps: len(r.Steps), Dwell: trail.Duration(r.TotalDwell()),
			Cameras: roundCameras(*r)}, nil
	}
	next[idx] = *r
	return next, trail.RoundEdit{Op: "update", Change: roundDiff(cur[idx], *r), Steps: len(r.Steps),
		Dwell: trail.Duration(r.TotalDwell()), Cameras: roundCameras(*r)}, nil
}

func roundDiff(a, b zone.Round) string {
	var d []string
	if a.Name != b.Name {
		d = append(d, fmt.Sprintf("name %q->%q", a.Name, b.Name))
	}
	if a.Area != b.Area {
		d = append(d, fmt.Sprintf("area %q->%q", a.Area, b.Area))
	}
	if len(a.Steps) != len(b.Steps) {
		d = append(d, fmt.Sprintf("steps %d->%d", len(a.Steps), len(b.Steps)))
	}
	ca, cb := roundCameras(a), roundCameras(b)
	for _, id := range cb {
		if !slices.Contains(ca, id) {
			d = append(d, "+"+id)
		}
	}
	for _, id := range ca {
		if !slices.Contains(cb, id) {
			d = append(d, "-"+id)
		}
	}
	if a.TotalDwell() != b.TotalDwell() {
		d = append(d, fmt.Sprintf("dwell %s->%s", a.TotalDwell(), b.TotalDwell()))
	}
	if len(d) == 0 {
		if fmt.Sprint(a.Steps) != fmt.Sprint(b.Steps) {
			return "order or presets changed"
		}
		return "no change"
	}
	return strings.Join(d, " ")
}

// roundCameras lists the round's cameras once each, in order of first use.
func roundCameras(r zone.Round) []string {
	var out []string
	for _, s := range r.Steps {
		for _, id := range s.Cameras {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}
