package policy

import (
	"errors"
	"fmt"
	"time"
)

// Decision codes. They are stable machine ids, written in the audit trail
// (Entry.Reason) and translated by the UI; never change a released one.
const (
	CodeAllowed = "allowed"

	CodeRoleUnknown      = "role_unknown"       // the subject's role is not one of Roles()
	CodeActionUnknown    = "action_unknown"     // the action is not one of Actions()
	CodeRoleNotPermitted = "role_not_permitted" // this role never may (RoleMay is false)

	CodeJustificationRequired       = "justification_required"         // no kind given
	CodeJustificationKindUnknown    = "justification_kind_unknown"     // kind not one of JustKinds()
	CodeJustificationKindNotAllowed = "justification_kind_not_allowed" // kind does not fit the action (KindsFor)
	CodeJustificationRefRequired    = "justification_ref_required"     // event/incident/round/mission/case missing
	CodeJustificationTooLong        = "justification_too_long"
	CodeJustificationInvalid        = "justification_invalid" // control characters
	CodeMotivationRequired          = "motivation_required"   // ANPR search without Text

	CodeGuardWithoutSupervisor = "guard_without_supervisor" // no team chief logged in in the guard's room
	CodeCovertNeedsJudicial    = "covert_needs_judicial"    // covert camera, kind is not judicial

	CodeFootageAgeInvalid            = "footage_age_invalid"              // negative age
	CodeOver30DaysNeedsJudicial      = "over_30_days_needs_judicial"      // older than 30 days, kind not judicial
	CodeOver30DaysNeedsAuthorisation = "over_30_days_needs_authorisation" // judicial, but no AuthRef
	CodeRetentionExpired             = "retention_expired"                // older than one year, no evidence hold

	CodeMunicipalOwnCamerasOnly = "municipal_own_cameras_only" // not a camera of the operator's municipality
	CodeGrantRequired           = "grant_required"             // municipal live without a grant for the camera
	CodeGrantExpired            = "grant_expired"              // the grant for the camera has ended (or not begun)
	CodeMunicipalOver30Days     = "municipal_over_30_days"     // a municipal operator asked for footage older than 30 days

	// Set by Access and Sessions, never by Policy:
	CodeAuditUnavailable = "audit_unavailable" // the audit entry could not be written: fail closed
	CodeSessionInvalid   = "session_invalid"   // no session, or one that has logged out

	// Set by Sessions.Grant when the grantee or the terms are wrong:
	CodeGrantTargetInvalid = "grant_target_invalid" // unknown, disabled, or not a municipal operator
	CodeGrantTermsInvalid  = "grant_terms_invalid"  // no cameras, end in the past, or longer than MaxGrant
)

// Footage rules of the WPA (seeds 000 and 004).
const (
	// PoliceAccessWindow: recorded footage is open to police staff for an
	// administrative or judicial mission during its first 30 days.
	PoliceAccessWindow = 30 * 24 * time.Hour
	// Retention: nothing is kept (or shown) longer than one year unless held.
	Retention = 365 * 24 * time.Hour
)

// Owner values of a camera record: who owns the camera decides who may
// see it (municipal operators see their municipality's own cameras only).
const (
	OwnerPolice       = "police"
	OwnerMunicipality = "municipality"
	OwnerThirdParty   = "third_party"
)

// Subject is who asks: the session's user, where they sit, and what the room
// and the team chief add to their rights.
type Subject struct {
	User         string
	Role         Role
	Console      string
	Room         string
	Municipality string
	// SupervisorPresent: a team chief is logged in in the same dispatch room.
	SupervisorPresent bool
	// Grants are the user's live-view grants (Sessions.Subject fills them).
	Grants []Grant
}

// Resource is what the subject asks to see or change.
type Resource struct {
	Camera       string
	Owner        string // OwnerPolice, OwnerMunicipality, OwnerThirdParty
	Municipality string
	Covert       bool
	Live         bool
	// FootageAge is now minus the oldest moment asked for (recorded footage,
	// or the start of an ANPR search window).
	FootageAge   time.Duration
	EvidenceHold bool
	Plate        string
	Case         string
	// Target names the audit subject when Camera, Plate and Case do not
	// ("round:Stationsbuurt", "user:jan", "list:<name>"). The policy ignores it.
	Target string
}

// Decision is the policy's answer. Code is stable and translated by the UI;
// Message is an English sentence for logs.
type Decision struct {
	Allow   bool
	Code    string
	Message string
}

// Allow is the decision that lets a request through.
func Allow() Decision { return Decision{Allow: true, Code: CodeAllowed, Message: "allowed"} }

