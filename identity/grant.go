package identity

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
)

// keepEnded is how long an ended grant stays in the table, so the policy can
// say "grant_expired" rather than "grant_required" to an operator whose
// event just ended.
const keepEnded = 24 * time.Hour

// Grant gives the municipal operator named to live view of cameras until
// until, for the event or emergency in why. The grantor must be a team chief
// (the policy decides, as for any action); the grantee must be an enabled
// municipal operator; every camera must exist in the zone (WithCameras)
// and belong to the grantee's municipality; the grant lasts at most the
// zone's limit (WithMaxGrant, default policy.DefaultGrant). Every attempt
// is audited; a grant the audit store did not take is not given. A refusal
// is a *policy.DeniedError.
func (s *Sessions) Grant(ctx context.Context, by *Session, to string, cameras []string, until time.Time, why policy.Reason) (policy.Grant, error) {
	if !s.IsActive(by) {
		return policy.Grant{}, ErrNoSession
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
	g := policy.Grant{ID: newToken(), To: to, By: by.User.Name, Cameras: cams, From: now, Until: until.UTC(), Reason: why}

	dec := s.policy.Decide(s.Subject(by), policy.ActGrant, policy.Resource{}, why, now)
	if dec.Allow {
		dec = s.grantTerms(g, now)
	}
	if dec.Allow {
		var usr User
		var err error
		if usr, dec, err = s.grantee(ctx, to); err != nil {
			return policy.Grant{}, err
		}
		if dec.Allow {
			dec = s.grantCameras(cams, usr)
		}
	}
	e := s.entry(by, "user:"+to, why, Outcome(dec), dec.Code, trail.Grant{Grant: g.ID, Cameras: cams, Until: g.Until})
	if _, err := s.log.Append(ctx, e); err != nil {
		return policy.Grant{}, fmt.Errorf("grant to %s not audited, refused (%s): %w", to, policy.CodeAuditUnavailable, err)
	}
	if !dec.Allow {
		return policy.Grant{}, &policy.DeniedError{Decision: dec}
	}
	s.mu.Lock()
	s.grants = slices.DeleteFunc(s.grants, func(o policy.Grant) bool { return now.Sub(o.Until) > keepEnded })
	s.grants = append(s.grants, g)
	s.mu.Unlock()
	s.storeGrant(g)
	s.grantGiven(g)
	return g.Clone(), nil
}

func (s *Sessions) grantTerms(g policy.Grant, now time.Time) policy.Decision {
	switch {
	case len(g.Cameras) == 0:
		return policy.Deny(policy.CodeGrantTermsInvalid, "a grant names at least one camera")
	case !g.Until.After(now):
		return policy.Deny(policy.CodeGrantTermsInvalid, "a grant must end in the future")
	case g.Until.Sub(now) > s.cfg.maxGrant:
		return policy.Deny(policy.CodeGrantTermsInvalid, "a grant lasts at most %s", s.cfg.maxGrant)
	}
	return policy.Allow()
}

// grantCameras checks that every camera exists and is the grantee's
// municipality's own: the Camerawet gives city staff their own cameras,
// never police or third-party ones, nor a neighbour town's.
func (s *Sessions) grantCameras(cams []string, to User) policy.Decision {
	if s.cfg.cameras == nil {
		return policy.Deny(policy.CodeGrantTermsInvalid, "the console has no camera list to check a grant against")
	}
	for _, id := range cams {
		r, ok := s.cfg.cameras(id)
		switch {
		case !ok:
			return policy.Deny(policy.CodeGrantTermsInvalid, "camera %s does not exist", id)
		case r.Owner != policy.OwnerMunicipality || to.Municipality == "" || r.Municipality != to.Municipality:
			return policy.Deny(policy.CodeMunicipalOwnCamerasOnly, "camera %s is not a camera of municipality %q", id, to.Municipality)
		case r.Covert:
			return policy.Deny(policy.CodeCovertNeedsJudicial, "camera %s is covert", id)
		}
	}
	return policy.Allow()
}

func (s *Sessions) grantee(ctx context.Context, to string) (User, policy.Decision, error) {
	u, err := s.users.Get(ctx, to)
	switch {
	case err == nil && u.Role == policy.RoleMunicipal && !u.Disabled:
		return u, policy.Allow(), nil
	case err == nil:
		return u, policy.Deny(policy.CodeGrantTargetInvalid, "user %s is not an enabled municipal operator", to), nil
	case errors.Is(err, ErrUserNotFound):
		return User{}, policy.Deny(policy.CodeGrantTargetInvalid, "user %s does not exist", to), nil
	}
	return User{}, policy.Decision{}, fmt.Errorf("grant to %s: %w", to, err)
}

// Revoke ends a grant now. Only a team chief revokes; taking access away is
// never held back by the audit store, but its failure is returned.
func (s *Sessions) Revoke(ctx context.Context, by *Session, id string) error {
	if !s.IsActive(by) {
		return ErrNoSession
	}
	now := s.now()
	// A grant given at any console of the room is revoked from any.
	s.mu.Lock()
	all := s.grantsLocked()
	i := slices.IndexFunc(all, func(g policy.Grant) bool { return g.ID == id })
	var g policy.Grant
	if i >= 0 {
		g = all[i]
	}
	s.mu.Unlock()
	if i < 0 {
		return fmt.Errorf("grant %s: not found", id)
	}
	if d := s.policy.Decide(s.Subject(by), policy.ActGrant, policy.Resource{}, g.Reason, now); !d.Allow {
		return &policy.DeniedError{Decision: d}
	}
	var ended []policy.Grant
	s.mu.Lock()
	for j := range s.grants {
		if s.grants[j].ID == id && s.grants[j].Until.After(now) {
			s.grants[j].Until = now
			ended = append(ended, s.grants[j].Clone())
		}
	}
	s.mu.Unlock()
	for _, e := range ended {
		s.storeGrant(e)
	}
	s.grantEnded(id, now)
	e := s.entry(by, "user:"+g.To, g.Reason, audit.OutcomeAllowed, policy.CodeAllowed, trail.Grant{Grant: id, Revoke: true})
	if _, err := s.log.Append(ctx, e); err != nil {
		return fmt.Errorf("grant %s revoked, but not audited: %w", id, err)
	}
	return nil
}

// Grants lists the grants in force or still to come at now, given at any
// console of the room, for the team chief's panel.
func (s *Sessions) Grants() []policy.Grant {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []policy.Grant
	for _, g := range s.grantsLocked() {
		if now.Before(g.Until) {
			out = append(out, g.Clone())
		}
	}
	return out
}

// Outcome is the audit outcome of a decision.
func Outcome(d policy.Decision) audit.Outcome {
	if d.Allow {
		return audit.OutcomeAllowed
	}
	return audit.OutcomeDenied
}
