package look

import (
	"errors"
	"image/color"

	"fyne.io/fyne/v2/lang"

	"github.com/politiezone/zoneconsole/app"
)

// The app package speaks in stable ids (roles, kinds, decision codes, camera
// states); these functions say them in the user's language. Every key is
// written out literally so the translation test finds it in the source.

func RoleLabel(r app.Role) string {
	switch r {
	case app.RoleDispatcher:
		return lang.L("role.dispatcher")
	case app.RoleTeamChief:
		return lang.L("role.team_chief")
	case app.RoleSecurityGuard:
		return lang.L("role.security_guard")
	case app.RoleInvestigator:
		return lang.L("role.investigator")
	case app.RoleMunicipal:
		return lang.L("role.municipal_operator")
	case app.RoleDPO:
		return lang.L("role.dpo")
	case app.RoleAdmin:
		return lang.L("role.admin")
	}
	return string(r)
}

func KindLabel(k app.CameraKind) string {
	switch k {
	case app.KindFixed:
		return lang.L("camkind.fixed")
	case app.KindTemporary:
		return lang.L("camkind.temporary_fixed")
	case app.KindANPRFixed:
		return lang.L("camkind.anpr_fixed")
	case app.KindANPRMobile:
		return lang.L("camkind.anpr_mobile")
	case app.KindPTZVan:
		return lang.L("camkind.ptz_van")
	case app.KindMobbox:
		return lang.L("camkind.mobbox")
	case app.KindDrone:
		return lang.L("camkind.drone")
	case app.KindBodycam:
		return lang.L("camkind.bodycam")
	case app.KindOfficeCell:
		return lang.L("camkind.office_cell")
	case app.KindThirdParty:
		return lang.L("camkind.third_party")
	}
	return string(k)
}

func JustKindLabel(k app.JustKind) string {
	switch k {
	case app.JustShift:
		return lang.L("just.kind.operational")
	case app.JustEvent:
		return lang.L("just.kind.event")
	case app.JustEmergency:
		return lang.L("just.kind.emergency")
	case app.JustRound:
		return lang.L("just.kind.virtual_patrol")
	case app.JustAdmin:
		return lang.L("just.kind.administrative")
	case app.JustJudicial:
		return lang.L("just.kind.judicial")
	}
	return string(k)
}

// JustRefLabel names the reference a kind needs, for the prompt's field.
func JustRefLabel(k app.JustKind) string {
	switch k {
	case app.JustEvent:
		return lang.L("just.ref.event")
	case app.JustEmergency:
		return lang.L("just.ref.emergency")
	case app.JustRound:
		return lang.L("just.ref.virtual_patrol")
	case app.JustAdmin:
		return lang.L("just.ref.administrative")
	case app.JustJudicial:
		return lang.L("just.ref.judicial")
	}
	return lang.L("just.ref.optional")
}

// ReasonLabel is a justification as one line: "Evenement: Wijnfeesten — ...".
func ReasonLabel(r app.Reason) string {
	s := JustKindLabel(r.Kind)
	if r.Ref != "" {
		s += ": " + r.Ref
	}
	if r.Text != "" {
		s += " — " + r.Text
	}
	if r.AuthRef != "" {
		s += " (" + lang.L("just.authref.short") + " " + r.AuthRef + ")"
	}
	return s
}

// DeniedText says why the console refused, from the decision's stable code.
func DeniedText(err error) string {
	var d *app.DeniedError
	if !errors.As(err, &d) {
		return lang.L("error.generic", map[string]any{"Error": err.Error()})
	}
	return DecisionText(d.Decision.Code)
}

