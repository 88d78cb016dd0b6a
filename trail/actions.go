package trail

import (
	"reflect"
	"time"

	"github.com/politiezone/zoneconsole/audit"
)

// The audit actions of the console. The strings are stored and hashed:
// never change a released one.
const (
	ActLogin        audit.Action = "login"
	ActLogout       audit.Action = "logout"
	ActLoginFailed  audit.Action = "login.failed"
	ActLiveStart    audit.Action = "live.start"
	ActLiveStop     audit.Action = "live.stop"
	ActLiveReview   audit.Action = "live.review"
	ActPlayback     audit.Action = "playback"
	ActExport       audit.Action = "export"
	ActANPRSearch   audit.Action = "anpr.search"
	ActHitConfirm   audit.Action = "hit.confirm"
	ActHitReject    audit.Action = "hit.reject"
	ActHitView      audit.Action = "hit.view"
	ActDispatch     audit.Action = "dispatch"
	ActPatrolView   audit.Action = "patrol.view"
	ActPTZ          audit.Action = "ptz.move"
	ActRoundStart   audit.Action = "round.start"
	ActRoundStop    audit.Action = "round.stop"
	ActRoundEdit    audit.Action = "round.edit"
	ActObservation  audit.Action = "observation"
	ActReview       audit.Action = "audit.review"
	ActSettings     audit.Action = "settings.change"
	ActListChange   audit.Action = "list.change"
	ActGrant        audit.Action = "grant"
	ActEvidenceHold audit.Action = "evidence.hold"
	ActDSAR         audit.Action = "dsar"
	ActRecordClean  audit.Action = "record.clean"
	ActPlaybackStop audit.Action = "playback.stop"
	ActPassagePurge audit.Action = "anpr.purge"
	ActRecordAlarm  audit.Action = "record.alarm"
)

// Time is written as RFC 3339 in UTC (encoding/json does that for a UTC time).
type Time = time.Time

// Login: a session opened.
type Login struct {
	Session string `json:"session"`
	Room    string `json:"room,omitempty"`
}

// LoginFailed: a refused login (the entry's Reason says why).
type LoginFailed struct {
	Room string `json:"room,omitempty"`
}

// Logout: a session ended.
type Logout struct {
	Session  string   `json:"session"`
	Duration Duration `json:"duration"`
}

// LiveStart: a camera put on screen (the decision).
type LiveStart struct {
	View   string `json:"view"`
	Stream string `json:"stream"`
}

// LiveStop: a camera taken off screen; Ended is the policy code that ended
// it, or console_restart for an interval a crash left open.
type LiveStop struct {
	View     string   `json:"view"`
	Duration Duration `json:"duration,omitzero"`
	Ended    string   `json:"ended,omitempty"`
}

// LiveReview: the team chief's who-watches-what panel.
type LiveReview struct {
	Panel string `json:"panel"`
}

// Review: an audit review, report or export; What says which.
type Review struct {
	What   string `json:"what"` // review, export, round_reports, round_report, round_coverage
	Filter string `json:"filter,omitempty"`
	Format string `json:"format,omitempty"`
	Verify bool   `json:"verify,omitempty"`
	Run    string `json:"run,omitempty"`
	From   Time   `json:"from,omitzero"`
	To     Time   `json:"to,omitzero"`
}

// Hit is the detail of hit.confirm, hit.reject and hit.view.
type Hit struct {
	Hit        string  `json:"hit"`
	Camera     string  `json:"camera"`
	List       string  `json:"list"`
	Version    int64   `json:"version"`
	Listed     string  `json:"listed"`
	Read       string  `json:"read"`
	Confidence float64 `json:"confidence"`
	Match      string  `json:"match"`
	Priority   int     `json:"priority"`
	Passage    int64   `json:"passage,omitempty"`
	Reject     string  `json:"reject,omitempty"`
	Note       string  `json:"note,omitempty"`
	act        audit.Action
}

