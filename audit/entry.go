package audit

import (
	"time"

	"github.com/politiezone/zoneconsole/audit/chain"
)

// Action is what a user did (or tried to do). The strings are stored and
// hashed, so they never change once released.
type Action = chain.Action

// The actions the console records.
const (
	ActLiveStart    Action = "live.start"
	ActLiveStop     Action = "live.stop"
	ActPlayback     Action = "playback"
	ActExport       Action = "export"
	ActANPRSearch   Action = "anpr.search"
	ActHitConfirm   Action = "hit.confirm"
	ActHitReject    Action = "hit.reject"
	ActDispatch     Action = "dispatch"
	ActPTZ          Action = "ptz.move"
	ActRoundStart   Action = "round.start"
	ActRoundStop    Action = "round.stop"
	ActRoundEdit    Action = "round.edit"
	ActObservation  Action = "observation"
	ActSettings     Action = "settings.change"
	ActListChange   Action = "list.change"
	ActLogin        Action = "login"
	ActLogout       Action = "logout"
	ActLoginFailed  Action = "login.failed"
	ActGrant        Action = "grant"
	ActEvidenceHold Action = "evidence.hold"
)

// Outcome says whether the policy allowed the action.
type Outcome = chain.Outcome

// The two outcomes.
const (
	OutcomeAllowed Outcome = "allowed"
	OutcomeDenied  Outcome = "denied"
)

// Receipt is the proof that an entry is durably stored.
type Receipt struct {
	Seq  int64
	Time time.Time
	Hash Digest
}

// Filter selects entries for the review screen. Zero fields match anything;
// From is inclusive and To exclusive. Limit 0 means no limit.
type Filter struct {
	From, To time.Time
	User     string
	Subject  string
	JustKind string
	Actions  []Action
	Limit    int
}
