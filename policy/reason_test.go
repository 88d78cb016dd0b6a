package policy

import (
	"errors"
	"strings"
	"testing"
)

func TestReasonValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		act  Action
		why  Reason
		want string // "" for valid
	}{
		{"empty", ActLive, Reason{}, CodeJustificationRequired},
		{"text without kind", ActLive, Reason{Text: "kijken"}, CodeJustificationRequired},
		{"unknown kind", ActLive, Reason{Kind: "curiosity", Ref: "x"}, CodeJustificationKindUnknown},
		{"shift needs nothing more", ActLive, Reason{Kind: JustShift}, ""},
		{"event needs its name", ActLive, Reason{Kind: JustEvent, Text: "markt"}, CodeJustificationRefRequired},
		{"event named", ActLive, Reason{Kind: JustEvent, Ref: "Jaarmarkt"}, ""},
		{"emergency needs the incident", ActLive, Reason{Kind: JustEmergency, Ref: "   "}, CodeJustificationRefRequired},
		{"round needs its name", ActRoundRun, Reason{Kind: JustRound}, CodeJustificationRefRequired},
		{"round named", ActRoundRun, Reason{Kind: JustRound, Ref: "Stationsbuurt"}, ""},
		{"round under event", ActRoundRun, Reason{Kind: JustEvent, Ref: "Jaarmarkt"}, CodeJustificationKindNotAllowed},
		{"administrative needs a mission", ActPlayback, Reason{Kind: JustAdmin}, CodeJustificationRefRequired},
		{"judicial needs a case", ActPlayback, Reason{Kind: JustJudicial, AuthRef: "ONDERZ 1"}, CodeJustificationRefRequired},
		{"judicial with case", ActPlayback, Reason{Kind: JustJudicial, Ref: "HA.1"}, ""},
		{"playback on shift", ActPlayback, Reason{Kind: JustShift}, CodeJustificationKindNotAllowed},
		{"playback in emergency", ActPlayback, Reason{Kind: JustEmergency, Ref: "INC"}, CodeJustificationKindNotAllowed},
		{"search without motivation", ActANPRSearch, Reason{Kind: JustAdmin, Ref: "BM-1"}, CodeMotivationRequired},
		{"search motivated", ActANPRSearch, Reason{Kind: JustAdmin, Ref: "BM-1", Text: "inbraak"}, ""},
		{"grant for emergency", ActGrant, Reason{Kind: JustEmergency, Ref: "brand"}, ""},
		{"dsar judicial", ActDSAR, Reason{Kind: JustJudicial, Ref: "HA.1"}, CodeJustificationKindNotAllowed},
		{"text too long", ActLive, Reason{Kind: JustShift, Text: strings.Repeat("x", MaxReasonText+1)}, CodeJustificationTooLong},
		{"ref too long", ActLive, Reason{Kind: JustEvent, Ref: strings.Repeat("x", maxReasonRef+1)}, CodeJustificationTooLong},
		{"newline in ref", ActLive, Reason{Kind: JustEvent, Ref: "a\nb"}, CodeJustificationInvalid},
		{"escape in auth", ActPlayback, Reason{Kind: JustJudicial, Ref: "HA.1", AuthRef: "\x1b[2J"}, CodeJustificationInvalid},
		{"accents are text", ActLive, Reason{Kind: JustEvent, Ref: "Fête de la musique", Text: "coördinatie"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.why.Validate(tc.act)
			var re *ReasonError
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate(%s, %+v) = %v, want nil", tc.act, tc.why, err)
			case tc.want != "" && (!errors.As(err, &re) || re.Code != tc.want):
				t.Errorf("Validate(%s, %+v) = %v, want code %s", tc.act, tc.why, err, tc.want)
			}
		})
	}
}

func TestReasonString(t *testing.T) {
	for _, tc := range []struct {
		why  Reason
		want string
	}{
		{Reason{Kind: JustRound, Ref: "Stationsbuurt"}, "virtual_patrol: Stationsbuurt"},
		{Reason{Kind: JustShift}, "operational"},
		{Reason{Kind: JustShift, Text: "dispatch shift"}, "operational: dispatch shift"},
		{Reason{Kind: JustEvent, Ref: "Jaarmarkt", Text: "drukte"}, "event: Jaarmarkt - drukte"},
		{Reason{Kind: JustJudicial, Ref: "HA.1", AuthRef: "ONDERZ 45/26"}, "judicial: HA.1 (auth: ONDERZ 45/26)"},
		{Reason{Kind: JustJudicial, AuthRef: "ONDERZ 45/26"}, "judicial: (auth: ONDERZ 45/26)"},
		{Reason{}, ""},
	} {
		if got := tc.why.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.why, got, tc.want)
		}
	}
}

func TestKindsForIsACopy(t *testing.T) {
	ks := KindsFor(ActPlayback)
	ks[0] = JustShift
	if KindsFor(ActPlayback)[0] != JustAdmin {
		t.Error("KindsFor hands out the policy's own slice")
	}
	if len(KindsFor(ActLive)) != len(JustKinds()) {
		t.Error("live view should accept every kind")
	}
}
