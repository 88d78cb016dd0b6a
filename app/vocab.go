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

// Types of the domain packages.
type (
	Action       = policy.Action
	Assignment   = hits.Assignment
	AuditTrust   = zone.AuditTrust
	Camera       = zone.Camera
	CameraKind   = zone.CameraKind
	Credentials  = identity.Credentials
	Decision     = policy.Decision
	DeniedError  = policy.DeniedError
	Duration     = zone.Duration
	Hit          = hits.Hit
	HitEvent     = hits.HitEvent
	HitFeed      = hits.HitFeed
	HitFilter    = hits.HitFilter
	HitStatus    = hits.HitStatus
	JustKind     = policy.JustKind
	LockedError  = identity.LockedError
	MapLine      = hits.MapLine
	Mask         = zone.Mask
	MatchDiff    = hits.MatchDiff
	MatchKind    = hits.MatchKind
	Patrol       = hits.Patrol
	PatrolConfig = hits.PatrolConfig
	PatrolStatus = hits.PatrolStatus
	Policy       = policy.Policy
	Reason       = policy.Reason
	ReasonError  = policy.ReasonError
	RejectReason = hits.RejectReason
	Resource     = policy.Resource
	Role         = policy.Role
	Round        = zone.Round
	RoundStep    = zone.RoundStep
	Session      = identity.Session
	Sessions     = identity.Sessions
	User         = identity.User
	Users        = identity.Users
	Zone         = zone.Zone
)

// Constants of the domain packages.
const (
	ActANPRSearch                    = policy.ActANPRSearch
	ActDSAR                          = policy.ActDSAR
	ActDispatch                      = policy.ActDispatch
	ActGrant                         = policy.ActGrant
	ActHitHandle                     = policy.ActHitHandle
	ActExport                        = policy.ActExport
	ActExportUnmasked                = policy.ActExportUnmasked
	ActHold                          = policy.ActHold
	ActPlayback                      = policy.ActPlayback
	ActLists                         = policy.ActLists
	ActLive                          = policy.ActLive
	ActLiveReview                    = policy.ActLiveReview
	ActReview                        = policy.ActReview
	ActRoundEdit                     = policy.ActRoundEdit
	ActRoundRun                      = policy.ActRoundRun
	ActSettings                      = policy.ActSettings
	CodeActionUnknown                = policy.CodeActionUnknown
	CodeAllowed                      = policy.CodeAllowed
	CodeAuditUnavailable             = policy.CodeAuditUnavailable
	CodeCovertNeedsJudicial          = policy.CodeCovertNeedsJudicial
	CodeFootageAgeInvalid            = policy.CodeFootageAgeInvalid
	CodeGrantExpired                 = policy.CodeGrantExpired
	CodeGrantRequired                = policy.CodeGrantRequired
	CodeGrantTargetInvalid           = policy.CodeGrantTargetInvalid
	CodeGrantTermsInvalid            = policy.CodeGrantTermsInvalid
	CodeGuardWithoutSupervisor       = policy.CodeGuardWithoutSupervisor
	CodeJustificationInvalid         = policy.CodeJustificationInvalid
	CodeJustificationKindNotAllowed  = policy.CodeJustificationKindNotAllowed
	CodeJustificationKindUnknown     = policy.CodeJustificationKindUnknown
	CodeJustificationRefRequired     = policy.CodeJustificationRefRequired
	CodeJustificationRequired        = policy.CodeJustificationRequired
	CodeJustificationTooLong         = policy.CodeJustificationTooLong
	CodeMotivationRequired           = policy.CodeMotivationRequired
	CodeMunicipalOwnCamerasOnly      = policy.CodeMunicipalOwnCamerasOnly
	CodeOver30DaysNeedsAuthorisation = policy.CodeOver30DaysNeedsAuthorisation
	CodeOver30DaysNeedsJudicial      = policy.CodeOver30DaysNeedsJudicial
	CodeRetentionExpired             = policy.CodeRetentionExpired
	CodeRoleNotPermitted             = policy.CodeRoleNotPermitted
	CodeRoleUnknown                  = policy.CodeRoleUnknown
	CodeSessionInvalid               = policy.CodeSessionInvalid
	HitAlert                         = hits.HitAlert
	HitConfirmed                     = hits.HitConfirmed
	HitDispatched                    = hits.HitDispatched
	HitNew                           = hits.HitNew
	HitRejected                      = hits.HitRejected
	JustAdmin                        = policy.JustAdmin
	JustEmergency                    = policy.JustEmergency
	JustEvent                        = policy.JustEvent
	JustJudicial                     = policy.JustJudicial
	JustRound                        = policy.JustRound
	JustShift                        = policy.JustShift
	KindANPRFixed                    = zone.KindANPRFixed
	KindANPRMobile                   = zone.KindANPRMobile
	KindBodycam                      = zone.KindBodycam
	KindDrone                        = zone.KindDrone
	KindFixed                        = zone.KindFixed
	KindMobbox                       = zone.KindMobbox
	KindOfficeCell                   = zone.KindOfficeCell
	KindPTZVan                       = zone.KindPTZVan
	KindTemporary                    = zone.KindTemporary
	KindThirdParty                   = zone.KindThirdParty
	MatchExact                       = hits.MatchExact
	MatchLookalike                   = hits.MatchLookalike
	MatchOneEdit                     = hits.MatchOneEdit
	MaxFailures                      = identity.MaxFailures
	OwnerPolice                      = policy.OwnerPolice
	PatrolEnRoute                    = hits.PatrolEnRoute
	PatrolFree                       = hits.PatrolFree
	PatrolOnScene                    = hits.PatrolOnScene
	PatrolUnavailable                = hits.PatrolUnavailable
	PoliceAccessWindow               = policy.PoliceAccessWindow
	RejectEntryOutdated              = hits.RejectEntryOutdated
	RejectMisread                    = hits.RejectMisread
	RejectOther                      = hits.RejectOther
	RejectPlateNotOnCar              = hits.RejectPlateNotOnCar
	RejectWrongCountry               = hits.RejectWrongCountry
	Retention                        = policy.Retention
	RoleAdmin                        = policy.RoleAdmin
	RoleDPO                          = policy.RoleDPO
	RoleDispatcher                   = policy.RoleDispatcher
	RoleInvestigator                 = policy.RoleInvestigator
	RoleMunicipal                    = policy.RoleMunicipal
	RoleSecurityGuard                = policy.RoleSecurityGuard
	RoleTeamChief                    = policy.RoleTeamChief
)

