package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/audit"
)

// MaxGrant is the longest live view a team chief can grant at once: a major
// event's day. A longer event takes a new grant, which is audited again.
const MaxGrant = 24 * time.Hour

// Grant is a team chief's permission for one municipal operator to watch
// some cameras live, for a major event or an emergency, for a limited time.
type Grant struct {
	ID      string
	To      string // the municipal operator
	By      string // the team chief
	Cameras []string
	From    time.Time
	Until   time.Time // exclusive; a revoked grant ends when it was revoked
	Reason  Reason    // JustEvent or JustEmergency with the event or incident in Ref
}

// ActiveAt reports whether the grant is in force at t.
func (g Grant) ActiveAt(t time.Time) bool { return !t.Before(g.From) && t.Before(g.Until) }

func (g Grant) names(camera string) bool { return camera != "" && slices.Contains(g.Cameras, camera) }

func (g Grant) clone() Grant {
	g.Cameras = slices.Clone(g.Cameras)
	return g
}

// keepEnded is how long an ended grant stays in the table, so the policy can
// say "grant_expired" rather than "grant_required" to an operator whose
// event just ended.
const keepEnded = 24 * time.Hour

// Grant gives the municipal operator named to live view of cameras until
// until, for the event or emergency in why. The grantor must be a team chief
// (the policy decides, as for any action); the grantee must be an enabled
// municipal operator. Every attempt is audited; a grant the audit store did
// not take is not given. A refusal is a *DeniedError.
func (s *Sessions) Grant(ctx context.Context, by *Session, to string, cameras []string, until time.Time, why Reason) (Grant, error) {
	if !s.IsActive(by) {
		return Grant{}, ErrNoSession
	}
	now := s.now()
	to = normName(to)
	var cams []string
	for _, c := range cameras {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(cams, c) {
			cams = append(cams, c)
		}
	}
	slices.Sort(cams)
	g := Grant{ID: newToken(), To: to, By: by.User.Name, Cameras: cams, From: now, Until: until.UTC(), Reason: why}

	dec := s.policy.Decide(s.Subject(by), ActGrant, Resource{}, why, now)
	if dec.Allow {
		dec = s.grantTerms(g, now)
	}
	if dec.Allow {
		var err error
		if dec, err = s.grantee(ctx, to); err != nil {
			return Grant{}, err
		}
	}
	detail := fmt.Sprintf("grant=%s cameras=%s until=%s", g.ID, strings.Join(cams, ","), g.Until.Format(time.RFC3339))
	e := s.entry(by, audit.ActGrant, "user:"+to, why, outcome(dec), dec.Code, detail)
	if _, err := s.log.Append(ctx, e); err != nil {
		return Grant{}, fmt.Errorf("grant to %s not audited, refused (%s): %w", to, CodeAuditUnavailable, err)
	}
	if !dec.Allow {
		return Grant{}, &DeniedError{Decision: dec}
	}
	s.mu.Lock()
	s.grants = slices.DeleteFunc(s.grants, func(o Grant) bool { return now.Sub(o.Until) > keepEnded })
	s.grants = append(s.grants, g)
	s.mu.Unlock()
	return g.clone(), nil
}

func (s *Sessions) grantTerms(g Grant, now time.Time) Decision {
	switch {
	case len(g.Cameras) == 0:
		return deny(CodeGrantTermsInvalid, "a grant names at least one camera")
	case !g.Until.After(now):
		return deny(CodeGrantTermsInvalid, "a grant must end in the future")
	case g.Until.Sub(now) > MaxGrant:
		return deny(CodeGrantTermsInvalid, "a grant lasts at most %s", MaxGrant)
	}
	return allow()
}

func (s *Sessions) grantee(ctx context.Context, to string) (Decision, error) {
	u, err := s.users.Get(ctx, to)
	switch {
	case err == nil && u.Role == RoleMunicipal && !u.Disabled:
		return allow(), nil
	case err == nil:
		return deny(CodeGrantTargetInvalid, "user %s is not an enabled municipal operator", to), nil
	case errors.Is(err, ErrUserNotFound):
		return deny(CodeGrantTargetInvalid, "user %s does not exist", to), nil
	}
	return Decision{}, fmt.Errorf("grant to %s: %w", to, err)
}

// Revoke ends a grant now. Only a team chief revokes; taking access away is
// never held back by the audit store, but its failure is returned.
func (s *Sessions) Revoke(ctx context.Context, by *Session, id string) error {
	if !s.IsActive(by) {
		return ErrNoSession
	}
	now := s.now()
	s.mu.Lock()
	i := slices.IndexFunc(s.grants, func(g Grant) bool { return g.ID == id })
	var g Grant
	if i >= 0 {
		g = s.grants[i]
	}
	s.mu.Unlock()
	if i < 0 {
		return fmt.Errorf("grant %s: not found", id)
	}
	if d := s.policy.Decide(s.Subject(by), ActGrant, Resource{}, g.Reason, now); !d.Allow {
		return &DeniedError{Decision: d}
	}
	s.mu.Lock()
	for j := range s.grants {
		if s.grants[j].ID == id && s.grants[j].Until.After(now) {
			s.grants[j].Until = now
		}
	}
	s.mu.Unlock()
	e := s.entry(by, audit.ActGrant, "user:"+g.To, g.Reason, audit.OutcomeAllowed, CodeAllowed, "revoke="+id)
	if _, err := s.log.Append(ctx, e); err != nil {
		return fmt.Errorf("grant %s revoked, but not audited: %w", id, err)
	}
	return nil
}

// Grants lists the grants in force or still to come at now, for the team
// chief's panel.
func (s *Sessions) Grants() []Grant {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Grant
	for _, g := range s.grants {
		if now.Before(g.Until) {
			out = append(out, g.clone())
		}
	}
	return out
}

func outcome(d Decision) audit.Outcome {
	if d.Allow {
		return audit.OutcomeAllowed
	}
	return audit.OutcomeDenied
}
