package app

import (
	"log/slog"

	"github.com/politiezone/zoneconsole/hits"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/live"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/zone"
)

// The domain's vocabulary the UI and the commands speak, under the names
// they have always used here: app is the one package the UI imports, and
// these aliases keep it that way while each value lives in the package that
// owns it (policy, zone, identity).

const ActANPRSearch = policy.ActANPRSearch
const ActDispatch = policy.ActDispatch
const ActHitHandle = policy.ActHitHandle
const ActLists = policy.ActLists
const ActLive = policy.ActLive
const ActLiveReview = policy.ActLiveReview
const ActReview = policy.ActReview
const ActRoundEdit = policy.ActRoundEdit
const ActRoundRun = policy.ActRoundRun

type Action = policy.Action
type Camera = zone.Camera

const CodeGuardWithoutSupervisor = policy.CodeGuardWithoutSupervisor
const CodeMotivationRequired = policy.CodeMotivationRequired
const CodeRoleNotPermitted = policy.CodeRoleNotPermitted

type Credentials = identity.Credentials
type DeniedError = policy.DeniedError
type Duration = zone.Duration

var ErrBadCredentials = identity.ErrBadCredentials
var ErrNoSession = identity.ErrNoSession
var ErrRoundNotFound = zone.ErrRoundNotFound

const JustJudicial = policy.JustJudicial

type JustKind = policy.JustKind

const JustRound = policy.JustRound
const KindFixed = zone.KindFixed
const KindPTZVan = zone.KindPTZVan

func LoadZone(path string) (Zone, error) { return zone.LoadZone(path) }

type Mask = zone.Mask

func OpenCredentials(dataDir string) (*Credentials, error)    { return identity.OpenCredentials(dataDir) }
func OpenUsers(path string, log *slog.Logger) (*Users, error) { return identity.OpenUsers(path, log) }

const OwnerPolice = policy.OwnerPolice
const PoliceAccessWindow = policy.PoliceAccessWindow

type Policy = policy.Policy
type Reason = policy.Reason
type Resource = policy.Resource

const Retention = policy.Retention

type Role = policy.Role

const RoleTeamChief = policy.RoleTeamChief

type Round = zone.Round
type RoundStep = zone.RoundStep

func SaveZone(path string, z Zone) error { return zone.SaveZone(path, z) }

type Session = identity.Session
type Sessions = identity.Sessions
type User = identity.User
type Users = identity.Users

func ValidateRound(z Zone, r Round) error { return zone.ValidateRound(z, r) }

type Zone = zone.Zone

type CameraKind = zone.CameraKind

const CodeActionUnknown = policy.CodeActionUnknown
const CodeAllowed = policy.CodeAllowed
const CodeAuditUnavailable = policy.CodeAuditUnavailable
const CodeCovertNeedsJudicial = policy.CodeCovertNeedsJudicial
const CodeFootageAgeInvalid = policy.CodeFootageAgeInvalid
const CodeGrantExpired = policy.CodeGrantExpired
const CodeGrantRequired = policy.CodeGrantRequired
const CodeGrantTargetInvalid = policy.CodeGrantTargetInvalid
const CodeGrantTermsInvalid = policy.CodeGrantTermsInvalid
const CodeJustificationInvalid = policy.CodeJustificationInvalid
const CodeJustificationKindNotAllowed = policy.CodeJustificationKindNotAllowed
const CodeJustificationKindUnknown = policy.CodeJustificationKindUnknown
const CodeJustificationRefRequired = policy.CodeJustificationRefRequired
const CodeJustificationRequired = policy.CodeJustificationRequired
const CodeJustificationTooLong = policy.CodeJustificationTooLong
const CodeMunicipalOwnCamerasOnly = policy.CodeMunicipalOwnCamerasOnly
const CodeOver30DaysNeedsAuthorisation = policy.CodeOver30DaysNeedsAuthorisation
const CodeOver30DaysNeedsJudicial = policy.CodeOver30DaysNeedsJudicial
const CodeRetentionExpired = policy.CodeRetentionExpired
const CodeRoleUnknown = policy.CodeRoleUnknown
const CodeSessionInvalid = policy.CodeSessionInvalid