// HitView: a session opened the hits (feed, list, search); Filter says which.
type HitView struct {
	What    string `json:"what"` // feed, search
	Filter  string `json:"filter,omitempty"`
	Results int    `json:"results"`
}

// Dispatch: a patrol sent, or a patrol's status set by a person.
type Dispatch struct {
	Hit      string  `json:"hit,omitempty"`
	Plate    string  `json:"plate,omitempty"`
	List     string  `json:"list,omitempty"`
	Measure  string  `json:"measure,omitempty"`
	Note     string  `json:"note,omitempty"`
	Unit     string  `json:"unit,omitempty"`
	Status   string  `json:"status,omitempty"`
	Distance float64 `json:"distance_m,omitempty"`
	ETA      string  `json:"eta,omitempty"`
	Lat      float64 `json:"lat,omitempty"`
	Lon      float64 `json:"lon,omitempty"`
	Failed   string  `json:"failed,omitempty"`
}

// PatrolView: a session opened the patrol positions.
type PatrolView struct {
	What string `json:"what"`
}

// ANPRSearch: a retroactive passage search, with its criteria and, in the
// second entry, its result count or failure.
type ANPRSearch struct {
	Pattern string   `json:"pattern"`
	From    Time     `json:"from,omitzero"`
	To      Time     `json:"to,omitzero"`
	Cameras []string `json:"cameras,omitempty"`
	Results int      `json:"results"`
	Done    bool     `json:"done,omitempty"`
	Failed  string   `json:"failed,omitempty"`
}

// RoundStart: a round begun.
type RoundStart struct {
	Run   string `json:"run"`
	Steps int    `json:"steps"`
}

// RoundStop: a round ended.
type RoundStop struct {
	Run      string   `json:"run"`
	End      string   `json:"end"`
	StepsRun int      `json:"steps_run"`
	Duration Duration `json:"duration"`
	Seen     int      `json:"seen,omitempty"`
	Lost     int      `json:"lost,omitempty"`
	Error    string   `json:"error,omitempty"`
}

// RoundEdit: a round created, changed or deleted; Change summarises it.
type RoundEdit struct {
	Op      string   `json:"op"` // create, update, delete
	Change  string   `json:"change"`
	Steps   int      `json:"steps"`
	Dwell   Duration `json:"dwell"`
	Cameras []string `json:"cameras,omitempty"`
}

// Observation: a note taken during a round.
type Observation struct {
	Run      string `json:"run"`
	Seq      int    `json:"seq"`
	Note     string `json:"note"`
	Snapshot string `json:"snapshot,omitempty"`
}

// Settings: an administrator's change.
type Settings struct {
	Change       string `json:"change"` // user.add, user.password, ...
	User         string `json:"user,omitempty"`
	Role         string `json:"role,omitempty"`
	Municipality string `json:"municipality,omitempty"`
	// Limits are the recording limits set (Change recording.limits).
	Limits *RecordingLimits `json:"limits,omitempty"`
}

// RecordingLimits are the retention, quota and free-space floor an
// administrator set.
type RecordingLimits struct {
	Retention Duration `json:"retention"`
	QuotaGB   float64  `json:"quota_gb"`
	MinFreeGB float64  `json:"min_free_gb"`
}

// ListChange: a hotlist import attempt and, in a second entry, its outcome.
type ListChange struct {
	File     string `json:"file,omitempty"`
	Bytes    int64  `json:"bytes,omitempty"`
	SHA256   string `json:"sha256"`
	Outcome  string `json:"outcome,omitempty"` // imported, rejected, failed
	Version  int64  `json:"version,omitempty"`
	Previous int64  `json:"previous,omitempty"`
	Entries  int    `json:"entries,omitempty"`
	Added    int    `json:"added,omitempty"`
	Removed  int    `json:"removed,omitempty"`
	Errors   int    `json:"errors,omitempty"`
	Format   string `json:"format,omitempty"`
	Error    string `json:"error,omitempty"`
	Note     string `json:"note,omitempty"`
}