// Errors of the domain packages.
var (
	ErrBadCredentials  = identity.ErrBadCredentials
	ErrDisabled        = identity.ErrDisabled
	ErrFeedDown        = hits.ErrFeedDown
	ErrHitHandled      = hits.ErrHitHandled
	ErrHitNotConfirmed = hits.ErrHitNotConfirmed
	ErrLocked          = identity.ErrLocked
	ErrNoFreePatrol    = hits.ErrNoFreePatrol
	ErrNoPatrolFeed    = hits.ErrNoPatrolFeed
	ErrNoSession       = identity.ErrNoSession
	ErrRejectReason    = hits.ErrRejectReason
	ErrRoundNotFound   = zone.ErrRoundNotFound
	ErrUnknownPatrol   = hits.ErrUnknownPatrol
	Kinds              = zone.Kinds
)

func LoadZone(path string) (Zone, error) { return zone.LoadZone(path) }

func OpenCredentials(dataDir string) (*Credentials, error) { return identity.OpenCredentials(dataDir) }

func OpenUsers(path string, log *slog.Logger) (*Users, error) { return identity.OpenUsers(path, log) }

func SaveZone(path string, z Zone) error { return zone.SaveZone(path, z) }

func ValidateRound(z Zone, r Round) error { return zone.ValidateRound(z, r) }

func JustKinds() []JustKind { return policy.JustKinds() }

func KindsFor(act Action) []JustKind { return policy.KindsFor(act) }

func RoleMay(r Role, a Action) bool { return policy.RoleMay(r, a) }

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

func Haversine(lat1, lon1, lat2, lon2 float64) float64 { return hits.Haversine(lat1, lon1, lat2, lon2) }

func NearestFree(units []Patrol, lat, lon float64) (Assignment, bool) {
	return hits.NearestFree(units, lat, lon)
}

func RejectReasons() []RejectReason { return hits.RejectReasons() }

func Roles() []Role { return policy.Roles() }
