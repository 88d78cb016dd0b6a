package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/audit"
)

// Audit actions for decisions the audit package has no constant for (yet).
// The strings are stored and hashed: never change them.
const (
	auditReview     audit.Action = "audit.review"
	auditLiveReview audit.Action = "live.review"
	auditDSAR       audit.Action = "dsar"
)

// Audit is the audit action recorded when the policy decides on a.
// ActHitHandle records hit.confirm; a rejection goes through CheckAs with
// audit.ActHitReject.
func (a Action) Audit() audit.Action {
	switch a {
	case ActLive:
		return audit.ActLiveStart
	case ActPlayback:
		return audit.ActPlayback
	case ActExport:
		return audit.ActExport
	case ActANPRSearch:
		return audit.ActANPRSearch
	case ActHitHandle:
		return audit.ActHitConfirm
	case ActDispatch:
		return audit.ActDispatch
	case ActPTZ:
		return audit.ActPTZ
	case ActRoundRun:
		return audit.ActRoundStart
	case ActRoundEdit:
		return audit.ActRoundEdit
	case ActReview:
		return auditReview
	case ActLiveReview:
		return auditLiveReview
	case ActGrant:
		return audit.ActGrant
	case ActSettings:
		return audit.ActSettings
	case ActLists:
		return audit.ActListChange
	case ActHold:
		return audit.ActEvidenceHold
	case ActDSAR:
		return auditDSAR
	}
	return audit.Action(a)
}

// Access is the gate every consultation passes: decide, write the audit
// entry, and only then answer.
type Access struct {
	policy   Policy
	log      auditLog
	sessions *Sessions
	now      func() time.Time
}

// NewAccess builds the gate. now is the clock (nil: time.Now).
func NewAccess(p Policy, log auditLog, sessions *Sessions, now func() time.Time) *Access {
	if now == nil {
		now = time.Now
	}
	return &Access{policy: p, log: log, sessions: sessions, now: func() time.Time { return now().UTC() }}
}

// Check is THE call made before any consultation. It decides, writes the
// audit entry (allowed or denied, with the decision code, the justification
// and the detail) and only then answers. When the entry cannot be written
// the answer is a denial with CodeAuditUnavailable and the error: fail
// closed. A session that has logged out is denied (CodeSessionInvalid) and
// that attempt is audited too; a nil session gives ErrNoSession.
func (a *Access) Check(ctx context.Context, sess *Session, act Action, res Resource, why Reason, detail string) (Decision, error) {
	return a.CheckAs(ctx, sess, act, act.Audit(), res, why, detail)
}

// CheckAs is Check with the audit action chosen by the caller, where one
// policy action has several audit actions (hit.confirm and hit.reject).
func (a *Access) CheckAs(ctx context.Context, sess *Session, act Action, logged audit.Action, res Resource, why Reason, detail string) (Decision, error) {
	if sess == nil {
		return deny(CodeSessionInvalid, "no session"), ErrNoSession
	}
	now := a.now()
	var dec Decision
	if a.sessions.IsActive(sess) {
		dec = a.policy.Decide(a.sessions.Subject(sess), act, res, why, now)
	} else {
		dec = deny(CodeSessionInvalid, "session %s of %s has ended", sess.ID, sess.User.Name)
	}
	e := audit.Entry{Time: now, User: sess.User.Name, Role: string(sess.User.Role), Console: sess.Console,
		Action: logged, Subject: auditSubject(act, res, why), JustKind: string(why.Kind), JustText: why.Text,
		JustRef: why.Ref, AuthRef: why.AuthRef, Outcome: outcome(dec), Reason: dec.Code, Detail: withFacts(detail, act, res)}
	if _, err := a.log.Append(ctx, e); err != nil {
		return Decision{Code: CodeAuditUnavailable, Message: "the audit store did not take the entry: refused"},
			fmt.Errorf("%s by %s: audit: %w", act, sess.User.Name, err)
	}
	return dec, nil
}

// May says whether the session could do act at all right now, without a
// justification, a resource or an audit entry: the UI greys out the rest.
// It adds the room and the grants to RoleMay (a guard without a team chief
// in the room, a municipal operator without a grant in force see live view
// greyed out). It answers no consultation: that is Check's job.
func (a *Access) May(sess *Session, act Action) bool {
	if !a.sessions.IsActive(sess) || !RoleMay(sess.User.Role, act) {
		return false
	}
	sub := a.sessions.Subject(sess)
	if sub.Role == RoleSecurityGuard && act.showsLive() && !sub.SupervisorPresent {
		return false
	}
	if sub.Role == RoleMunicipal && act == ActLive {
		now := a.now()
		return slices.ContainsFunc(sub.Grants, func(g Grant) bool { return g.ActiveAt(now) })
	}
	return true
}

// Recheck decides again, without an audit entry, whether a consultation that
// Check allowed may go on: a guard's team chief may have logged out, a
// municipal operator's grant may have ended, the session may be gone. The
// owner of a live view calls it now and then (and after every logout) and
// closes the view when it is denied; the live.stop it records ends the
// audited interval.
func (a *Access) Recheck(sess *Session, act Action, res Resource, why Reason) Decision {
	if !a.sessions.IsActive(sess) {
		return deny(CodeSessionInvalid, "the session has ended")
	}
	return a.policy.Decide(a.sessions.Subject(sess), act, res, why, a.now())
}

// Record writes an event that is not a decision (live.stop, round.stop,
// observation, dispatch done) for the session, with outcome "allowed" and no
// decision code (Entry.Reason is empty). It is written even for a
// session that has just logged out: the stop of a view belongs in the trail.
func (a *Access) Record(ctx context.Context, sess *Session, act audit.Action, subject string, why Reason, detail string) error {
	if sess == nil {
		return ErrNoSession
	}
	e := audit.Entry{Time: a.now(), User: sess.User.Name, Role: string(sess.User.Role), Console: sess.Console,
		Action: act, Subject: subject, JustKind: string(why.Kind), JustText: why.Text, JustRef: why.Ref,
		AuthRef: why.AuthRef, Outcome: audit.OutcomeAllowed, Detail: detail}
	if _, err := a.log.Append(ctx, e); err != nil {
		return fmt.Errorf("%s by %s: audit: %w", act, sess.User.Name, err)
	}
	return nil
}

// auditSubject names what was consulted, in the audit package's forms.
func auditSubject(act Action, r Resource, why Reason) string {
	switch {
	case r.Target != "":
		return r.Target
	case r.Camera != "":
		return "camera:" + r.Camera
	case r.Plate != "":
		return "plate:" + r.Plate
	case r.Case != "":
		return "case:" + r.Case
	case act == ActRoundRun && why.Ref != "":
		return "round:" + why.Ref
	}
	return ""
}

// withFacts appends what the policy weighed, so a reviewer sees why an old
// clip was shown without opening anything else.
func withFacts(detail string, act Action, r Resource) string {
	var f []string
	if detail != "" {
		f = append(f, detail)
	}
	if act.recorded() {
		f = append(f, fmt.Sprintf("age=%s", r.FootageAge.Round(time.Second)))
		if r.EvidenceHold {
			f = append(f, "hold=true")
		}
	}
	if r.Covert {
		f = append(f, "covert=true")
	}
	return strings.Join(f, " ")
}