func DecisionText(code string) string {
	switch code {
	case app.CodeRoleUnknown:
		return lang.L("deny.role_unknown")
	case app.CodeActionUnknown:
		return lang.L("deny.action_unknown")
	case app.CodeRoleNotPermitted:
		return lang.L("deny.role_not_permitted")
	case app.CodeJustificationRequired:
		return lang.L("deny.justification_required")
	case app.CodeJustificationKindUnknown:
		return lang.L("deny.justification_kind_unknown")
	case app.CodeJustificationKindNotAllowed:
		return lang.L("deny.justification_kind_not_allowed")
	case app.CodeJustificationRefRequired:
		return lang.L("deny.justification_ref_required")
	case app.CodeJustificationTooLong:
		return lang.L("deny.justification_too_long")
	case app.CodeJustificationInvalid:
		return lang.L("deny.justification_invalid")
	case app.CodeMotivationRequired:
		return lang.L("deny.motivation_required")
	case app.CodeGuardWithoutSupervisor:
		return lang.L("deny.guard_without_supervisor")
	case app.CodeCovertNeedsJudicial:
		return lang.L("deny.covert_needs_judicial")
	case app.CodeFootageAgeInvalid:
		return lang.L("deny.footage_age_invalid")
	case app.CodeOver30DaysNeedsJudicial:
		return lang.L("deny.over_30_days_needs_judicial")
	case app.CodeOver30DaysNeedsAuthorisation:
		return lang.L("deny.over_30_days_needs_authorisation")
	case app.CodeRetentionExpired:
		return lang.L("deny.retention_expired")
	case app.CodeMunicipalOwnCamerasOnly:
		return lang.L("deny.municipal_own_cameras_only")
	case app.CodeGrantRequired:
		return lang.L("deny.grant_required")
	case app.CodeGrantExpired:
		return lang.L("deny.grant_expired")
	case app.CodeAuditUnavailable:
		return lang.L("deny.audit_unavailable")
	case app.CodeSessionInvalid:
		return lang.L("deny.session_invalid")
	case app.CodeGrantTargetInvalid:
		return lang.L("deny.grant_target_invalid")
	case app.CodeGrantTermsInvalid:
		return lang.L("deny.grant_terms_invalid")
	}
	return lang.L("deny.other", map[string]any{"Code": code})
}

// ActionLabel names an audit action (the audit trail's stable id).
func ActionLabel(a string) string {
	switch a {
	case "live.start":
		return lang.L("audit.live.start")
	case "live.stop":
		return lang.L("audit.live.stop")
	case "playback":
		return lang.L("audit.playback")
	case "export":
		return lang.L("audit.export")
	case "anpr.search":
		return lang.L("audit.anpr.search")
	case "hit.confirm":
		return lang.L("audit.hit.confirm")
	case "hit.reject":
		return lang.L("audit.hit.reject")
	case "dispatch":
		return lang.L("audit.dispatch")
	case "ptz.move":
		return lang.L("audit.ptz.move")
	case "audit.witness":
		return lang.L("audit.audit.witness")
	case "round.start":
		return lang.L("audit.round.start")
	case "round.stop":
		return lang.L("audit.round.stop")
	case "round.edit":
		return lang.L("audit.round.edit")
	case "observation":
		return lang.L("audit.observation")
	case "settings.change":
		return lang.L("audit.settings.change")
	case "list.change":
		return lang.L("audit.list.change")
	case "login":
		return lang.L("audit.login")
	case "logout":
		return lang.L("audit.logout")
	case "login.failed":
		return lang.L("audit.login.failed")
	case "grant":
		return lang.L("audit.grant")
	case "evidence.hold":
		return lang.L("audit.evidence.hold")
	case "live.review":
		return lang.L("audit.live.review")
	case "audit.review":
		return lang.L("audit.audit.review")
	case "dsar":
		return lang.L("audit.dsar")
	}
	return a
}

// OutcomeLabel says allowed, or refused and why, from the audit entry's
// outcome and its decision code.
func OutcomeLabel(outcome, code string) string {
	if outcome == "allowed" {
		return lang.L("audit.outcome.allowed")
	}
	if code == "" || code == app.CodeAllowed {
		return lang.L("audit.outcome.denied")
	}
	return lang.L("audit.outcome.denied") + ": " + DecisionText(code)
}

// RecordLabel says on a tile whether its camera is recorded, and why not.
func RecordLabel(st app.RecordState) string {
	switch st.Reason {
	case app.RecordRecording:
		return "● " + lang.L("rec.on")
	case app.RecordOff:
		return lang.L("rec.off")
	case app.RecordCodecRefused:
		return lang.L("rec.codec")
	case app.RecordDiskFull:
		return lang.L("rec.disk_full")
	case app.RecordOnlyHeldLeft:
		return lang.L("rec.only_held")
	case app.RecordNoStream:
		return lang.L("rec.no_stream")
	}
	return lang.L("rec.error")
}

func RecordColor(st app.RecordState) color.Color {
	switch st.Reason {
	case app.RecordRecording:
		return ColRecording
	case app.RecordOff, app.RecordNoStream:
		return ColIdle
	}
	return ColLost
}

// AlarmLabel is the recordings' disk alarm as the team chief and the
// administrator read it in the status line.
func AlarmLabel(a app.RecordAlarm) string {
	switch a.Kind {
	case app.AlarmNone:
		return ""
	case app.AlarmNearlyFull:
		return lang.L("rec.alarm.nearly_full")
	case app.AlarmOnlyHeldLeft:
		return lang.L("rec.alarm.only_held")
	case app.AlarmDiskFull:
		return lang.L("rec.alarm.disk_full")
	}
	return lang.L("rec.alarm.unavailable")
}