// Grant: a municipal live grant given, or revoked.
type Grant struct {
	Grant   string   `json:"grant"`
	Cameras []string `json:"cameras,omitempty"`
	Until   Time     `json:"until,omitzero"`
	Revoke  bool     `json:"revoke,omitempty"`
}

// Playback: recorded footage put on screen (the decision); PlaybackStop
// ends the interval with the period that was actually shown.
type Playback struct {
	Playback string   `json:"playback"`
	Cameras  []string `json:"cameras"`
	At       Time     `json:"at"` // the moment asked for
}

// PlaybackStop: the end of a playback interval.
type PlaybackStop struct {
	Playback  string   `json:"playback"`
	Cameras   []string `json:"cameras"`
	ShownFrom Time     `json:"shown_from,omitzero"`
	ShownTo   Time     `json:"shown_to,omitzero"`
	Duration  Duration `json:"duration"`
}

// Export: footage leaving the console as evidence, and in a second entry
// its outcome (the folder, the manifest's hash) or why it failed.
type Export struct {
	Cameras  []string `json:"cameras"`
	From     Time     `json:"from"`
	To       Time     `json:"to"`
	Case     string   `json:"case"`
	Unmasked bool     `json:"unmasked,omitempty"`
	Folder   string   `json:"folder,omitempty"`
	Manifest string   `json:"manifest_sha256,omitempty"`
	Bytes    int64    `json:"bytes,omitempty"`
	Done     bool     `json:"done,omitempty"`
	Failed   string   `json:"failed,omitempty"`
}

// Hold: an evidence hold placed or released.
type Hold struct {
	Hold     int64    `json:"hold,omitempty"`
	Cameras  []string `json:"cameras,omitempty"`
	From     Time     `json:"from,omitzero"`
	To       Time     `json:"to,omitzero"`
	Case     string   `json:"case,omitempty"`
	Until    Time     `json:"until,omitzero"`
	Release  bool     `json:"release,omitempty"`
	Segments int      `json:"segments,omitempty"` // segments it covers now
	Bytes    int64    `json:"bytes,omitempty"`
}

// RecordClean: one run of the retention and disk cleaner, per camera and
// cause the segments and bytes deleted and the period they covered.
type RecordClean struct {
	Cutoff   Time         `json:"cutoff"`
	Deleted  []CleanCount `json:"deleted,omitempty"`
	HeldKept int          `json:"held_kept,omitempty"`
	Error    string       `json:"error,omitempty"`
}

// CleanCount is what one cleaner run deleted of one camera for one cause.
type CleanCount struct {
	Camera   string `json:"camera"`
	Cause    string `json:"cause"` // retention, quota, disk
	Segments int    `json:"segments"`
	Bytes    int64  `json:"bytes"`
	From     Time   `json:"from"`
	To       Time   `json:"to"`
}

// PassagePurge: one run of the passage retention job.
type PassagePurge struct {
	Cutoff   Time   `json:"cutoff"`
	Passages int64  `json:"passages"`
	Kept     int64  `json:"kept_by_holds,omitempty"`
	Images   int64  `json:"images"`
	Bytes    int64  `json:"bytes"`
	Error    string `json:"error,omitempty"`
}

func (PassagePurge) Action() audit.Action { return ActPassagePurge }

// RecordAlarm: recording stopped or is about to (disk, quota, only held
// footage left), or came back.
type RecordAlarm struct {
	Alarm string `json:"alarm"`
	Clear bool   `json:"clear,omitempty"`
}

func (Hold) Action() audit.Action         { return ActEvidenceHold }
func (Playback) Action() audit.Action     { return ActPlayback }
func (PlaybackStop) Action() audit.Action { return ActPlaybackStop }
func (Export) Action() audit.Action       { return ActExport }
func (RecordClean) Action() audit.Action  { return ActRecordClean }
func (RecordAlarm) Action() audit.Action  { return ActRecordAlarm }