// Deny is a refusal with a stable code and an English message for logs.
func Deny(code, format string, args ...any) Decision {
	return Decision{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Policy decides who may see what, and why. It is pure: it reads no clock and
// touches no store, so every rule is a table test away.
type Policy struct{}

// Decide answers one request. The checks run from the most general (role)
// to the most specific (age of the footage), and the first refusal wins, so
// the code names the first thing the user would have to change.
func (Policy) Decide(s Subject, a Action, r Resource, why Reason, now time.Time) Decision {
	if !s.Role.Valid() {
		return Deny(CodeRoleUnknown, "role %q is unknown", s.Role)
	}
	if !a.Valid() {
		return Deny(CodeActionUnknown, "action %q is unknown", a)
	}
	if !RoleMay(s.Role, a) {
		return Deny(CodeRoleNotPermitted, "a %s may not %s", s.Role, a)
	}
	if err := why.Validate(a); err != nil {
		var re *ReasonError
		if errors.As(err, &re) {
			return Deny(re.Code, "%s", re.Message)
		}
		return Deny(CodeJustificationInvalid, "%v", err)
	}
	if r.Covert && why.Kind != JustJudicial {
		return Deny(CodeCovertNeedsJudicial, "camera %s is covert: judicial missions only", r.Camera)
	}
	if s.Role == RoleSecurityGuard && a.ShowsLive() && !s.SupervisorPresent {
		return Deny(CodeGuardWithoutSupervisor, "a security guard may %s only while a team chief is logged in in room %q", a, s.Room)
	}
	if s.Role == RoleMunicipal {
		if d := decideMunicipal(s, a, r, why, now); !d.Allow {
			return d
		}
	}
	if a.Recorded() {
		return decideAge(r, why)
	}
	return Allow()
}

// decideMunicipal applies the Camerawet limits of designated city staff:
// recorded images of their own cameras, live only under a team chief's grant.
func decideMunicipal(s Subject, a Action, r Resource, why Reason, now time.Time) Decision {
	switch a {
	case ActPlayback:
		if r.Owner != OwnerMunicipality || s.Municipality == "" || r.Municipality != s.Municipality {
			return Deny(CodeMunicipalOwnCamerasOnly, "camera %s is not a camera of municipality %q", r.Camera, s.Municipality)
		}
	}
	// City staff are not police: the judicial route past 30 days (case plus
	// authorisation) is not theirs, so no ground they give opens older footage.
	if a.Recorded() && r.FootageAge > PoliceAccessWindow {
		return Deny(CodeMunicipalOver30Days, "a municipal operator never sees footage older than 30 days (%s)", days(r.FootageAge))
	}
	switch a {
	case ActLive:
		if why.Kind != JustEvent && why.Kind != JustEmergency {
			return Deny(CodeJustificationKindNotAllowed, "municipal live view only for a major event or an emergency")
		}
		expired := false
		for _, g := range s.Grants {
			if g.To != s.User || !g.Names(r.Camera) {
				continue
			}
			if g.ActiveAt(now) {
				return Allow()
			}
			expired = true
		}
		if expired {
			return Deny(CodeGrantExpired, "the grant for camera %s is not valid now", r.Camera)
		}
		return Deny(CodeGrantRequired, "live view of camera %s needs a team chief's grant", r.Camera)
	}
	return Allow()
}

// decideAge applies the footage rules: 30 days for an administrative or
// judicial mission, then judicial with an authorisation, never beyond one
// year unless under an evidence hold.
func decideAge(r Resource, why Reason) Decision {
	switch {
	case r.FootageAge < 0:
		return Deny(CodeFootageAgeInvalid, "footage age %s is negative", r.FootageAge)
	case r.FootageAge > Retention && !r.EvidenceHold:
		return Deny(CodeRetentionExpired, "footage older than one year (%s) is not kept unless under an evidence hold", days(r.FootageAge))
	case r.FootageAge <= PoliceAccessWindow:
		return Allow()
	case why.Kind != JustJudicial:
		return Deny(CodeOver30DaysNeedsJudicial, "footage older than 30 days (%s) only for a judicial mission", days(r.FootageAge))
	case blank(why.AuthRef):
		return Deny(CodeOver30DaysNeedsAuthorisation, "footage older than 30 days (%s) needs the prosecutor's or investigating judge's authorisation reference", days(r.FootageAge))
	}
	return Allow()
}

func days(d time.Duration) string { return fmt.Sprintf("%.1f days", d.Hours()/24) }

// DeniedError is a refusal handed back as an error (Sessions.Grant, the
// Console's consultations); the UI translates Decision.Code.
// Cause is set when the refusal comes from a failure rather than a rule
// (the audit store did not take the entry).
type DeniedError struct {
	Decision Decision
	Cause    error
}

func (e *DeniedError) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("denied: %s (%s): %v", e.Decision.Message, e.Decision.Code, e.Cause)
	}
	return fmt.Sprintf("denied: %s (%s)", e.Decision.Message, e.Decision.Code)
}

func (e *DeniedError) Unwrap() error { return e.Cause }
