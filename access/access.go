package access

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
)

// auditAction is the audit action recorded when the policy decides on a
// and the caller gave no detail naming another.
func auditAction(a policy.Action) audit.Action {
	switch a {
	case policy.ActLive:
		return trail.ActLiveStart
	case policy.ActPlayback:
		return trail.ActPlayback
	case policy.ActExport:
		return trail.ActExport
	case policy.ActANPRSearch:
		return trail.ActANPRSearch
	case policy.ActHitHandle:
		return trail.ActHitConfirm
	case policy.ActDispatch:
		return trail.ActDispatch
	case policy.ActPTZ:
		return trail.ActPTZ
	case policy.ActRoundRun:
		return trail.ActRoundStart
	case policy.ActRoundEdit:
		return trail.ActRoundEdit
	case policy.ActReview:
		return trail.ActReview
	case policy.ActLiveReview:
		return trail.ActLiveReview
	case policy.ActGrant:
		return trail.ActGrant
	case policy.ActSettings:
		return trail.ActSettings
	case policy.ActLists:
		return trail.ActListChange
	case policy.ActHold:
		return trail.ActEvidenceHold
	case policy.ActDSAR:
		return trail.ActDSAR
	}
	return audit.Action(a)
}

// Gate is the step every consultation passes: decide, write the audit
// entry, and only then hand out a Consultation, the value the functions that
// yield pixels, plates, passages, hits or audit rows take.
type Gate struct {
	policy   policy.Policy
	log      auditLog
	sessions *identity.Sessions
	now      func() time.Time
}

// auditLog is the part of audit.Log the gate writes to.
type auditLog interface {
	Append(ctx context.Context, e audit.Entry) (audit.Receipt, error)
}

// New builds the gate. now is the clock (nil: time.Now).
func New(log auditLog, sessions *identity.Sessions, now func() time.Time) *Gate {
	if now == nil {
		now = time.Now
	}
	return &Gate{log: log, sessions: sessions, now: func() time.Time { return now().UTC() }}
}

// Consultation is an allowed, audited request: who (the session), what (the
// action and the resource), why (the justification), when, and the audit
// entry that records it. Its fields are unexported and only Gate.Check makes
// one, after the policy allowed the request and its entry was written, so a
// function that takes a Consultation cannot be reached around the policy.
type Consultation struct {
	sess    *identity.Session
	act     policy.Action
	res     policy.Resource
	why     policy.Reason
	at      time.Time
	receipt audit.Receipt
}

// Valid reports whether c was made by Check (the zero value is not).
func (c Consultation) Valid() bool { return c.sess != nil }

// Session is who consults.
func (c Consultation) Session() *identity.Session { return c.sess }

// Action is what was allowed.
func (c Consultation) Action() policy.Action { return c.act }

// Resource is what the consultation is about.
func (c Consultation) Resource() policy.Resource { return c.res }

// Reason is the justification it was allowed under.
func (c Consultation) Reason() policy.Reason { return c.why }

// Time is when it was decided.
func (c Consultation) Time() time.Time { return c.at }

// Receipt is the audit entry that records it.
func (c Consultation) Receipt() audit.Receipt { return c.receipt }

// ErrWrongConsultation is returned by Require for a consultation made for
// another action or resource (or not made by Check at all).
var ErrWrongConsultation = errors.New("consultation does not cover this")

// Require checks that c was made by Check for act (and, when camera is not
// empty, for that camera): the guard at the door of every function that
// hands out data under a consultation.
func (c Consultation) Require(act policy.Action, camera string) error {
	switch {
	case !c.Valid():
		return fmt.Errorf("%w: no consultation", ErrWrongConsultation)
	case c.act != act:
		return fmt.Errorf("%w: made for %s, not %s", ErrWrongConsultation, c.act, act)
	case camera != "" && c.res.Camera != camera:
		return fmt.Errorf("%w: made for camera %q, not %q", ErrWrongConsultation, c.res.Camera, camera)
	}
	return nil
}