func (Login) Action() audit.Action       { return ActLogin }
func (LoginFailed) Action() audit.Action { return ActLoginFailed }
func (Logout) Action() audit.Action      { return ActLogout }
func (LiveStart) Action() audit.Action   { return ActLiveStart }
func (LiveStop) Action() audit.Action    { return ActLiveStop }
func (LiveReview) Action() audit.Action  { return ActLiveReview }
func (Review) Action() audit.Action      { return ActReview }
func (HitView) Action() audit.Action     { return ActHitView }
func (Dispatch) Action() audit.Action    { return ActDispatch }
func (PatrolView) Action() audit.Action  { return ActPatrolView }
func (ANPRSearch) Action() audit.Action  { return ActANPRSearch }
func (RoundStart) Action() audit.Action  { return ActRoundStart }
func (RoundStop) Action() audit.Action   { return ActRoundStop }
func (RoundEdit) Action() audit.Action   { return ActRoundEdit }
func (Observation) Action() audit.Action { return ActObservation }
func (Settings) Action() audit.Action    { return ActSettings }
func (ListChange) Action() audit.Action  { return ActListChange }
func (Grant) Action() audit.Action       { return ActGrant }

// Action of a hit detail: hit.confirm unless made with AsReject or AsView.
func (h Hit) Action() audit.Action {
	if h.act == "" {
		return ActHitConfirm
	}
	return h.act
}

// AsReject is the detail written under hit.reject.
func (h Hit) AsReject(reason, note string) Hit {
	h.act, h.Reject, h.Note = ActHitReject, reason, note
	return h
}

// types maps each action to its detail struct, for Decode.
var types = map[audit.Action]reflect.Type{
	ActLogin: reflect.TypeFor[Login](), ActLoginFailed: reflect.TypeFor[LoginFailed](), ActLogout: reflect.TypeFor[Logout](),
	ActLiveStart: reflect.TypeFor[LiveStart](), ActLiveStop: reflect.TypeFor[LiveStop](), ActLiveReview: reflect.TypeFor[LiveReview](),
	ActReview: reflect.TypeFor[Review](), ActHitConfirm: reflect.TypeFor[Hit](), ActHitReject: reflect.TypeFor[Hit](),
	ActHitView: reflect.TypeFor[HitView](), ActDispatch: reflect.TypeFor[Dispatch](), ActPatrolView: reflect.TypeFor[PatrolView](),
	ActANPRSearch: reflect.TypeFor[ANPRSearch](), ActRoundStart: reflect.TypeFor[RoundStart](), ActRoundStop: reflect.TypeFor[RoundStop](),
	ActRoundEdit: reflect.TypeFor[RoundEdit](), ActObservation: reflect.TypeFor[Observation](), ActSettings: reflect.TypeFor[Settings](),
	ActListChange: reflect.TypeFor[ListChange](), ActGrant: reflect.TypeFor[Grant](),
	ActEvidenceHold: reflect.TypeFor[Hold](), ActPlayback: reflect.TypeFor[Playback](), ActPlaybackStop: reflect.TypeFor[PlaybackStop](),
	ActExport: reflect.TypeFor[Export](), ActPassagePurge: reflect.TypeFor[PassagePurge](), ActRecordClean: reflect.TypeFor[RecordClean](), ActRecordAlarm: reflect.TypeFor[RecordAlarm](),
	ActPTZ: reflect.TypeFor[PTZ](), ActAuditWitness: reflect.TypeFor[AuditWitness](),
}

// ForAction is a new zero detail of the action's type (a pointer), or nil.
func ForAction(a audit.Action) Detail {
	t, ok := types[a]
	if !ok {
		return nil
	}
	return reflect.New(t).Interface().(Detail)
}