type Decision = policy.Decision

var ErrDisabled = identity.ErrDisabled
var ErrLocked = identity.ErrLocked

const JustAdmin = policy.JustAdmin
const JustEmergency = policy.JustEmergency
const JustEvent = policy.JustEvent

func JustKinds() []JustKind { return policy.JustKinds() }

const JustShift = policy.JustShift
const KindANPRFixed = zone.KindANPRFixed
const KindANPRMobile = zone.KindANPRMobile
const KindBodycam = zone.KindBodycam
const KindDrone = zone.KindDrone
const KindMobbox = zone.KindMobbox
const KindOfficeCell = zone.KindOfficeCell
const KindTemporary = zone.KindTemporary
const KindThirdParty = zone.KindThirdParty

var Kinds = zone.Kinds

func KindsFor(act Action) []JustKind { return policy.KindsFor(act) }

type LockedError = identity.LockedError

const MaxFailures = identity.MaxFailures

type ReasonError = policy.ReasonError

const RoleAdmin = policy.RoleAdmin
const RoleDPO = policy.RoleDPO
const RoleDispatcher = policy.RoleDispatcher
const RoleInvestigator = policy.RoleInvestigator

func RoleMay(r Role, a Action) bool { return policy.RoleMay(r, a) }

const RoleMunicipal = policy.RoleMunicipal
const RoleSecurityGuard = policy.RoleSecurityGuard

// Live views (package live).
type (
	LiveView     = live.View
	Stream       = live.Stream
	Frame        = live.Frame
	CameraStatus = live.CameraStatus
	Watch        = live.Watch
)

const (
	StreamSub       = live.StreamSub
	StreamMain      = live.StreamMain
	WatchAuditEvery = live.WatchAuditEvery
)

type Assignment = hits.Assignment

var ErrFeedDown = hits.ErrFeedDown
var ErrHitHandled = hits.ErrHitHandled
var ErrHitNotConfirmed = hits.ErrHitNotConfirmed
var ErrNoFreePatrol = hits.ErrNoFreePatrol
var ErrRejectReason = hits.ErrRejectReason
var ErrUnknownPatrol = hits.ErrUnknownPatrol

func Haversine(lat1, lon1, lat2, lon2 float64) float64 { return hits.Haversine(lat1, lon1, lat2, lon2) }

type Hit = hits.Hit

const HitAlert = hits.HitAlert
const HitDispatched = hits.HitDispatched

type HitEvent = hits.HitEvent
type HitFeed = hits.HitFeed
type HitFilter = hits.HitFilter

const HitNew = hits.HitNew
const HitRejected = hits.HitRejected
const MatchLookalike = hits.MatchLookalike

func NearestFree(units []Patrol, lat, lon float64) (Assignment, bool) {
	return hits.NearestFree(units, lat, lon)
}

type Patrol = hits.Patrol
type PatrolConfig = hits.PatrolConfig

const PatrolEnRoute = hits.PatrolEnRoute
const PatrolFree = hits.PatrolFree
const PatrolOnScene = hits.PatrolOnScene

type PatrolStatus = hits.PatrolStatus

const PatrolUnavailable = hits.PatrolUnavailable
const RejectMisread = hits.RejectMisread
const RejectOther = hits.RejectOther

var ErrNoPatrolFeed = hits.ErrNoPatrolFeed

const HitConfirmed = hits.HitConfirmed

type HitStatus = hits.HitStatus
type MapLine = hits.MapLine
type MatchDiff = hits.MatchDiff

const MatchExact = hits.MatchExact

type MatchKind = hits.MatchKind

const MatchOneEdit = hits.MatchOneEdit
const RejectEntryOutdated = hits.RejectEntryOutdated
const RejectPlateNotOnCar = hits.RejectPlateNotOnCar

type RejectReason = hits.RejectReason

func RejectReasons() []RejectReason { return hits.RejectReasons() }

const RejectWrongCountry = hits.RejectWrongCountry
const ActSettings = policy.ActSettings

type AuditTrust = zone.AuditTrust
const ActHold = policy.ActHold
func Roles() []Role { return policy.Roles() }
