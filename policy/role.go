package policy

import "fmt"

// Role is what a user is appointed as. The strings are stored in users.db and
// in every audit entry, so they never change once released.
type Role string

// The roles of the spec.
const (
	RoleDispatcher    Role = "dispatcher"         // police officer appointed and trained by the korpschef
	RoleTeamChief     Role = "team_chief"         // supervising inspector, dienstdoend teamchef
	RoleSecurityGuard Role = "security_guard"     // private contractor in the dispatch team
	RoleInvestigator  Role = "investigator"       // recherche
	RoleMunicipal     Role = "municipal_operator" // designated city staff
	RoleDPO           Role = "dpo"                // data protection officer
	RoleAdmin         Role = "admin"              // cameras, users, lists, retention
)

// Roles lists every role in the order the user screens show them.
func Roles() []Role {
	return []Role{RoleDispatcher, RoleTeamChief, RoleSecurityGuard, RoleInvestigator, RoleMunicipal, RoleDPO, RoleAdmin}
}

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	_, ok := roleActions[r]
	return ok
}

// ParseRole checks a role read from a file or a form.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !r.Valid() {
		return "", fmt.Errorf("unknown role %q", s)
	}
	return r, nil
}

// Action is what a session asks the policy for. The audit trail records the
// matching audit.Action (see Action.Audit).
type Action string

// The actions the policy decides on.
const (
	ActLive       Action = "live"        // a camera on screen
	ActPlayback   Action = "playback"    // recorded footage
	ActExport     Action = "export"      // a clip leaves the console as evidence
	ActANPRSearch Action = "anpr_search" // retroactive search of passages
	ActHitHandle  Action = "hit_handle"  // confirm or reject a hotlist hit
	ActDispatch   Action = "dispatch"    // send a patrol
	ActPTZ        Action = "ptz"         // move a camera
	ActRoundRun   Action = "round_run"   // start a virtual patrol
	ActRoundEdit  Action = "round_edit"  // change a round of the zone file
	ActReview     Action = "review"      // audit review and reports
	ActLiveReview Action = "live_review" // who watches which camera, now
	ActGrant      Action = "grant"       // give a municipal operator time-limited live view
	ActSettings   Action = "settings"    // cameras, users, retention
	ActLists      Action = "lists"       // hotlist import and changes
	ActHold       Action = "hold"        // put or lift an evidence hold
	ActDSAR       Action = "dsar"        // data-subject access request
	// ActExportUnmasked: a clip leaves the console without its privacy
	// masks (the court needs what the mask hides): its own right, judicial.
	ActExportUnmasked Action = "export_unmasked"
)

// Actions lists every action, for tables and tests.
func Actions() []Action {
	return []Action{ActLive, ActPlayback, ActExport, ActANPRSearch, ActHitHandle, ActDispatch, ActPTZ,
		ActRoundRun, ActRoundEdit, ActReview, ActLiveReview, ActGrant, ActSettings, ActLists, ActHold, ActDSAR, ActExportUnmasked}
}

// Valid reports whether a is one of the known actions.
func (a Action) Valid() bool {
	for _, k := range Actions() {
		if a == k {
			return true
		}
	}
	return false
}

// Recorded reports whether the action reaches stored data (footage or
// passages), where the 30-day and one-year rules apply.
func (a Action) Recorded() bool {
	return a == ActPlayback || a == ActExport || a == ActExportUnmasked || a == ActANPRSearch
}

// ShowsLive reports whether the action puts live images in front of the user
// (or steers what they show): the security guard's supervision rule applies.
func (a Action) ShowsLive() bool {
	return a == ActLive || a == ActRoundRun || a == ActPTZ || a == ActDispatch
}

// roleActions is SPEC.md's role table: what each role may ever do. The
// conditions (supervision, age of footage, grants, justification) are in
// Policy.Decide; this table only says which doors a role has a key for.
//
// Decisions where the spec is silent:
//   - export follows recorded footage for police roles (dispatcher, team
//     chief, investigator), never for guards and municipal operators;
//   - a guard may steer PTZ and dispatch patrols (the seeds: the guard also
//     "verzorgt de aansturing van de patrouilles"), under supervision, but never
//     handles hotlist hits (police list data);
//   - the administrator has no live view: only trained police staff appointed
//     by the korpschef watch live (seeds 000 and 004);
//   - rounds are edited by a team chief or an administrator (issue 8);
//   - an export without privacy masks is the investigator's alone, on a
//     judicial ground (a court may need what the mask hides);
//   - evidence holds are placed and released by investigators, team chiefs
//     and the DPO (issue 12).
var roleActions = map[Role][]Action{
	RoleDispatcher:    {ActLive, ActPlayback, ActExport, ActHitHandle, ActDispatch, ActPTZ, ActRoundRun},
	RoleTeamChief:     {ActLive, ActPlayback, ActExport, ActHitHandle, ActDispatch, ActPTZ, ActRoundRun, ActRoundEdit, ActReview, ActLiveReview, ActGrant, ActHold},
	RoleSecurityGuard: {ActLive, ActDispatch, ActPTZ, ActRoundRun},
	RoleInvestigator:  {ActPlayback, ActExport, ActExportUnmasked, ActANPRSearch, ActHold},
	RoleMunicipal:     {ActLive, ActPlayback},
	RoleDPO:           {ActReview, ActHold, ActDSAR},
	RoleAdmin:         {ActSettings, ActLists, ActRoundEdit},
}

// RoleMay reports whether the role may ever perform the action, whatever the
// justification or resource. The UI greys out what this denies; every real
// consultation still goes through Access.Check.
func RoleMay(r Role, a Action) bool {
	for _, k := range roleActions[r] {
		if k == a {
			return true
		}
	}
	return false
}