// Check is THE call made before any consultation. It decides, writes the
// audit entry (allowed or denied, with the decision code, the justification,
// the typed detail and the facts the policy weighed) and only then answers.
// The entry's action is the detail's (hit.reject for a rejection) or, with
// a nil detail, the action's own. A refusal is a *policy.DeniedError. When
// the entry cannot be written the answer is a denial with
// CodeAuditUnavailable wrapping the store's error: fail closed. A session
// that has logged out is denied (CodeSessionInvalid) and that attempt is
// audited too; a nil session gives identity.ErrNoSession.
func (g *Gate) Check(ctx context.Context, sess *identity.Session, act policy.Action, res policy.Resource, why policy.Reason, d trail.Detail) (Consultation, error) {
	if sess == nil {
		return Consultation{}, identity.ErrNoSession
	}
	now := g.now()
	var dec policy.Decision
	if g.sessions.IsActive(sess) {
		dec = g.policy.Decide(g.sessions.Subject(sess), act, res, why, now)
	} else {
		dec = policy.Deny(policy.CodeSessionInvalid, "session %s of %s has ended", sess.ID, sess.User.Name)
	}
	logged := auditAction(act)
	detail := ""
	if d != nil {
		if a := d.Action(); a != "" {
			logged = a
		}
		var err error
		if detail, err = trail.Encode(d, facts(act, res)); err != nil {
			return Consultation{}, fmt.Errorf("%s by %s: %w", act, sess.User.Name, err)
		}
	} else if f := facts(act, res); f != (trail.Facts{}) {
		detail = trail.EncodeFacts(f)
	}
	e := audit.Entry{Time: now, User: sess.User.Name, Role: string(sess.User.Role), Console: sess.Console,
		Action: logged, Subject: Subject(act, res, why), JustKind: string(why.Kind), JustText: why.Text,
		JustRef: why.Ref, AuthRef: why.AuthRef, Outcome: identity.Outcome(dec), Reason: dec.Code, Detail: detail}
	rc, err := g.log.Append(ctx, e)
	if err != nil {
		return Consultation{}, &policy.DeniedError{
			Decision: policy.Decision{Code: policy.CodeAuditUnavailable, Message: "the audit store did not take the entry: refused"},
			Cause:    fmt.Errorf("%s by %s: audit: %w", act, sess.User.Name, err)}
	}
	if !dec.Allow {
		return Consultation{}, &policy.DeniedError{Decision: dec}
	}
	return Consultation{sess: sess, act: act, res: res, why: why, at: now, receipt: rc}, nil
}

// May says whether the session could do act at all right now, without a
// justification, a resource or an audit entry: the UI greys out the rest.
// It adds the room and the grants to RoleMay (a guard without a team chief
// in the room, a municipal operator without a grant in force see live view
// greyed out). It answers no consultation: that is Check's job.
func (a *Gate) May(sess *identity.Session, act policy.Action) bool {
	if !a.sessions.IsActive(sess) || !policy.RoleMay(sess.User.Role, act) {
		return false
	}
	sub := a.sessions.Subject(sess)
	if sub.Role == policy.RoleSecurityGuard && act.ShowsLive() && !sub.SupervisorPresent {
		return false
	}
	if sub.Role == policy.RoleMunicipal && act == policy.ActLive {
		now := a.now()
		return slices.ContainsFunc(sub.Grants, func(g policy.Grant) bool { return g.ActiveAt(now) })
	}
	return true
}

// Recheck decides again, without an audit entry, whether a consultation that
// Check allowed may go on: a guard's team chief may have logged out, a
// municipal operator's grant may have ended, the session may be gone. The
// owner of a live view calls it now and then (and after every logout) and
// closes the view when it is denied; the live.stop it records ends the
// audited interval.
func (a *Gate) Recheck(sess *identity.Session, act policy.Action, res policy.Resource, why policy.Reason) policy.Decision {
	if !a.sessions.IsActive(sess) {
		return policy.Deny(policy.CodeSessionInvalid, "the session has ended")
	}
	return a.policy.Decide(a.sessions.Subject(sess), act, res, why, a.now())
}

// Record writes an event that is not a decision (live.stop, round.stop,
// observation, dispatch done) for the session, with outcome "allowed" and no
// decision code (Entry.Reason is empty). It is written even for a
// session that has just logged out: the stop of a view belongs in the trail.
func (a *Gate) Record(ctx context.Context, sess *identity.Session, subject string, why policy.Reason, d trail.Detail) error {
	if sess == nil {
		return identity.ErrNoSession
	}
	detail, err := trail.Encode(d, trail.Facts{})
	if err != nil {
		return err
	}
	e := audit.Entry{Time: a.now(), User: sess.User.Name, Role: string(sess.User.Role), Console: sess.Console,
		Action: d.Action(), Subject: subject, JustKind: string(why.Kind), JustText: why.Text, JustRef: why.Ref,
		AuthRef: why.AuthRef, Outcome: audit.OutcomeAllowed, Detail: detail}
	if _, err := a.log.Append(ctx, e); err != nil {
		return fmt.Errorf("%s by %s: audit: %w", d.Action(), sess.User.Name, err)
	}
	return nil
}

// Subject names what was consulted, in the audit trail's forms
// ("camera:cam03", "plate:1ABC123", "round:Stationsbuurt").
func Subject(act policy.Action, r policy.Resource, why policy.Reason) string {
	switch {
	case r.Target != "":
		return r.Target
	case r.Camera != "":
		return "camera:" + r.Camera
	case r.Plate != "":
		return "plate:" + r.Plate
	case r.Case != "":
		return "case:" + r.Case
	case act == policy.ActRoundRun && why.Ref != "":
		return "round:" + why.Ref
	}
	return ""
}

// facts are what the policy weighed besides the justification, so a
// reviewer sees why an old clip was shown without opening anything else.
func facts(act policy.Action, r policy.Resource) trail.Facts {
	var f trail.Facts
	if act.Recorded() {
		f.FootageAge = trail.Duration(r.FootageAge.Round(time.Second))
		f.EvidenceHold = r.EvidenceHold
	}
	f.Covert = r.Covert
	return f
}
