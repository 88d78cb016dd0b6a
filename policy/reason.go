package policy

import (
	"fmt"
	"strings"
	"unicode"
)

// JustKind is the legal ground a consultation rests on. The strings are
// stored in every audit entry and the UI translates them.
type JustKind string

// The justification kinds of issue 4.
const (
	JustShift     JustKind = "operational"    // operational monitoring during a dispatch shift
	JustEvent     JustKind = "event"          // event coordination: <event>
	JustEmergency JustKind = "emergency"      // emergency: <incident>
	JustRound     JustKind = "virtual_patrol" // virtual patrol: <round>
	JustAdmin     JustKind = "administrative" // administrative police mission: <reference>
	JustJudicial  JustKind = "judicial"       // judicial mission: <case>, with AuthRef after 30 days
)

// JustKinds lists every kind in the order the justification prompt offers them.
func JustKinds() []JustKind {
	return []JustKind{JustShift, JustEvent, JustEmergency, JustRound, JustAdmin, JustJudicial}
}

// Valid reports whether k is one of the known kinds.
func (k JustKind) Valid() bool {
	for _, v := range JustKinds() {
		if k == v {
			return true
		}
	}
	return false
}

// Limits on what a user may type, so a justification stays a justification
// and not a document pasted into the audit trail.
const (
	MaxReasonText = 500 // MaxReasonText bounds every free text a user types into the trail
	maxReasonRef  = 120
)

// Reason is the justification of a consultation: why this person looks at
// this camera, footage or plate now.
type Reason struct {
	Kind JustKind
	// Text is the free motivation ("verdachte persoon aan de fietsenstalling").
	Text string
	// Ref names the event, incident, round, mission or case.
	Ref string
	// AuthRef is the prosecutor's or investigating judge's authorisation,
	// required for footage older than 30 days.
	AuthRef string
}

// actionKinds says which legal grounds fit which action. Actions not listed
// accept every kind: the justification is recorded, and no footage rule
// depends on it.
var actionKinds = map[Action][]JustKind{
	// Recorded footage and passages: "for an administrative or judicial mission".
	ActPlayback:   {JustAdmin, JustJudicial},
	ActExport:     {JustAdmin, JustJudicial},
	ActANPRSearch: {JustAdmin, JustJudicial},
	// An evidence hold serves a police or judicial investigation.
	ActHold: {JustAdmin, JustJudicial},
	// A data-subject request is an administrative file with its own number.
	ActDSAR: {JustAdmin},
	// Footage without its masks goes out for a court only.
	ActExportUnmasked: {JustJudicial},
	// A round runs under "virtual patrol: <round>" (issue 8).
	ActRoundRun: {JustRound},
	// Live access for municipal staff: a major event or an emergency only.
	ActGrant: {JustEvent, JustEmergency},
}

// KindsFor lists the justification kinds the prompt may offer for act.
func KindsFor(act Action) []JustKind {
	if ks, ok := actionKinds[act]; ok {
		return append([]JustKind(nil), ks...)
	}
	return JustKinds()
}

func kindFits(act Action, k JustKind) bool {
	for _, v := range KindsFor(act) {
		if v == k {
			return true
		}
	}
	return false
}

// ReasonError says why a justification is not enough. Code is one of the
// Code* constants, so the UI can say it in the user's language.
type ReasonError struct {
	Code    string
	Message string
}

func (e *ReasonError) Error() string { return e.Message }

// Validate checks the justification on its own, for act: a kind that fits,
// the reference the kind needs, and the motivation of an ANPR search. Rules
// that depend on the footage (AuthRef after 30 days, covert cameras) are the
// policy's, since only the resource knows its age.
func (r Reason) Validate(act Action) error {
	if r.Kind == "" {
		return &ReasonError{CodeJustificationRequired, "every consultation needs a justification"}
	}
	if !r.Kind.Valid() {
		return &ReasonError{CodeJustificationKindUnknown, fmt.Sprintf("unknown justification kind %q", r.Kind)}
	}
	if !kindFits(act, r.Kind) {
		return &ReasonError{CodeJustificationKindNotAllowed, fmt.Sprintf("a %s justification does not allow %s", r.Kind, act)}
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"text", r.Text, MaxReasonText}, {"reference", r.Ref, maxReasonRef}, {"authorisation reference", r.AuthRef, maxReasonRef}} {
		if len(f.v) > f.max {
			return &ReasonError{CodeJustificationTooLong, fmt.Sprintf("justification %s longer than %d bytes", f.name, f.max)}
		}
		if strings.IndexFunc(f.v, unicode.IsControl) >= 0 {
			return &ReasonError{CodeJustificationInvalid, fmt.Sprintf("justification %s holds control characters", f.name)}
		}
	}
	if r.Kind != JustShift && blank(r.Ref) {
		return &ReasonError{CodeJustificationRefRequired, fmt.Sprintf("a %s justification needs %s", r.Kind, refName(r.Kind))}
	}
	if act == ActANPRSearch && blank(r.Text) {
		return &ReasonError{CodeMotivationRequired, "a retroactive ANPR search needs an operational motivation"}
	}
	return nil
}

func refName(k JustKind) string {
	switch k {
	case JustEvent:
		return "the event's name"
	case JustEmergency:
		return "the incident"
	case JustRound:
		return "the round's name"
	case JustAdmin:
		return "a mission reference"
	case JustJudicial:
		return "a case reference"
	}
	return "a reference"
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// String gives a language-neutral label, "virtual_patrol: Stationsbuurt" or
// "judicial: PV 2026/123 (auth: ONDERZ 45/26)"; the UI translates the kind.
func (r Reason) String() string {
	var b strings.Builder
	b.WriteString(string(r.Kind))
	sep := ": "
	if r.Ref != "" {
		b.WriteString(sep + r.Ref)
		sep = " "
	}
	if r.Text != "" {
		if sep == ": " {
			b.WriteString(sep + r.Text)
		} else {
			b.WriteString(" - " + r.Text)
		}
		sep = " "
	}
	if r.AuthRef != "" {
		if sep == ": " {
			b.WriteString(":")
		}
		b.WriteString(" (auth: " + r.AuthRef + ")")
	}
	return b.String()
}
